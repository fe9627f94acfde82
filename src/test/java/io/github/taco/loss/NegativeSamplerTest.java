package io.github.taco.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.taco.model.Negatives;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class NegativeSamplerTest {

    @Test
    void cascadeReturnsExactlyTheTopKPrimeInBothDirectionsAndNeverThePositive() {
        Random rnd = new Random(4);
        for (int trial = 0; trial < 20; trial++) {
            int k = 3 + rnd.nextInt(12);
            int kp = 1 + rnd.nextInt(10);
            float[] r = new float[k * k];
            // ties, and a strong diagonal
            for (int i = 0; i < r.length; i++) r[i] = rnd.nextInt(7) + (i % (k + 1) == 0 ? 100 : 0);
            NegativeSampler.Selection sel = NegativeSampler.select(Negatives.CASCADE, r, k, kp, null);
            int expectedKp = Math.min(kp, k - 1);
            assertEquals(expectedKp, sel.kPrime());
            for (int a = 0; a < k; a++) {
                final int anchor = a;
                checkTop(sel.videosForText()[a], anchor, expectedKp, j -> r[anchor * k + j], k);
                checkTop(sel.textsForVideo()[a], anchor, expectedKp, i -> r[i * k + anchor], k);
            }
        }
    }

    /** The chosen set is a top-K' set: no unchosen non-positive scores higher than a chosen one. */
    private static void checkTop(int[] chosen, int positive, int kp, IntToDoubleFunction score, int k) {
        assertEquals(kp, chosen.length);
        Set<Integer> set = new HashSet<>();
        double minChosen = Double.POSITIVE_INFINITY;
        for (int c : chosen) {
            assertNotEquals(positive, c, "the positive was selected as a negative");
            assertTrue(set.add(c), "duplicate negative " + c);
            minChosen = Math.min(minChosen, score.applyAsDouble(c));
        }
        for (int j = 0; j < k; j++) {
            if (j != positive && !set.contains(j)) {
                assertTrue(score.applyAsDouble(j) <= minChosen, "an unchosen negative scores higher");
            }
        }
    }

    @Test
    void randomReturnsDistinctNonPositives() {
        int k = 10;
        NegativeSampler.Selection sel = NegativeSampler.select(Negatives.RANDOM, null, k, 4, new Random(1));
        Set<String> rows = new HashSet<>();
        for (int a = 0; a < k; a++) {
            for (int[] row : new int[][] {sel.videosForText()[a], sel.textsForVideo()[a]}) {
                assertEquals(4, row.length);
                assertEquals(4, Arrays.stream(row).distinct().count());
                for (int j : row) {
                    assertNotEquals(a, j);
                    assertTrue(j >= 0 && j < k);
                }
                rows.add(Arrays.toString(row));
            }
        }
        assertTrue(rows.size() > 5, "random rows should differ");
    }

    @Test
    void fullTakesAllOthersAndTinyBatchesAreRejected() {
        NegativeSampler.Selection sel = NegativeSampler.select(Negatives.FULL, null, 5, 2, null);
        assertEquals(4, sel.kPrime());
        assertEquals("[0, 1, 3, 4]", Arrays.toString(sel.videosForText()[2]));
        assertThrows(IllegalArgumentException.class, () -> NegativeSampler.select(Negatives.FULL, null, 1, 2, null));
        assertThrows(IllegalArgumentException.class, () -> Negatives.parse("hard"));
    }
}
