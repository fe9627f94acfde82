package io.github.taco.text;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdfTest {
    static final List<List<String>> DOCS = List.of(
            List.of("add", "the", "salt"),
            List.of("add", "the", "oil", "oil"),
            List.of("stir", "the", "Oil"),
            List.of("the", "pan"));

    @Test
    void wordInEveryCaptionGetsZeroAndRarerWordsWeighMore() {
        Idf idf = Idf.fit(DOCS);
        assertEquals(4, idf.numDocuments());
        assertEquals(0.0, idf.idf("the"));            // log(4/5) < 0, clamped
        assertEquals(2, idf.documentFrequency("oil")); // counted once per caption, case-folded
        assertEquals(Math.log(4.0 / 3.0), idf.idf("OIL"), 1e-12);
        assertEquals(Math.log(4.0 / 2.0), idf.idf("pan"), 1e-12);
        assertTrue(idf.idf("pan") > idf.idf("oil"));
        assertTrue(idf.idf("oil") > idf.idf("the"));
    }

    @Test
    void unseenWordGetsTheLargestIdf() {
        Idf idf = Idf.fit(DOCS);
        assertEquals(Math.log(4), idf.idf("saffron"), 1e-12);
        for (String w : List.of("add", "the", "salt", "oil", "stir", "pan")) {
            assertTrue(idf.idf("saffron") > idf.idf(w));
        }
    }

    @Test
    void uniformGivesOne() {
        assertEquals(1.0, Idf.uniform().idf("anything"));
        assertTrue(Idf.uniform().isUniform());
    }

    @Test
    void saveLoadRoundTrip(@TempDir Path tmp) throws IOException {
        Idf idf = Idf.fit(DOCS);
        Path f = tmp.resolve("run/idf.json");
        idf.save(f);
        Idf back = Idf.load(f);
        assertEquals(idf, back);
        assertEquals(idf.idf("pan"), back.idf("pan"));
        assertEquals(idf.idf("unseen"), back.idf("unseen"));
        assertArrayEquals(idf.toJsonBytes(), Files.readAllBytes(f));
        assertTrue(Files.readString(f).contains("\"numDocuments\":4"));
    }

    @Test
    void badFilesNameFileAndField(@TempDir Path tmp) throws IOException {
        Path noN = Files.writeString(tmp.resolve("a.json"), "{\"df\":{}}");
        IOException e1 = assertThrows(IOException.class, () -> Idf.load(noN));
        assertTrue(e1.getMessage().contains("a.json") && e1.getMessage().contains("numDocuments"), e1.getMessage());
        Path badDf = Files.writeString(tmp.resolve("b.json"), "{\"numDocuments\":2,\"df\":{\"x\":\"many\"}}");
        IOException e2 = assertThrows(IOException.class, () -> Idf.load(badDf));
        assertTrue(e2.getMessage().contains("b.json") && e2.getMessage().contains("df.x"), e2.getMessage());
        Path tooBig = Files.writeString(tmp.resolve("c.json"), "{\"numDocuments\":2,\"df\":{\"x\":3}}");
        IOException e3 = assertThrows(IOException.class, () -> Idf.load(tooBig));
        assertTrue(e3.getMessage().contains("c.json"), e3.getMessage());
        Path notJson = Files.writeString(tmp.resolve("d.json"), "{{");
        assertThrows(IOException.class, () -> Idf.load(notJson));
        assertThrows(IllegalArgumentException.class, () -> Idf.of(-1, Map.of()));
    }
}
