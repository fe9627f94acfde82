package io.github.taco.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second set of malformed inputs of issue 34: every numeric field of a YouCook2 annotation file that is not a
 * number of seconds is named with its video and field, and a caption without a word is named as a blank one is.
 */
class SilentInputsTest {
    @TempDir Path tmp;

    private Path annotations(String video) throws IOException {
        return Files.writeString(tmp.resolve("youcookii_annotations_trainval.json"), "{\"database\": {" + video + "}}");
    }

    private static String video(String duration, String start, String end, String sentence) {
        return "\"vid1\": {\"duration\": " + duration + ", \"subset\": \"training\", \"annotations\": [{\"segment\": ["
                + start + ", " + end + "], \"id\": 0, \"sentence\": " + sentence + "}]}";
    }

    @Test
    void everyNumberThatIsNotASecondCountIsNamedWithItsVideoAndField() throws IOException {
        String[][] cases = {
            {video("10", "NaN", "5", "\"cut\""), "annotation 0 segment start", "NaN"},
            {video("10", "1", "Infinity", "\"cut\""), "annotation 0 segment end", "Infinity"},
            {video("10", "-Infinity", "5", "\"cut\""), "segment start", "-Infinity"},
            {video("10", "\"1\"", "5", "\"cut\""), "segment start", "expected a number"},
            {video("10", "null", "5", "\"cut\""), "segment start", "expected a number"},
            {video("-5", "1", "5", "\"cut\""), "duration", "more than 0"},
            {video("0", "1", "5", "\"cut\""), "duration", "more than 0"},
            {video("NaN", "1", "5", "\"cut\""), "duration", "NaN"},
            {video("\"ten\"", "1", "5", "\"cut\""), "duration", "expected a number"},
        };
        for (String[] c : cases) {
            Path file = annotations(c[0]);
            IOException e = assertThrows(IOException.class, () -> YouCook2Reader.read(file), c[0]);
            assertTrue(e.getMessage().contains("vid1") && e.getMessage().contains(c[1])
                    && e.getMessage().contains(c[2]), c[0] + " → " + e.getMessage());
        }
    }

    @Test
    void brokenJsonSaysWhere() throws IOException {
        Path file = Files.writeString(tmp.resolve("broken.json"),
                "{\"database\": {\n  \"vid1\": {\"duration\": 10,,}}}");
        IOException e = assertThrows(IOException.class, () -> YouCook2Reader.read(file));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void aCaptionWithoutAWordIsNamedAsABlankOneIs() {
        assertTrue(DatasetChecker.wordless("..."));
        assertTrue(DatasetChecker.wordless(" — !? "));
        assertTrue(DatasetChecker.wordless(""));
        assertFalse(DatasetChecker.wordless("cut"));
        assertFalse(DatasetChecker.wordless("2"));
        assertFalse(DatasetChecker.wordless("切る"), "any script's letters are words");
    }

    /**
     * The same rule in every other reader: file, video and field named, never a parser's or a NumberFormatException's
     * words.
     */
    @Test
    void theOtherReadersNameTheirBadNumbersTheSameWay() throws IOException {
        Path anet = Files.createDirectories(tmp.resolve("anet"));
        String[][] activityNet = {
            {"{\"v_a\": {\"duration\": NaN, \"timestamps\": [[0, 2]], \"sentences\": [\"cut\"]}}", "duration", "NaN"},
            {"{\"v_a\": {\"duration\": -3, \"timestamps\": [[0, 2]], \"sentences\": [\"cut\"]}}", "duration",
                    "more than 0"},
            {"{\"v_a\": {\"duration\": 9, \"timestamps\": [[\"0\", 2]], \"sentences\": [\"cut\"]}}",
                    "timestamps[0] start", "expected a number"},
            {"{\"v_a\": {\"duration\": 9, \"timestamps\": [[0, Infinity]], \"sentences\": [\"cut\"]}}",
                    "timestamps[0] end", "Infinity"},
            {"{\"v_a\": {\"duration\": 9, \"timestamps\": [[0]], \"sentences\": [\"cut\"]}}", "timestamps[0]",
                    "[start, end]"},
        };
        for (String[] c : activityNet) {
            Path f = Files.writeString(anet.resolve("train.json"), c[0]);
            IOException e = assertThrows(IOException.class, () -> ActivityNetReader.read(f, false), c[0]);
            assertTrue(e.getMessage().contains("train.json: video v_a, " + c[1]) && e.getMessage().contains(c[2]),
                    c[0] + " → " + e.getMessage());
        }

        Path csv = Files.writeString(tmp.resolve("vidH.csv"), "start,end,text\n0,2.5,cut the onion\nsoon,4,add salt\n");
        IOException e = assertThrows(IOException.class, () -> HowTo100MReader.read(csv));
        assertTrue(e.getMessage().contains(
                "vidH.csv: video vidH, start (line 3): expected a number of seconds, got 'soon'"), e.getMessage());
        Path raw = Files.writeString(tmp.resolve("raw_caption.json"),
                "{\"vidH\": {\"start\": [0, NaN], \"end\": [2, 4], \"text\": [\"a\", \"b\"]}}");
        e = assertThrows(IOException.class, () -> HowTo100MReader.read(raw));
        assertTrue(e.getMessage().contains("raw_caption.json: video vidH, start[1]: NaN is not a number of seconds"),
                e.getMessage());

        Path mil = Files.writeString(tmp.resolve("validation_youcook.csv"),
                "end,start,task,text,video_id\n5,x,101,cut,vidY\n");
        e = assertThrows(IOException.class, () -> YouCook2Reader.readMilNceCsv(mil));
        assertTrue(e.getMessage().contains(
                "video vidY, start (row 1 of the video): expected a number of seconds, got 'x'"), e.getMessage());

        Path msr = Files.createDirectories(tmp.resolve("msrvtt"));
        Files.writeString(msr.resolve(MsrVttReader.TEST_CSV),
                "key,vid_key,video_id,sentence\nret0,msr7020,video7020,a man cooks\n");
        Files.writeString(msr.resolve("MSRVTT_train.9k.csv"), "video_id\nvideo1\n");
        Files.writeString(msr.resolve(MsrVttReader.DATA_JSON),
                "{\"videos\": [{\"video_id\": \"video1\", \"start time\": 1.5, "
                + "\"end time\": \"12\"}], \"sentences\": [{\"video_id\": \"video1\", \"caption\": \"a dog\"}]}");
        e = assertThrows(IOException.class, () -> MsrVttReader.read(msr));
        assertTrue(e.getMessage().contains(
                "MSRVTT_data.json: video video1, end time: expected a number of seconds, got \"12\""), e.getMessage());
    }
}
