package io.github.taco.text;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TextPipelineTest {
    static TextPipeline pipeline;

    @BeforeAll
    static void load() throws IOException {
        pipeline = TextPipeline.builder().build();
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    /** The invariants every encoding must satisfy; returns {interest pieces, word pieces}. */
    static int[] checkInvariants(EncodedText e, int maxLength, String unk) {
        int n = e.length();
        String where = e.text();
        assertTrue(n >= 2 && n <= maxLength, where);
        assertEquals(n, e.pieces().size());
        assertEquals(n, e.wordIds().length);
        assertEquals(n, e.tags().size());
        assertEquals(n, e.interest().length);
        assertEquals(n, e.weights().length);
        assertEquals("[CLS]", e.pieces().get(0), where);
        assertEquals("[SEP]", e.pieces().get(n - 1), where);
        double sum = 0;
        int interest = 0;
        Map<Integer, Float> wordWeight = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (!e.interest()[i]) {
                assertEquals(0f, e.weights()[i], where);
                continue;
            }
            interest++;
            assertTrue(e.wordIds()[i] >= 0, where);
            assertNotEquals(unk, e.pieces().get(i), where);
            assertTrue(e.weights()[i] > 0, where);
            sum += e.weights()[i];
            Float prev = wordWeight.putIfAbsent(e.wordIds()[i], e.weights()[i]);
            if (prev != null) {
                assertEquals(prev, e.weights()[i], "pieces of one word share its weight: " + where);
            }
        }
        if (interest > 0) {
            assertEquals(1.0, sum, 1e-4, where);
        }
        return new int[] {interest, n - 2};
    }

    static void checkCorpus(String name, List<String> captions, TextPipeline p) {
        List<EncodedText> all = p.encodeAll(captions);
        assertEquals(captions.size(), all.size());
        long interest = 0;
        long pieces = 0;
        int none = 0;
        for (int i = 0; i < all.size(); i++) {
            assertSame(captions.get(i), all.get(i).text()); // order kept
            int[] c = checkInvariants(all.get(i), p.maxLength(), p.tokenizer().unkToken());
            interest += c[0];
            pieces += c[1];
            none += c[0] == 0 ? 1 : 0;
        }
        double share = (double) interest / pieces;
        System.out.printf(
                "%s: %d captions, %.1f pieces/caption, NOUN+VERB share of pieces %.3f, %d with no token of interest%n",
                name, captions.size(), (double) pieces / captions.size(), share, none);
        assertTrue(share > 0.25 && share < 0.8, name + " NOUN+VERB share " + share);
        assertTrue(none < captions.size() / 100 + 1, name + ": too many captions without tokens of interest: " + none);
    }

    @Test
    void youCook2CaptionsAllEncode() throws IOException {
        List<String> yc = SharedCaptions.youCook2(null);
        assertEquals(13829, yc.size());
        checkCorpus("YouCook2 trainval", yc, pipeline);
    }

    @Test
    void msrvttCaptionsAllEncode() throws IOException {
        List<String> msr = SharedCaptions.msrvttTest();
        assertEquals(1000, msr.size());
        checkCorpus("MSR-VTT test", msr, pipeline);
    }

    @Test
    void activityNetSentencesAndParagraphsEncode() throws IOException {
        List<List<String>> videos = SharedCaptions.activityNet();
        List<String> sentences = new ArrayList<>();
        List<String> paragraphs = new ArrayList<>();
        for (List<String> v : videos) {
            sentences.addAll(v);
            paragraphs.add(String.join(" ", v));
        }
        checkCorpus("ActivityNet val_1 sentences", sentences, pipeline);
        try (TextPipeline p256 = TextPipeline.builder().maxLength(256).build()) {
            checkCorpus("ActivityNet val_1 paragraphs", paragraphs, p256);
        }
    }

    @Test
    void idfWeightsFavourRareWords() throws IOException {
        List<String> train = SharedCaptions.youCook2("training");
        Idf idf = pipeline.fitIdf(train);
        assertEquals(train.size(), idf.numDocuments());
        assertTrue(idf.idf("add") < idf.idf("saffron"), "'add' is common in recipes");
        try (TextPipeline p = TextPipeline.builder().idf(idf).build()) {
            EncodedText e = p.encode("add the saffron");
            // first piece of word 0 ("add") and of word 2 ("saffron", maybe several pieces)
            int add = 1;
            int saffron = 0;
            while (e.wordIds()[saffron] != 2) {
                saffron++;
            }
            assertTrue(e.interest()[add] && e.interest()[saffron], e.pieces() + " " + e.tags());
            assertTrue(e.weights()[saffron] > e.weights()[add]);
            checkInvariants(e, 30, "[UNK]");
        }
    }

    @Test
    void allZeroIdfGivesEqualWeights() throws IOException {
        // every word appears in every "training" caption, so every idf is 0
        Idf zero = Idf.of(3, Map.of("cut", 3, "onions", 3));
        try (TextPipeline p = TextPipeline.builder().idf(zero).build()) {
            EncodedText e = p.encode("cut onions");
            assertArrayEquals(new boolean[] {false, true, true, false}, e.interest(), e.tags().toString());
            assertEquals(0.5f, e.weights()[1]);
            assertEquals(0.5f, e.weights()[2]);
        }
    }

    @Test
    void tagSetsChooseTokensOfInterest() throws IOException {
        String caption = "the man cuts the bread";
        try (TextPipeline none = TextPipeline.builder().tagSet(TagSet.NONE).build();
                TextPipeline detAdp = TextPipeline.builder().tagSet(TagSet.DET_ADP).build();
                TextPipeline all = TextPipeline.builder().tagSet(TagSet.ALL).build();
                TextPipeline verb = TextPipeline.builder().tagSet(TagSet.VERB).build()) {
            for (boolean b : none.encode(caption).interest()) {
                assertFalse(b);
            }
            EncodedText d = detAdp.encode(caption);
            assertTrue(d.interest()[1] && d.interest()[4]);          // the, the
            assertFalse(d.interest()[2] || d.interest()[3] || d.interest()[5]);
            EncodedText a = all.encode(caption);
            assertFalse(a.interest()[0] || a.interest()[6]);         // never [CLS]/[SEP]
            for (int i = 1; i <= 5; i++) {
                assertEquals(0.2f, a.weights()[i], 1e-6);
            }
            EncodedText v = verb.encode(caption);
            assertEquals("cuts", v.pieces().get(3));
            assertTrue(v.interest()[3]);
            assertEquals(1.0f, v.weights()[3]);
        }
        assertEquals(TagSet.NOUN_VERB, TagSet.parse("noun+verb"));
        assertEquals(TagSet.DET_ADP, TagSet.parse("DET_ADP"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TagSet.parse("adj"));
        assertTrue(e.getMessage().contains("noun+verb"));
    }

    // ---- bad input ----

    @Test
    void emptyAndBlankCaptionsHaveNoTokenOfInterest() {
        for (String s : List.of("", "   ", "\t\n")) {
            EncodedText e = pipeline.encode(s);
            assertEquals(List.of("[CLS]", "[SEP]"), e.pieces());
            assertArrayEquals(new float[] {0f, 0f}, e.weights());
            assertArrayEquals(new boolean[] {false, false}, e.interest());
            assertEquals(List.of("", ""), e.tags());
        }
        // only punctuation: words but no tokens of interest
        EncodedText p = pipeline.encode("...!?");
        assertTrue(p.length() > 2);
        for (float w : p.weights()) {
            assertEquals(0f, w);
        }
    }

    @Test
    void nullCaptionIsRejectedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pipeline.encode(null));
        assertTrue(e.getMessage().contains("caption"));
        List<String> withNull = new ArrayList<>(List.of("a", "b"));
        withNull.add(null);
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> pipeline.encodeAll(withNull));
        assertTrue(e2.getMessage().contains("captions[2]"), e2.getMessage());
    }

    @Test
    void overLongCaptionIsTruncatedKeepingSep() {
        String longCaption = "add salt and pepper and stir ".repeat(20);
        EncodedText e = pipeline.encode(longCaption);
        assertEquals(30, e.length());
        assertEquals("[SEP]", e.pieces().get(29));
        checkInvariants(e, 30, "[UNK]");
        assertEquals(27, e.wordIds()[28]); // words 0..27 kept: 28 pieces between [CLS] and [SEP]
    }

    @Test
    void nonAsciiTextIsNormalisedOrUnknown() {
        EncodedText accents = pipeline.encode("sauté the jalapeño");
        EncodedText plain = pipeline.encode("saute the jalapeno");
        assertArrayEquals(plain.ids(), accents.ids());
        assertEquals(plain.tags(), accents.tags(), "tags come from the original text, and agree here");
        EncodedText emoji = pipeline.encode("cut the 🍅 tomato");
        int unk = emoji.pieces().indexOf("[UNK]");
        assertTrue(unk > 0, emoji.pieces().toString());
        assertFalse(emoji.interest()[unk], "[UNK] is never a token of interest");
        assertEquals(0f, emoji.weights()[unk]);
        checkInvariants(emoji, 30, "[UNK]");
        EncodedText cjk = pipeline.encode("cook 寿司 rice");
        checkInvariants(cjk, 30, "[UNK]");
        assertEquals(4, cjk.wordIds()[cjk.length() - 2] + 1, "each CJK character is a word: " + cjk.pieces());
    }

    @Test
    void unknownWordsBecomeUnkAndAreNotTokensOfInterest() throws IOException {
        // bert-tiny's 256-piece vocabulary knows almost no English word
        try (TextPipeline tiny = TextPipeline.builder().tokenizer(SharedCaptions.dir().resolve("bert-tiny/vocab.txt"))
                .build()) {
            EncodedText e = tiny.encode("the chef slices the onions");
            assertTrue(e.pieces().contains("[UNK]"), e.pieces().toString());
            for (int i = 0; i < e.length(); i++) {
                if (e.pieces().get(i).equals("[UNK]")) {
                    assertFalse(e.interest()[i]);
                    assertFalse(e.tags().get(i).isEmpty(), "the word is still tagged");
                }
            }
            checkInvariants(e, 30, "[UNK]");
        }
    }

    @Test
    void encodeAllMatchesEncode() throws IOException {
        List<String> some = SharedCaptions.msrvttTest().subList(0, 200);
        List<EncodedText> all = pipeline.encodeAll(some);
        for (int i = 0; i < some.size(); i++) {
            assertTrue(EncodingCache.sameContent(pipeline.encode(some.get(i)), all.get(i)), some.get(i));
        }
    }

    @Test
    void theBundledVocabularyIsTheRealBertUncasedOne() throws Exception {
        // sha256 of Google's bert-base-uncased vocab.txt (src/test/data/SOURCES.md)
        byte[] bytes = Files.readAllBytes(TextPipeline.defaultVocabulary());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertEquals("07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3", sha);
        try (TextPipeline p = TextPipeline.builder().build()) {
            assertEquals(List.of("[CLS]", "chop", "the", "onions", "[SEP]"), p.encode("chop the onions").pieces());
        }
    }
}
