package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

    @Test
    void constantModelGetsWorstRank() {
        int n = 7;
        float[][] s = new float[n][n];
        for (float[] row : s) {
            Arrays.fill(row, 0.3f);
        }
        int[] r = RetrievalMetrics.ranks(s);
        for (int x : r) {
            assertEquals(n, x);
        }
        RetrievalMetrics.Result res = RetrievalMetrics.textToVideo("const", s, null);
        assertEquals(0.0, res.r1());
        assertEquals(0.0, res.r5());
        assertEquals(100.0, res.r10());
        assertEquals(n, res.medianRank());
        assertEquals(n, res.meanRank());
    }

    @Test
    void handMadeMatrixWithTies() {
        float[][] s = {
                {0.9f, 0.1f, 0.2f, 0.0f},  // true 0 strictly best -> 1
                {0.5f, 0.5f, 0.1f, 0.0f},  // true 1 tied with 0 -> 2
                {0.7f, 0.8f, 0.7f, 0.7f},  // true 2: 0.8 above, 0.7 twice tied -> 4
                {0.1f, 0.2f, 0.3f, 0.25f}, // true 3: only 0.3 above -> 2
        };
        assertArrayEquals(new int[]{1, 2, 4, 2}, RetrievalMetrics.ranks(s));
        RetrievalMetrics.Result res = RetrievalMetrics.summarize("x", RetrievalMetrics.ranks(s), 4);
        assertEquals(25.0, res.r1());
        assertEquals(100.0, res.r5());
        assertEquals(2.0, res.medianRank());
        assertEquals(2.25, res.meanRank(), 1e-12);
    }

    @Test
    void explicitGroundTruthIndices() {
        float[][] s = {
                {0.1f, 0.9f, 0.2f},
                {0.3f, 0.2f, 0.1f},
        };
        assertArrayEquals(new int[]{1, 3}, RetrievalMetrics.ranks(s, new int[]{1, 2}));
    }

    @Test
    void medianMatchesNumpyForEvenAndOddCounts() {
        // numpy.median([1, 2, 4, 10]) == 3.0 ; numpy.median([3, 1, 2]) == 2.0 ; ([1, 2]) == 1.5
        assertEquals(3.0, RetrievalMetrics.median(new int[]{10, 1, 4, 2}));
        assertEquals(2.0, RetrievalMetrics.median(new int[]{3, 1, 2}));
        assertEquals(1.5, RetrievalMetrics.median(new int[]{2, 1}));
        assertEquals(7.0, RetrievalMetrics.median(new int[]{7}));
    }

    @Test
    void nanNamesTheQueryRow() {
        float[][] s = {{1, 0}, {0, Float.NaN}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.ranks(s));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.videoToText("v", s, null));
    }

    @Test
    void raggedOrBadGroundTruthRejected() {
        assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.ranks(new float[][]{{1, 2}, {1}}));
        assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.ranks(new float[][]{{1, 2}}, new int[]{2}));
    }

    @Test
    void randomMatricesAgreeWithBruteForceBothDirections() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 30; trial++) {
            int videos = 1 + rnd.nextInt(12);
            int texts = videos + rnd.nextInt(10);
            int[] gt = new int[texts];
            for (int i = 0; i < texts; i++) {
                // every video gets at least one text, the rest are random (several captions per video)
                gt[i] = i < videos ? i : rnd.nextInt(videos);
            }
            float[][] s = new float[texts][videos];
            for (float[] row : s) {
                for (int j = 0; j < videos; j++) {
                    row[j] = rnd.nextInt(4); // few distinct values -> many ties
                }
            }
            // text -> video, brute force: sort candidates by score descending, ties worst-case
            int[] t2v = RetrievalMetrics.ranks(s, gt);
            for (int i = 0; i < texts; i++) {
                assertEquals(bruteRank(s[i], new int[]{gt[i]}), t2v[i]);
            }
            // video -> text, brute force on the transpose with all true texts as positives
            RetrievalMetrics.Result v2t = RetrievalMetrics.videoToText("v2t", s, gt);
            int[] expected = new int[videos];
            for (int v = 0; v < videos; v++) {
                float[] col = new float[texts];
                int cnt = 0;
                for (int i = 0; i < texts; i++) {
                    col[i] = s[i][v];
                    if (gt[i] == v) {
                        cnt++;
                    }
                }
                int[] pos = new int[cnt];
                for (int i = 0, k = 0; i < texts; i++) {
                    if (gt[i] == v) {
                        pos[k++] = i;
                    }
                }
                expected[v] = bruteRank(col, pos);
            }
            RetrievalMetrics.Result exp = RetrievalMetrics.summarize("v2t", expected, texts);
            assertEquals(exp, v2t);
            assertEquals(bruteMedian(expected), v2t.medianRank());
            assertEquals(100.0 * Arrays.stream(t2v).filter(r -> r <= 5).count() / texts,
                    RetrievalMetrics.textToVideo("t", s, gt).r5(), 1e-9);
        }
    }

    /**
     * Independent rank: walk candidates in ascending score order with the positives placed first
     * among equals (the pessimistic order); position of the best positive from the top, counting
     * only non-positives ahead of it.
     */
    private static int bruteRank(float[] row, int[] positives) {
        Integer[] idx = new Integer[row.length];
        for (int j = 0; j < row.length; j++) {
            idx[j] = j;
        }
        Set<Integer> pos = new HashSet<>();
        for (int p : positives) {
            pos.add(p);
        }
        // descending score; among ties non-positives come first (ties against the model)
        Arrays.sort(idx, (a, b) -> {
            int c = Float.compare(row[b], row[a]);
            if (c != 0) {
                return c;
            }
            return Boolean.compare(pos.contains(a), pos.contains(b));
        });
        int nonPositivesAhead = 0;
        for (int j : idx) {
            if (pos.contains(j)) {
                return nonPositivesAhead + 1;
            }
            nonPositivesAhead++;
        }
        throw new AssertionError("no positive");
    }

    private static double bruteMedian(int[] v) {
        double[] d = Arrays.stream(v).asDoubleStream().sorted().toArray();
        int n = d.length;
        return n % 2 == 1 ? d[n / 2] : 0.5 * (d[n / 2 - 1] + d[n / 2]);
    }

    @Test
    void multiPositiveIgnoresOtherPositives() {
        // video 0 has texts 0 and 1; video 1 has text 2
        float[][] s = {
                {0.5f, 0.9f},
                {0.5f, 0.1f},
                {0.5f, 0.2f},
        };
        int[] gt = {0, 0, 1};
        // v2t rows: video0 -> [0.5,0.5,0.5], positives {0,1}: only text 2 ties -> rank 2
        //           video1 -> [0.9,0.1,0.2], positive {2}: text 0 above -> rank 2
        RetrievalMetrics.Result v2t = RetrievalMetrics.videoToText("v", s, gt);
        assertEquals(0.0, v2t.r1());
        assertEquals(2.0, v2t.medianRank());
        assertArrayEquals(new int[]{2, 1},
                RetrievalMetrics.ranksMultiPositive(new float[][]{{0.5f, 0.5f, 0.5f}, {0.1f, 0.9f, 0.9f}},
                        new int[][]{{0, 1}, {1, 2}}));
    }

    @Test
    void tableRowAndMap() {
        RetrievalMetrics.Result r = RetrievalMetrics.summarize("s1", new int[]{1, 2, 3, 60}, 100);
        String row = r.tableRow();
        assertTrue(row.startsWith("s1"), row);
        assertTrue(row.contains("75.00"), row);  // R@5..R@50
        assertTrue(row.contains("2.5"), row);    // median of 1,2,3,60
        assertEquals(RetrievalMetrics.Result.tableHeader().length(), row.length());
        Map<?, ?> m = new ObjectMapper().convertValue(r, Map.class);
        assertEquals(List.of("name", "queries", "candidates", "R@1", "R@5", "R@10", "R@50", "MedR", "MeanR"),
                List.copyOf(m.keySet()), "the keys taco eval --json has always written, in that order");
        assertEquals(25.0, m.get("R@1"));
        assertEquals(2.5, m.get("MedR"));
        assertEquals(16.5, m.get("MeanR"));
        RetrievalMetrics.Both both = RetrievalMetrics.both("m", new float[][]{{1, 0}, {0, 1}}, null);
        assertEquals(100.0, both.textToVideo().r1());
        assertEquals("m v2t", both.videoToText().name());
        assertTrue(new ObjectMapper().convertValue(both, Map.class).containsKey("v2t"));
    }
}
