package io.github.taco.index;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A word split into pieces is one word: its weight their sum, its score and heat their weighted average. */
class WordMatchTest {
    private static final float[] TIMES = {10, 11, 12};

    private static SearchHit.TokenMatch piece(String piece, String word, double weight, float... perFrame) {
        int best = 0;
        for (int f = 1; f < perFrame.length; f++) {
            if (perFrame[f] > perFrame[best]) best = f;
        }
        return new SearchHit.TokenMatch(piece, word, "VERB", weight, perFrame[best], best, TIMES[best], TIMES,
                perFrame);
    }

    @Test
    void whiskIsOneWordOfThreePieces() {
        List<SearchHit.WordMatch> words = SearchHit.combine(List.of(
                piece("w", "whisk", 0.2, 1f, 0f, 0f), piece("##his", "whisk", 0.3, 0f, 1f, 0f),
                piece("##k", "whisk", 0.1, 0f, 1f, 0f), piece("eggs", "eggs", 0.4, 0f, 0f, 2f)));
        assertEquals(2, words.size());
        SearchHit.WordMatch whisk = words.get(0);
        assertEquals(List.of("w", "##his", "##k"), whisk.pieces());
        assertEquals(0.6, whisk.weight(), 1e-12);
        // weight × score is the word's share of s2: Σ w_p · s_p = 0.2·1 + 0.3·1 + 0.1·1
        assertEquals(0.6, whisk.weight() * whisk.score(), 1e-9);
        assertArrayEquals(new float[] {0.2f / 0.6f, 0.4f / 0.6f, 0f}, whisk.perFrame(), 1e-6f);
        assertEquals(11, whisk.bestSecond());
        assertEquals(List.of("eggs"), words.get(1).pieces());
        assertEquals(12, words.get(1).bestSecond());
    }

    @Test
    void aWordRepeatedLaterInTheQueryStaysApart() {
        List<SearchHit.WordMatch> words = SearchHit.combine(List.of(piece("add", "add", 0.5, 1f, 0f, 0f),
                piece("salt", "salt", 0.2, 0f, 1f, 0f), piece("add", "add", 0.3, 0f, 0f, 1f)));
        assertEquals(List.of("add", "salt", "add"), words.stream().map(SearchHit.WordMatch::word).toList());
    }
}
