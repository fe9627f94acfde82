package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class CascadeRankerTest {

    @Test
    void topRReorderedRestKeepStage1Order() {
        // s1 alone (b = 0 via null s2): stage-1 order is 0,1,2,3,4,5
        float[] s1 = {6, 5, 4, 3, 2, 1};
        double[] s3 = {0, 0, 10, 100, 100, 0};
        CascadeRanker cr = new CascadeRanker(3, 1, 0.5, 1);
        List<Integer> calls = new ArrayList<>();
        CascadeRanker.Ranking r = cr.rank(s1, null, j -> {
            calls.add(j);
            return s3[j];
        });
        // top 3 = {0,1,2}, full = 6,5,14 -> 2,0,1 ; rest 3,4,5 keep stage-1 order despite large s3
        assertArrayEquals(new int[]{2, 0, 1, 3, 4, 5}, r.order());
        assertEquals(List.of(0, 1, 2), calls.stream().sorted().toList());
        assertEquals(3, r.rescored());
        assertTrue(Double.isNaN(r.fullScores()[3]));
        assertEquals(14.0, r.fullScores()[2]);
        // cascade scores reproduce the order and give ranks through RetrievalMetrics
        assertArrayEquals(new int[]{2, 1, 3, 4},
                RetrievalMetrics.ranks(new float[][]{r.cascadeScores(), r.cascadeScores(),
                        r.cascadeScores(), r.cascadeScores()}, new int[]{0, 2, 1, 3}));
    }

    @Test
    void weightsAreApplied() {
        float[] s1 = {1, 2};
        float[] s2 = {4, 0};
        // stage1 = 2*s1 + 0.25*s2 = {3, 4}; full adds -1*s3 = {3 - 0, 4 - 5} = {3, -1}
        CascadeRanker.Ranking r = new CascadeRanker(2, 2, 0.25, -1).rank(s1, s2, j -> j == 1 ? 5 : 0);
        assertArrayEquals(new double[]{3, 4}, r.stage1(), 1e-12);
        assertArrayEquals(new int[]{0, 1}, r.order());
        // R = 0: no s3 call at all, stage-1 order
        CascadeRanker.Ranking r0 = new CascadeRanker(0, 2, 0.25, -1).rank(s1, s2, j -> {
            throw new AssertionError("s3 must not be called");
        });
        assertArrayEquals(new int[]{1, 0}, r0.order());
        // s3 weighed 0: no s3 call either, and the stage-1 order
        CascadeRanker zero = new CascadeRanker(2, 2, 0.25, 0);
        assertFalse(zero.weighsS3());
        CascadeRanker.Ranking rz = zero.rank(s1, s2, j -> {
            throw new AssertionError("s3 weighed 0 must not be called");
        });
        assertArrayEquals(new int[]{1, 0}, rz.order());
        assertTrue(new CascadeRanker(2, 2, 0.25, -1).weighsS3());
    }

    @Test
    void rAtLeastNIsExhaustive() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rnd.nextInt(15);
            float[] s1 = new float[n];
            float[] s2 = new float[n];
            double[] s3 = new double[n];
            for (int j = 0; j < n; j++) {
                s1[j] = rnd.nextInt(3);
                s2[j] = rnd.nextInt(3);
                s3[j] = rnd.nextInt(3);
            }
            CascadeRanker.Ranking r = new CascadeRanker(n + rnd.nextInt(3), 1, 0.5, 1).rank(s1, s2, j -> s3[j]);
            double[] full = new double[n];
            for (int j = 0; j < n; j++) {
                full[j] = s1[j] + 0.5 * s2[j] + s3[j];
            }
            // order is non-increasing in the full score
            for (int k = 1; k < n; k++) {
                assertTrue(full[r.order()[k - 1]] >= full[r.order()[k]]);
            }
            // and the cascade scores give exactly the exhaustive ranks, ties included
            float[] exhaustive = new float[n];
            for (int j = 0; j < n; j++) {
                exhaustive[j] = (float) full[j];
            }
            for (int g = 0; g < n; g++) {
                assertArrayEquals(RetrievalMetrics.ranks(new float[][]{exhaustive}, new int[]{g}),
                        RetrievalMetrics.ranks(new float[][]{r.cascadeScores()}, new int[]{g}));
            }
        }
    }

    @Test
    void randomCascadeMatchesIndependentConstruction() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 30; trial++) {
            int n = 2 + rnd.nextInt(20);
            int topR = rnd.nextInt(n + 1);
            float[] s1 = new float[n];
            float[] s2 = new float[n];
            double[] s3 = new double[n];
            for (int j = 0; j < n; j++) {
                s1[j] = rnd.nextInt(5);
                s2[j] = rnd.nextInt(5);
                s3[j] = rnd.nextGaussian();
            }
            CascadeRanker.Ranking r = new CascadeRanker(topR, 1, 0.5, 1).rank(s1, s2, j -> s3[j]);
            // independent: stage-1 order with index tie-break, split, re-sort head by full score
            Integer[] idx = new Integer[n];
            for (int j = 0; j < n; j++) {
                idx[j] = j;
            }
            Comparator<Integer> byS12 = Comparator.comparingDouble(j -> -(s1[j] + 0.5 * s2[j]));
            Arrays.sort(idx, byS12.thenComparingInt(j -> j));
            Integer[] head = Arrays.copyOf(idx, topR);
            Arrays.sort(head, Comparator.<Integer>comparingDouble(j -> -(s1[j] + 0.5 * s2[j] + s3[j]))
                    .thenComparing(byS12).thenComparingInt(j -> j));
            int[] expected = new int[n];
            for (int k = 0; k < n; k++) {
                expected[k] = k < topR ? head[k] : idx[k];
            }
            assertArrayEquals(expected, r.order(), "trial " + trial);
            // cascade scores are non-increasing along the order, strictly dropping at the block edge
            for (int k = 1; k < n; k++) {
                assertTrue(r.cascadeScores()[r.order()[k - 1]] >= r.cascadeScores()[r.order()[k]]);
            }
            if (topR > 0 && topR < n) {
                assertTrue(r.cascadeScores()[r.order()[topR - 1]] > r.cascadeScores()[r.order()[topR]]);
            }
        }
    }

    @Test
    void tiesStayTiedInCascadeScores() {
        float[] s1 = {1, 1, 1, 0};
        CascadeRanker.Ranking r = new CascadeRanker(2, 1, 0.5, 1).rank(s1, null, j -> 0);
        // head {0,1} tied at full=1 ; tail {2,3}: 2 has s12=1, 3 has 0
        assertArrayEquals(new int[]{0, 1, 2, 3}, r.order());
        assertEquals(r.cascadeScores()[0], r.cascadeScores()[1]);
        assertTrue(r.cascadeScores()[1] > r.cascadeScores()[2]);
        assertTrue(r.cascadeScores()[2] > r.cascadeScores()[3]);
        // the true candidate 1 is tied with 0 -> rank 2 (ties against the model)
        assertArrayEquals(new int[]{2}, RetrievalMetrics.ranks(new float[][]{r.cascadeScores()}, new int[]{1}));
    }

    @Test
    void matrixHelperAndNanRejected() {
        float[][] s1 = {{1, 2, 3}, {3, 2, 1}};
        float[][] out = new CascadeRanker(1, 1, 0.5, 1).cascadeScores(s1, null, (q, c) -> q * 10 + c);
        assertArrayEquals(new int[]{3, 1}, RetrievalMetrics.ranks(out, new int[]{0, 0}));
        assertThrows(IllegalArgumentException.class,
                () -> CascadeRanker.defaults().rank(new float[]{1, Float.NaN}, null, j -> 0));
        assertThrows(IllegalArgumentException.class,
                () -> CascadeRanker.defaults().rank(new float[]{1, 2}, null, j -> Double.NaN));
        assertEquals(100, CascadeRanker.defaults().topR());
    }

    /** The evaluation runs the fusion on {@code rescored} first: it must be exactly what rank asks s3 for, in order. */
    @Test
    void rescoredIsWhatRankAsksFor() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(30);
            float[] s1 = new float[n], s2 = new float[n];
            for (int j = 0; j < n; j++) {
                s1[j] = rnd.nextInt(4); // many ties
                s2[j] = rnd.nextInt(3) * 0.5f;
            }
            CascadeRanker cr = new CascadeRanker(rnd.nextInt(n + 3), 1, 0.5, 1);
            List<Integer> asked = new ArrayList<>();
            cr.rank(s1, trial % 3 == 0 ? null : s2, j -> {
                asked.add(j);
                return 0;
            });
            int[] got = cr.rescored(s1, trial % 3 == 0 ? null : s2);
            Assertions.assertArrayEquals(asked.stream().mapToInt(Integer::intValue).toArray(), got, "trial " + trial);
        }
    }

    /** rank() against the plain definition (a full sort of boxed indices), on rows with many ties, −0 among them. */
    @Test
    void rankEqualsTheSortingDefinition() {
        Random rnd = new Random(9);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(40);
            float[] s1 = new float[n], s2 = new float[n], s3 = new float[n];
            for (int j = 0; j < n; j++) {
                s1[j] = rnd.nextInt(5) - 2;
                s2[j] = rnd.nextInt(3) == 0 ? -0.0f : rnd.nextInt(3) - 1;
                s3[j] = rnd.nextInt(3);
            }
            CascadeRanker cr = new CascadeRanker(rnd.nextInt(n + 2), 1, 0.5, 1);
            CascadeRanker.Ranking got = cr.rank(s1, s2, j -> s3[j]);
            // the definition: stage 1 sorted (score desc, index asc), the top R re-sorted by the full score
            double[] st = new double[n];
            for (int j = 0; j < n; j++) st[j] = s1[j] + 0.5 * s2[j] + 0.0;
            Integer[] by = new Integer[n];
            for (int j = 0; j < n; j++) by[j] = j;
            Arrays.sort(by, (x, y) -> st[x] != st[y] ? Double.compare(st[y], st[x]) : Integer.compare(x, y));
            int r = Math.min(cr.topR(), n);
            Integer[] top = Arrays.copyOf(by, r);
            Arrays.sort(top, (x, y) -> {
                double fx = st[x] + s3[x], fy = st[y] + s3[y];
                return fx != fy ? Double.compare(fy, fx)
                        : st[x] != st[y] ? Double.compare(st[y], st[x]) : Integer.compare(x, y);
            });
            int[] order = new int[n];
            for (int k = 0; k < n; k++) order[k] = k < r ? top[k] : by[k];
            Assertions.assertArrayEquals(order, got.order(), "trial " + trial);
            for (int k = 0; k < n; k++) {
                int j = order[k];
                int start = k;
                while (start > 0 && (start - 1 < r) == (k < r)
                        && (k < r ? st[order[start - 1]] + s3[order[start - 1]] == st[j] + s3[j]
                                : st[order[start - 1]] == st[j])) {
                    start--;
                }
                assertEquals(n - start, got.cascadeScores()[j], "trial " + trial + " candidate " + j);
            }
        }
    }
}
