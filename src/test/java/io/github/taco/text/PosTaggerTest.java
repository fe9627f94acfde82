package io.github.taco.text;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PosTaggerTest {
    static TextPipeline pipeline;

    @BeforeAll
    static void load() throws IOException {
        pipeline = TextPipeline.builder().maxLength(64).build();
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    record Labelled(String caption, List<String> words, List<String> labels) {}

    static List<Labelled> handLabelled() throws IOException {
        List<Labelled> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                PosTaggerTest.class.getResourceAsStream("/pos/hand_labelled.tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                List<String> words = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                for (String wl : cols[1].split(" ")) {
                    int slash = wl.lastIndexOf('/');
                    words.add(wl.substring(0, slash));
                    labels.add(wl.substring(slash + 1));
                }
                out.add(new Labelled(cols[0], words, labels));
            }
        }
        return out;
    }

    /** NOUN (incl. PROPN, see TagSet), VERB, or OTHER, as in the hand-labelled file. */
    static String coarse(String universalTag) {
        if (TagSet.NOUN.contains(universalTag)) {
            return "NOUN";
        }
        return TagSet.VERB.contains(universalTag) ? "VERB" : "OTHER";
    }

    @Test
    void agreesWithHandLabelsOnNounOrVerb() throws IOException {
        List<Labelled> set = handLabelled();
        assertTrue(set.size() >= 50, "need at least 50 hand-labelled captions, have " + set.size());
        Map<String, Integer> confusion = new TreeMap<>();
        int words = 0;
        int binaryAgree = 0;
        int exactAgree = 0;
        for (Labelled l : set) {
            EncodedText e = pipeline.encode(l.caption());
            // word tags from the pieces: the first piece of each word
            List<String> tagged = new ArrayList<>();
            List<String> pieceWords = new ArrayList<>();
            for (int i = 0; i < e.length(); i++) {
                int w = e.wordIds()[i];
                if (w >= 0 && w == tagged.size()) {
                    tagged.add(e.tags().get(i));
                    pieceWords.add(e.pieces().get(i));
                }
            }
            assertEquals(l.words().size(), tagged.size(),
                    () -> "word split differs for: " + l.caption() + " " + pieceWords);
            for (int w = 0; w < tagged.size(); w++) {
                String gold = l.labels().get(w);
                String got = coarse(tagged.get(w));
                confusion.merge("gold=" + gold + " tagged=" + got, 1, Integer::sum);
                words++;
                if (gold.equals(got)) {
                    exactAgree++;
                }
                if (gold.equals("OTHER") == got.equals("OTHER")) {
                    binaryAgree++;
                }
            }
        }
        double binary = (double) binaryAgree / words;
        double exact = (double) exactAgree / words;
        System.out.printf("POS vs hand labels: %d captions, %d words; noun-or-verb agreement %.3f, NOUN/VERB/OTHER "
                + "agreement %.3f%n", set.size(), words, binary, exact);
        confusion.forEach((k, v) -> System.out.println("  " + k + ": " + v));
        assertTrue(binary >= 0.90, "noun-or-verb agreement " + binary);
    }

    @Test
    void contractionTagIsSpreadOverItsWordPieceWords() {
        EncodedText e = pipeline.encode("he doesn't cook");
        // pieces: [CLS] he doesn ' t cook [SEP]; OpenNLP keeps "doesn't" as one token tagged AUX+PART
        assertEquals(List.of("[CLS]", "he", "doesn", "'", "t", "cook", "[SEP]"), e.pieces());
        assertEquals("PUNCT", e.tags().get(3));
        for (String tag : e.tags()) {
            assertFalse(tag.contains("+"), "compound tags are split: " + e.tags());
        }
        assertFalse(e.interest()[2], "auxiliary is not a token of interest");
        assertEquals("VERB", e.tags().get(5));
    }

    @Test
    void everyWordGetsATagFromTheOverlappingToken() {
        String text = "cut the well-done steak into 1/2 inch pieces!";
        PosTagger tagger = PosTagger.english();
        WordPieceTokenizer.Tokenized t = pipeline.tokenizer().tokenize(text);
        String[] tags = tagger.tagWords(text, t.wordStarts(), t.wordEnds());
        assertEquals(t.numWords(), tags.length);
        for (String tag : tags) {
            assertNotNull(tag);
            assertFalse(tag.isEmpty());
        }
        assertEquals("PUNCT", tags[tags.length - 1]); // "!"
        assertEquals(0, tagger.tagWords("", new int[0], new int[0]).length);
    }
}
