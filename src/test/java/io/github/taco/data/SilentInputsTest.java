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
        return "\"vid1\": {\"duration\": " + duration + ", \"subset\": \"training\", \"annotations\": [{\"segment\": [" + start + ", " + end
                + "], \"id\": 0, \"sentence\": " + sentence + "}]}";
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
            assertTrue(e.getMessage().contains("vid1") && e.getMessage().contains(c[1]) && e.getMessage().contains(c[2]),
                    c[0] + " → " + e.getMessage());
        }
    }

    @Test
    void brokenJsonSaysWhere() throws IOException {
        Path file = Files.writeString(tmp.resolve("broken.json"), "{\"database\": {\n  \"vid1\": {\"duration\": 10,,}}}");
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
}
