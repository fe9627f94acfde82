package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.SharedData;
import io.github.taco.data.Clip;
import io.github.taco.data.Datasets;
import io.github.taco.data.MsrVttReader;
import io.github.taco.data.Split;
import io.github.taco.index.TestIndexes;
import io.github.taco.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --protocol milnce: the bundled video list is MIL-NCE's CSV, and it selects exactly the CSV's 3,350 clips of the
 * official JSON.
 */
class EvalProtocolTest {
    @Test
    void milNceVideosSelectTheCsvsClipsOfTheOfficialAnnotations() throws Exception {
        Set<String> videos = EvalProtocol.MILNCE.videos();
        assertEquals(436, videos.size());
        List<Clip> csv = Datasets.read("youcook2", SharedData.file("youcook2/validation_youcook.csv")).clips();
        assertEquals(EvalProtocol.MILNCE_CLIPS, csv.size());
        assertEquals(csv.stream().map(Clip::videoId).collect(Collectors.toSet()), videos,
                "the bundled list is the CSV's video_id column");
        List<Clip> val = Datasets.read("youcook2", SharedData.file("youcook2/youcookii_annotations_trainval.json"))
                .clips(Split.VALIDATION);
        assertEquals(3492, val.size());
        List<Clip> subset = val.stream().filter(c -> videos.contains(c.videoId())).toList();
        assertEquals(EvalProtocol.MILNCE_CLIPS, subset.size(), "every segment of those videos, as in the CSV");
        assertNull(EvalProtocol.ALL.videos());
    }

    @Test
    void milNceIsYouCook2ValidationOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvalProtocol.MILNCE.check("msrvtt", Split.TEST));
        assertTrue(e.getMessage().contains("YouCook2's validation split") && e.getMessage().contains("msrvtt test"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EvalProtocol.MILNCE.check("youcook2", Split.TRAIN));
        assertDoesNotThrow(() -> EvalProtocol.MILNCE.check("youcook2", Split.VALIDATION));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> EvalProtocol.parse("mil"));
        assertTrue(bad.getMessage().contains("all") && bad.getMessage().contains("milnce"), bad.getMessage());
    }

    @Test
    void msrVttsTestSplitIsNamedAsThePapersNameIt(@TempDir Path tmp) throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 6, 2, 3);
        TrainingRun.Spec s = new TrainingRun.Spec();
        s.annotations = data.resolve("youcookii_annotations_trainval.json");
        s.features = data.resolve("features");
        s.outDir = tmp.resolve("run");
        s.model = TestIndexes.tinyConfig("dot");
        s.trainSplit = Split.VALIDATION;
        s.validationClips = 0;
        s.train.steps = 3;
        s.train.batchSize = 4;
        TrainingRun.Result r = TrainingRun.run(s);
        // the same videos as an MSR-VTT folder: JSFusion's test list names them
        Files.writeString(data.resolve(MsrVttReader.TEST_CSV),
                "key,vid_key,video_id,sentence\nret0,msr0,v0,a man cuts\nret1,msr1,v1,a woman stirs\n"
                        + "ret2,msr2,v2,a dog runs\n");
        Files.writeString(data.resolve("MSRVTT_train.9k.csv"), "video_id\nv3\n");
        EvalRun.Spec e = new EvalRun.Spec();
        e.checkpoint = r.checkpoint();
        e.dataset = "msrvtt";
        e.annotations = data;
        e.features = data.resolve("features");
        e.split = Split.TEST;
        e.topR = 0;
        String table = EvalRun.run(e).table();
        assertTrue(table.contains("protocol: msrvtt test (1k-A: JSFusion's 1,000 test videos, one caption each), "
                + "3 of its 3 clips"), table);
    }
}
