package io.github.taco.data;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
    @TempDir Path tmp;

    private static void assertUniqueIds(Dataset d) {
        Set<String> ids = new HashSet<>();
        d.clips().forEach(c -> assertTrue(ids.add(c.clipId()), "duplicate " + c.clipId()));
    }

    @Test
    void youCook2JsonMatchesOfficialCounts() throws IOException {
        Dataset d = YouCook2Reader.read(SharedData.dir().resolve("youcook2"));
        assertEquals(1790, d.videoIds().size());
        assertEquals(1333, d.videoIds(Split.TRAIN).size());
        assertEquals(457, d.videoIds(Split.VALIDATION).size());
        assertEquals(13829, d.clips().size());
        assertEquals(3492, d.clips(Split.VALIDATION).size());
        assertUniqueIds(d);
        Clip first = d.clips().get(0);
        assertEquals("GLd3aX16zBg#0", first.clipId());
        assertEquals(90, first.start());
        assertEquals(102, first.end());
        assertEquals(List.of("spread margarine on two slices of white bread"), first.texts());
        assertEquals(241.62, d.durations().get("GLd3aX16zBg"), 1e-9);
    }

    @Test
    void youCook2MilNceCsvHas3350ValidationClips() throws IOException {
        Dataset csv = YouCook2Reader.readMilNceCsv(SharedData.dir().resolve("youcook2/validation_youcook.csv"));
        assertEquals(3350, csv.clips().size());
        assertEquals(436, csv.videoIds().size());
        assertEquals(Map.of(Split.VALIDATION, 3350), csv.clipCounts());
        assertUniqueIds(csv);
        Clip c = csv.clips().get(0);
        assertEquals("xHr8X2Wpmno", c.videoId());
        assertEquals(47, c.start());
        assertEquals(60, c.end());
        // the CSV's videos are a subset of the JSON's validation videos
        Dataset json = YouCook2Reader.read(SharedData.dir().resolve("youcook2"));
        assertTrue(json.videoIds(Split.VALIDATION).containsAll(csv.videoIds()));
        // the CSV has every JSON segment of its 436 videos: 3,492 - 3,350 = 142 segments of 21 missing videos
        long sameVideos = json.clips(Split.VALIDATION).stream().filter(k -> csv.videoIds().contains(k.videoId()))
                .count();
        assertEquals(3350, sameVideos);
    }

    @Test
    void msrVttWithoutDataJsonGivesOnlyTheTestSplit() throws IOException {
        Dataset d = MsrVttReader.read(SharedData.dir().resolve("msrvtt"), "split1");
        assertEquals(1000, d.clips(Split.TEST).size());
        assertEquals(1000, d.videoIds(Split.TEST).size());
        assertTrue(d.clips(Split.TRAIN).isEmpty());
        assertTrue(d.notes().get(0).contains("9000 training videos"), d.notes().toString());
        Clip c = d.clips(Split.TEST).get(0);
        assertEquals("video9770", c.videoId());
        assertTrue(c.isWholeVideo());
        assertEquals(List.of("a person is connecting something to system"), c.texts());
    }

    @Test
    void msrVttTrainingVideosUseAllCaptionsOfTheDataJson() throws IOException {
        Path shared = SharedData.dir().resolve("msrvtt");
        for (String f : List.of("MSRVTT_train.9k.csv", "MSRVTT_train.7k.csv", "MSRVTT_JSFUSION_test.csv")) {
            Files.copy(shared.resolve(f), tmp.resolve(f));
        }
        // the real layout: videos with times, and one entry per caption
        StringBuilder json = new StringBuilder("{\"info\": {\"year\": 2016}, \"videos\": [");
        json.append("{\"category\": 9, \"url\": \"u\", \"video_id\": \"video0\", \"start time\": 137.72, \"end time\": "
                + "149.44, \"split\": \"train\", \"id\": 0},");
        json.append("{\"category\": 3, \"url\": \"u\", \"video_id\": \"video1\", \"start time\": 184.33, \"end time\": "
                + "206.89, \"split\": \"train\", \"id\": 1}");
        json.append("], \"sentences\": [");
        for (int i = 0; i < 20; i++) {
            json.append("{\"caption\": \"caption ").append(i).append("\", \"video_id\": \"video0\", \"sen_id\": ")
                    .append(i).append("},");
        }
        json.append("{\"caption\": \"only one\", \"video_id\": \"video1\", \"sen_id\": 20}]}");
        Files.writeString(tmp.resolve(MsrVttReader.DATA_JSON), json);
        Dataset d = MsrVttReader.read(tmp, "split1");
        List<Clip> train = d.clips(Split.TRAIN);
        assertEquals(2, train.size());
        assertEquals(20, train.get(0).texts().size());
        assertEquals("caption 19", train.get(0).texts().get(19));
        assertEquals(11.72, d.durations().get("video0"), 1e-9);
        assertTrue(d.notes().get(0).startsWith("8998 training videos"), d.notes().toString());
        Dataset split2 = MsrVttReader.read(tmp, "split2");
        // both are in the 7k list
        assertTrue(split2.notes().get(0).startsWith("7008 training videos"), split2.notes().toString());
        assertEquals(2, split2.clips(Split.TRAIN).size());
        assertEquals(1000, split2.clips(Split.TEST).size());
    }

    @Test
    void activityNetParagraphsAndSegments() throws IOException {
        Path val = SharedData.dir().resolve("activitynet/val_1.json");
        Dataset para = ActivityNetReader.read(val, true);
        assertEquals(4917, para.clips().size());
        assertTrue(para.clips().stream().allMatch(Clip::isWholeVideo));
        Clip c = para.clips().get(0);
        assertEquals("v_uqiMw7tQ1Cc", c.videoId());
        assertEquals("A weight lifting tutorial is given. The coach helps the guy in red with the proper body "
                + "placement and lifting technique.", c.texts().get(0));
        Dataset seg = ActivityNetReader.read(val, false);
        assertEquals(17505, seg.clips().size());
        assertEquals(Split.VALIDATION, seg.clips().get(0).split());
        assertUniqueIds(seg);
    }

    @Test
    void activityNetReversedTimestampsAreSwappedAndCounted() throws IOException {
        Path f = tmp.resolve("train.json");
        Files.writeString(f,
                "{\"v_a\": {\"duration\": 20, \"timestamps\": [[5, 2], [1, 3]], \"sentences\": [\"x\", \"y\"]}}");
        Dataset d = ActivityNetReader.read(f, false);
        assertEquals(Split.TRAIN, d.clips().get(0).split());
        assertEquals(2, d.clips().get(0).start());
        assertEquals(5, d.clips().get(0).end());
        assertEquals(List.of("train.json: 1 reversed timestamps swapped"), d.notes());
    }

    @Test
    void howTo100MNarrationIsMergedToTenWords() throws IOException {
        Dataset d = HowTo100MReader.read(SharedData.dir().resolve("howto100m"));
        assertEquals(5, d.videoIds().size());
        assertTrue(d.clips().stream().allMatch(c -> c.split() == Split.NARRATION));
        assertTrue(d.clips().stream().allMatch(c -> HowTo100MReader.words(c.texts().get(0)) >= 10));
        assertUniqueIds(d);
        // 5VLwcVOLoFs: 64 lines, 158 words → 14 groups of ≥10 words, the 4-word tail joins the last
        List<Clip> v = d.clips().stream().filter(c -> c.videoId().equals("5VLwcVOLoFs")).toList();
        assertEquals(14, v.size());
        assertEquals(1.12, v.get(0).start(), 1e-9);
        assertTrue(v.get(0).texts().get(0).startsWith("question leading brakes vacuum pump"));
        int total = v.stream().mapToInt(c -> HowTo100MReader.words(c.texts().get(0))).sum();
        assertEquals(158, total);
        for (int i = 1; i < v.size(); i++) {
            assertTrue(v.get(i).start() >= v.get(i - 1).start());
        }
    }

    @Test
    void howTo100MRawCaptionJson() throws IOException {
        Path f = tmp.resolve("raw_caption.json");
        Files.writeString(f, "{\"vidA\": {\"start\": [0, 2, 4, 6], \"end\": [2, 4, 6, 8], "
                + "\"text\": [\"one two three four\", \"five six seven\", \"eight nine ten eleven\", \"twelve\"]}}");
        Dataset d = HowTo100MReader.read(f);
        assertEquals(1, d.clips().size()); // 11 words then a 1-word tail that joins it
        Clip c = d.clips().get(0);
        assertEquals("vidA#0", c.clipId());
        assertEquals(0, c.start());
        assertEquals(8, c.end());
        assertEquals(12, HowTo100MReader.words(c.texts().get(0)));
        assertEquals(2, HowTo100MReader.read(f, 5).clips().size());
    }

    @Test
    void csvParserHandlesQuotes() {
        List<List<String>> rows = Csv.parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\r\n1,2");
        assertEquals(List.of("x, y", "say \"hi\""), rows.get(1));
        assertEquals(List.of("1", "2"), rows.get(2));
    }

    @Test
    void datasetsDispatchByName() throws IOException {
        assertEquals("youcook2", Datasets.read("youcook2", SharedData.dir().resolve("youcook2")).name());
        assertThrows(IllegalArgumentException.class, () -> Datasets.read("kinetics", SharedData.dir()));
    }
}
