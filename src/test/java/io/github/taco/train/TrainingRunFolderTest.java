package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.taco.data.MissingPolicy;
import io.github.taco.data.Split;
import io.github.taco.features.Npy;
import io.github.taco.index.TestIndexes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code taco train} does with its --out folder: refuse to overwrite, resume with every metrics line. */
class TrainingRunFolderTest {
    @TempDir Path tmp;

    private TrainingRun.Spec spec(Path data, Path out, long steps) {
        TrainingRun.Spec s = new TrainingRun.Spec();
        s.annotations = data.resolve("youcookii_annotations_trainval.json");
        s.features = data.resolve("features");
        s.outDir = out;
        s.model = TestIndexes.tinyConfig("cosine");
        s.trainSplit = Split.VALIDATION; // the test data has one split
        s.validationClips = 0;
        s.train.steps = steps;
        s.train.batchSize = 4;
        s.train.warmupSteps = 1;
        s.train.checkpointEvery = 2;
        s.logEvery = 1;
        return s;
    }

    private static List<Long> steps(Path metrics) throws IOException {
        ObjectMapper json = new ObjectMapper();
        return Files.readAllLines(metrics).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                return json.readTree(l).path("step").asLong(-1);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }).filter(s -> s >= 0).toList();
    }

    @Test
    void anExistingRunIsRefusedResumeKeepsEveryLineAndOverwriteStartsOver() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 4, 3, 2);
        Path out = tmp.resolve("run");

        IOException early = assertThrows(IOException.class, () -> {
            TrainingRun.Spec s = spec(data, out, 4);
            s.resume = true;
            TrainingRun.run(s);
        });
        assertTrue(early.getMessage().contains("no checkpoint yet") && early.getMessage().contains("without --resume"),
                early.getMessage());

        TrainingRun.run(spec(data, out, 4));
        assertEquals(List.of(1L, 2L, 3L, 4L), steps(out.resolve("metrics.jsonl")));

        IOException again = assertThrows(IOException.class, () -> TrainingRun.run(spec(data, out, 4)));
        assertTrue(again.getMessage().contains("--resume") && again.getMessage().contains("--overwrite"),
                again.getMessage());
        assertEquals(List.of(1L, 2L, 3L, 4L), steps(out.resolve("metrics.jsonl")), "nothing written is lost");

        TrainingRun.Spec conflicting = spec(data, out, 6);
        conflicting.resume = true;
        conflicting.train.batchSize = 2;
        conflicting.model.hiddenSize = 8;
        conflicting.given.addAll(List.of("train.steps", "train.batchSize", "model.hiddenSize"));
        IOException fixed = assertThrows(IOException.class, () -> TrainingRun.run(conflicting));
        assertTrue(fixed.getMessage().contains("batchSize (4 in the checkpoint, 2 given)")
                && fixed.getMessage().contains("hiddenSize (16 in the checkpoint, 8 given)"), fixed.getMessage());

        TrainingRun.Spec more = spec(data, out, 6);
        more.resume = true;
        more.train.batchSize = 32; // not given: the checkpoint's 4 is used, not this default
        more.given.add("train.steps");
        assertEquals(2, TrainingRun.run(more).stepsTrained(), "steps 5 and 6, not 6");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), steps(out.resolve("metrics.jsonl")),
                "the checkpoint's own step keeps its line");

        TrainingRun.Spec nothingLeft = spec(data, out, 6);
        nothingLeft.resume = true;
        TrainingRun.Result done = TrainingRun.run(nothingLeft);
        assertEquals(0, done.stepsTrained());
        assertEquals(6, done.steps());

        TrainingRun.Spec fresh = spec(data, out, 2);
        fresh.overwrite = true;
        TrainingRun.run(fresh);
        assertEquals(List.of(1L, 2L), steps(out.resolve("metrics.jsonl")));
    }

    @Test
    void everyDefectiveFeatureFileIsNamedBeforeStepOne() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("bad"), 5, 3, 4);
        Path feats = data.resolve("features");
        float[] nan = new float[20 * TestIndexes.FEATURE_DIM];
        Arrays.fill(nan, Float.NaN);
        Npy.writeFloat32(feats.resolve("v1.npy"), 20, TestIndexes.FEATURE_DIM, nan);
        Files.writeString(feats.resolve("v2.npy"), "not a numpy file");
        Files.delete(feats.resolve("v3.npy"));
        Path out = tmp.resolve("badrun");
        IOException e = assertThrows(IOException.class, () -> TrainingRun.run(spec(data, out, 4)));
        for (String video : new String[] {"v1", "v2", "v3"}) {
            assertTrue(e.getMessage().contains(video), video + " is not named: " + e.getMessage());
        }
        assertTrue(e.getMessage().contains("nothing was trained"), e.getMessage());
        assertTrue(!Files.exists(out.resolve("checkpoint")) && !Files.exists(out.resolve("metrics.jsonl")));
    }

    @Test
    void aSegmentAfterTheEndAndABlankCaptionAreErrorsOrLeftOut() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("odd"), 4, 3, 6);
        Path ann = data.resolve("youcookii_annotations_trainval.json");
        var json = new ObjectMapper();
        var root = (ObjectNode) json.readTree(ann.toFile());
        var v0 = (ArrayNode) root.path("database").path("v0").path("annotations");
        ((ObjectNode) v0.get(0)).putArray("segment").add(500).add(510);
        ((ObjectNode) v0.get(1)).put("sentence", "   ");
        ((ObjectNode) v0.get(2)).put("sentence", "stir the sauce ".repeat(15).strip()); // 45 words
        json.writeValue(ann.toFile(), root);

        IOException e = assertThrows(IOException.class, () -> TrainingRun.run(spec(data, tmp.resolve("odd-fail"), 2)));
        assertTrue(e.getMessage().contains("v0#0") || e.getMessage().contains("starts after the features end"),
                e.getMessage());
        assertTrue(e.getMessage().contains("no caption"), e.getMessage());

        TrainingRun.Spec skip = spec(data, tmp.resolve("odd-skip"), 2);
        skip.onMissing = MissingPolicy.SKIP;
        TrainingRun.run(skip);
        assertTrue(Files.isDirectory(tmp.resolve("odd-skip").resolve("checkpoint")));
        assertEquals(1, json.readTree(tmp.resolve("odd-skip").resolve("data.json").toFile())
                        .path("captions_cut_to_max_tokens").asInt(),
                "the 45-word caption is counted as cut to maxTokens=16");
        var header = json.readTree(Files.readAllLines(tmp.resolve("odd-skip").resolve("metrics.jsonl")).get(0));
        assertTrue(header.path("header").asBoolean(), header.toString());
        assertEquals(2, header.path("clips_left_out").asInt(), header.toString());
        assertEquals(1, header.path("captions_cut_to_max_tokens").asInt(), header.toString());
        assertTrue(header.path("segment_repairs").asInt() >= 1,
                "the segment after the end is also a repair: " + header);
    }
}
