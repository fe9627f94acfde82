package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StepLocalizationTest {

    @Test
    void handMadeOrderMatters() {
        // Step 0 peaks at frame 3, step 1 at frame 1: the best ordered assignment cannot take both.
        float[][] sim = {
                {0.0f, 0.0f},
                {0.0f, 5.0f},
                {0.0f, 0.0f},
                {4.0f, 0.0f},
                {0.0f, 1.0f},
        };
        // options: (0,1)=5, (3,4)=5, (1..) ... best = 5; ties -> earliest last frame: step1 on frame 1
        int[] f = StepLocalization.align(sim);
        assertEquals(5.0, StepLocalization.alignmentScore(sim, f));
        assertArrayEquals(new int[]{0, 1}, f);
        sim[4][1] = 2.0f;  // now (3,4) = 6 is the unique optimum
        assertArrayEquals(new int[]{3, 4}, StepLocalization.align(sim));
    }

    @Test
    void exactlyAsManyFramesAsSteps() {
        float[][] sim = {{-1, 9, 9}, {9, -1, 9}, {9, 9, -1}};
        assertArrayEquals(new int[]{0, 1, 2}, StepLocalization.align(sim));
    }

    @Test
    void fewerFramesThanStepsRejected() {
        assertThrows(IllegalArgumentException.class, () -> StepLocalization.align(new float[][]{{1, 2, 3}, {1, 2, 3}}));
        assertThrows(IllegalArgumentException.class,
                () -> StepLocalization.align(new float[][]{{1, Float.NaN}, {1, 2}}));
    }

    @Test
    void dpMatchesBruteForceOnRandomMatrices() {
        for (int seed = 0; seed < 12; seed++) {
            Random rnd = new Random(seed);
            for (int trial = 0; trial < 25; trial++) {
                int s = 1 + rnd.nextInt(4);
                int t = s + rnd.nextInt(9 - s);  // s <= t <= 8
                float[][] sim = new float[t][s];
                for (float[] row : sim) {
                    for (int j = 0; j < s; j++) {
                        // integers in some trials to create ties, gaussians in others
                        row[j] = trial % 2 == 0 ? rnd.nextInt(3) - 1 : (float) rnd.nextGaussian();
                    }
                }
                int[] f = StepLocalization.align(sim);
                assertEquals(s, f.length);
                for (int j = 1; j < s; j++) {
                    assertTrue(f[j - 1] < f[j], "frames must increase");
                }
                double best = brute(sim, s, t, 0, -1, 0.0);
                assertEquals(best, StepLocalization.alignmentScore(sim, f), 1e-9, "seed " + seed + " trial " + trial);
            }
        }
    }

    /** Max over all strictly increasing frame tuples, by plain enumeration. */
    private static double brute(float[][] sim, int s, int t, int step, int lastFrame, double acc) {
        if (step == s) {
            return acc;
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int k = lastFrame + 1; k < t; k++) {
            best = Math.max(best, brute(sim, s, t, step + 1, k, acc + sim[k][step]));
        }
        return best;
    }

    @Test
    void recallOnHandMadeVideos() {
        // Task A, 3 steps. Video a1 annotates steps 0 and 2; a2 annotates step 1 twice.
        List<StepSegment> a1 = List.of(new StepSegment(0, 2.0, 4.5), new StepSegment(2, 10.2, 12.0));
        List<StepSegment> a2 = List.of(new StepSegment(1, 0.0, 1.0), new StepSegment(1, 7.0, 8.0));
        // Task B, 2 steps. Video b1 annotates both.
        List<StepSegment> b1 = List.of(new StepSegment(0, 3.0, 3.0), new StepSegment(1, 5.0, 6.0));
        StepLocalization.Recall r = StepLocalization.recall(List.of(
                // step 0 frame 4 in [2, ceil(4.5)=5) -> hit ; step 2 frame 12 not < ceil(12)=12 -> miss
                new StepLocalization.VideoSteps("A", "a1", new int[]{4, 6, 12}, a1),
                // step 1 frame 7 in the second interval -> hit ; steps 0 and 2 unannotated
                new StepLocalization.VideoSteps("A", "a2", new int[]{-1, 7, 9}, a2),
                // zero-length interval [3,3] still covers frame 3 -> hit ; step 1 unpredicted -> miss
                new StepLocalization.VideoSteps("B", "b1", new int[]{3, -1}, b1)), 1.0);
        assertEquals(2, r.recalledPerTask().get("A"));
        assertEquals(3, r.annotatedPerTask().get("A"));
        assertEquals(200.0 / 3, r.perTask().get("A"), 1e-9);
        assertEquals(50.0, r.perTask().get("B"), 1e-9);
        assertEquals((200.0 / 3 + 50.0) / 2, r.average(), 1e-9);
    }

    @Test
    void recallAtTwoFpsAndBadStep() {
        // at 2 fps, interval [2.0, 3.0] is frames 4,5
        List<StepSegment> seg = List.of(new StepSegment(0, 2.0, 3.0));
        assertEquals(100.0, StepLocalization.recall(List.of(
                new StepLocalization.VideoSteps("T", "v", new int[]{5}, seg)), 2.0).average());
        assertEquals(0.0, StepLocalization.recall(List.of(
                new StepLocalization.VideoSteps("T", "v", new int[]{6}, seg)), 2.0).average());
        assertThrows(IllegalArgumentException.class, () -> StepLocalization.recall(List.of(
                new StepLocalization.VideoSteps("T", "v", new int[]{1}, List.of(new StepSegment(1, 0, 1)))), 1.0));
    }
}
