package io.github.taco.text;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordPieceTokenizerTest {
    static WordPieceTokenizer tok;

    @BeforeAll
    static void load() throws IOException {
        tok = WordPieceTokenizer.load(TextPipeline.defaultVocabulary(), 30);
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void clsAndSepAroundPiecesWithWordIds() throws IOException {
        WordPieceTokenizer.Tokenized t = tok.tokenize("Add the jalapenos");
        List<String> pieces = List.of(t.pieces());
        assertEquals("[CLS]", pieces.get(0));
        assertEquals("[SEP]", pieces.get(pieces.size() - 1));
        assertEquals(-1, t.wordIds()[0]);
        assertEquals(-1, t.wordIds()[pieces.size() - 1]);
        assertEquals(3, t.numWords());
        assertEquals("add", pieces.get(1)); // lower-cased
        // ids are the line numbers of vocab.txt
        List<String> vocab = Files.readAllLines(TextPipeline.defaultVocabulary());
        for (int i = 0; i < pieces.size(); i++) {
            assertEquals(pieces.get(i), vocab.get(t.ids()[i]));
        }
        // "jalapenos" is not one vocabulary entry: several pieces, all of word 2, continuing with ##
        assertFalse(vocab.contains("jalapenos"));
        int firstPiece = 3;
        assertTrue(pieces.size() - 1 - firstPiece >= 2, pieces::toString);
        for (int i = firstPiece; i < pieces.size() - 1; i++) {
            assertEquals(2, t.wordIds()[i]);
            assertEquals(i > firstPiece, pieces.get(i).startsWith("##"), pieces::toString);
        }
        assertEquals("jalapenos", t.word(2));
    }

    @Test
    void punctuationAndContractionsAreSeparateWords() {
        WordPieceTokenizer.Tokenized t = tok.tokenize("don't stir, well-done");
        String[] words = new String[t.numWords()];
        for (int w = 0; w < words.length; w++) {
            words[w] = t.word(w);
        }
        assertArrayEquals(new String[] {"don", "'", "t", "stir", ",", "well", "-", "done"}, words);
    }

    @Test
    void truncationKeepsSep() throws IOException {
        try (WordPieceTokenizer short8 = WordPieceTokenizer.load(TextPipeline.defaultVocabulary(), 8)) {
            WordPieceTokenizer.Tokenized t = short8.tokenize("one two three four five six seven eight nine ten");
            assertEquals(8, t.pieces().length);
            assertEquals("[SEP]", t.pieces()[7]);
            assertEquals("six", t.pieces()[6]);
            assertEquals(6, t.numWords());
        }
        WordPieceTokenizer.Tokenized full = tok.tokenize("one two three four five six seven eight nine ten");
        assertEquals(12, full.pieces().length);
        assertEquals(10, tok.words("one two three four five six seven eight nine ten").size());
    }

    @Test
    void wordsForIdfCoverTheWholeTextBeyondMaxLength() throws IOException {
        try (WordPieceTokenizer short4 = WordPieceTokenizer.load(TextPipeline.defaultVocabulary(), 4)) {
            assertEquals(List.of("pour", "the", "oil", "into", "a", "pan"), short4.words("Pour the OIL into a pan"));
        }
    }

    @Test
    void accentsAreStrippedAndEmojiIsUnknownAndCjkIsSplit() {
        assertArrayEquals(tok.tokenize("cafe jalapeno").ids(), tok.tokenize("Café jalapeño").ids());
        WordPieceTokenizer.Tokenized e = tok.tokenize("a 🍅 here");
        assertEquals(List.of("[CLS]", "a", "[UNK]", "here", "[SEP]"), List.of(e.pieces()));
        assertEquals("🍅", e.word(1)); // spans are UTF-16 offsets even after a surrogate pair
        assertEquals("here", e.word(2));
        WordPieceTokenizer.Tokenized c = tok.tokenize("日本料理");
        assertEquals(4, c.numWords(), Arrays.toString(c.pieces())); // one word per CJK character
        assertEquals("料", c.word(2));
    }

    @Test
    void tokenizerJsonLoadsAsIs() throws IOException {
        Path dir = SharedCaptions.dir().resolve("bert-tiny");
        try (WordPieceTokenizer tiny = WordPieceTokenizer.load(dir, 30)) {
            assertTrue(tiny.source().endsWith("tokenizer.json"));
            WordPieceTokenizer.Tokenized t = tiny.tokenize("a b c");
            assertEquals("[CLS]", t.pieces()[0]);
            assertEquals("[SEP]", t.pieces()[t.pieces().length - 1]);
            assertEquals(3, t.numWords());
            for (int id : t.ids()) {
                assertTrue(id >= 0 && id < 256, "bert-tiny has 256 pieces: " + id);
            }
        }
    }

    @Test
    void generatedTokenizerMatchesOnTinyVocab() throws IOException {
        // The same vocab.txt through the generated (uncased) BERT tokenizer.
        try (WordPieceTokenizer tiny = WordPieceTokenizer.load(SharedCaptions.dir().resolve("bert-tiny/vocab.txt"),
                30)) {
            WordPieceTokenizer.Tokenized t = tiny.tokenize("A B");
            assertEquals(4, t.pieces().length);
            assertEquals(tiny.tokenize("a b").ids()[1], t.ids()[1]);
        }
    }

    @Test
    void badFilesAndOptionsNameTheProblem(@TempDir Path tmp) throws IOException {
        IOException missing = assertThrows(IOException.class,
                () -> WordPieceTokenizer.load(tmp.resolve("nope.txt"), 30));
        assertTrue(missing.getMessage().contains("nope.txt"), missing.getMessage());
        Path noCls = Files.writeString(tmp.resolve("vocab.txt"), "[PAD]\n[UNK]\n[SEP]\nhello\n");
        IOException bad = assertThrows(IOException.class, () -> WordPieceTokenizer.load(noCls, 30));
        assertTrue(bad.getMessage().contains("vocab.txt") && bad.getMessage().contains("[CLS]"), bad.getMessage());
        Path json = Files.writeString(tmp.resolve("tokenizer.json"), "{not json");
        IOException badJson = assertThrows(IOException.class, () -> WordPieceTokenizer.load(json, 30));
        assertTrue(badJson.getMessage().contains("tokenizer.json"), badJson.getMessage());
        // a tokenizer.json that adds no [CLS]/[SEP] would break EncodedText's layout
        var node = (ObjectNode) new ObjectMapper()
                .readTree(
                        WordPieceTokenizer.bertTokenizerJson(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "a"), "test"));
        node.putNull("post_processor");
        Path noTemplate = tmp.resolve("plain/tokenizer.json");
        Files.createDirectories(noTemplate.getParent());
        Files.write(noTemplate, node.toString().getBytes(StandardCharsets.UTF_8));
        IOException tmpl = assertThrows(IOException.class, () -> WordPieceTokenizer.load(noTemplate.getParent(), 30));
        assertTrue(tmpl.getMessage().contains("plain") && tmpl.getMessage().contains("[CLS]"), tmpl.getMessage());
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                () -> WordPieceTokenizer.load(TextPipeline.defaultVocabulary(), 1));
        assertTrue(len.getMessage().contains("maxLength"));
    }
}
