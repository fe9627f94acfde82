package io.github.taco.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CrossTask action step localization (docs/method.md §7): an ordered one-frame-per-step assignment by
 * dynamic programming, and the CrossTask recall.
 *
 * <p>Fewer frames than steps ({@code T < S}) has no valid assignment (frames must strictly
 * increase), so {@link #align} rejects it with an {@link IllegalArgumentException} rather than
 * inventing a partial answer. An evaluator that meets such a video passes {@code -1} for the steps
 * it could not place; {@link #recall} counts those steps as missed, which never inflates recall.
 */
public final class StepLocalization {

    private StepLocalization() {
    }

    /**
     * The assignment of one frame per step, frames strictly increasing in step order, that
     * maximises the total similarity. O(T·S) time and memory.
     *
     * <p>Ties between equally good assignments go to the one whose last step sits on the earliest
     * frame, and so on backwards (each choice takes the earliest best frame), so the result is
     * deterministic.
     *
     * @param sim {@code [T frames][S steps]}, steps in the task's order, finite
     * @return for each step s, its frame index; {@code result[s] < result[s+1]}
     * @throws IllegalArgumentException if {@code T < S}, the matrix is ragged or holds NaN/infinity
     */
    public static int[] align(float[][] sim) {
        int t = sim.length;
        int s = t == 0 ? 0 : sim[0].length;
        for (int k = 0; k < t; k++) {
            if (sim[k].length != s) {
                throw new IllegalArgumentException(
                        "frame row " + k + " has " + sim[k].length + " steps, expected " + s);
            }
            for (int j = 0; j < s; j++) {
                if (!Float.isFinite(sim[k][j])) {
                    // -Infinity would let the back-pointers land on an infeasible frame.
                    throw new IllegalArgumentException("non-finite similarity at frame " + k + ", step " + j);
                }
            }
        }
        if (s == 0) {
            return new int[0];
        }
        if (t < s) {
            throw new IllegalArgumentException("cannot place " + s + " steps on " + t + " frames in order");
        }
        // best[j][k]: best total of steps 0..j with step j on frame k.
        // prefMax[j][k]/prefArg[j][k]: max of best[j][0..k] and its earliest argmax, so the
        // transition "step j-1 on any frame before k" is O(1) and the whole DP is O(T·S).
        double[][] best = new double[s][t];
        double[][] prefMax = new double[s][t];
        int[][] prefArg = new int[s][t];
        for (int j = 0; j < s; j++) {
            for (int k = 0; k < t; k++) {
                if (k < j || k > t - s + j) {
                    // Step j needs j frames before it and s-1-j after it.
                    best[j][k] = Double.NEGATIVE_INFINITY;
                } else if (j == 0) {
                    best[j][k] = sim[k][0];
                } else {
                    best[j][k] = sim[k][j] + prefMax[j - 1][k - 1];
                }
                if (k == 0 || best[j][k] > prefMax[j][k - 1]) {
                    prefMax[j][k] = best[j][k];
                    prefArg[j][k] = k;
                } else {
                    prefMax[j][k] = prefMax[j][k - 1];
                    prefArg[j][k] = prefArg[j][k - 1];
                }
            }
        }
        int[] frames = new int[s];
        frames[s - 1] = prefArg[s - 1][t - 1];
        for (int j = s - 2; j >= 0; j--) {
            frames[j] = prefArg[j][frames[j + 1] - 1];
        }
        return frames;
    }

    /** Total similarity of an assignment: {@code Σ_s sim[frames[s]][s]}. */
    public static double alignmentScore(float[][] sim, int[] frames) {
        double total = 0;
        for (int j = 0; j < frames.length; j++) {
            total += sim[frames[j]][j];
        }
        return total;
    }

    /**
     * One evaluated CrossTask video.
     *
     * @param taskId          the task the video belongs to
     * @param videoId         the video id
     * @param predictedFrames frame of each of the task's steps ({@link #align}), -1 for none
     * @param truth           the video's annotated intervals
     */
    public record VideoSteps(String taskId, String videoId, int[] predictedFrames, List<StepSegment> truth) {
    }

    /**
     * CrossTask recall.
     *
     * @param perTask          recall of each task in percent, in order of first appearance
     * @param recalledPerTask  recalled steps per task
     * @param annotatedPerTask annotated (video, step) pairs per task
     * @param average          mean of the per-task recalls in percent (tasks weigh equally)
     */
    public record Recall(Map<String, Double> perTask, Map<String, Integer> recalledPerTask,
                         Map<String, Integer> annotatedPerTask, double average) {
    }

    /**
     * CrossTask recall: in each video, every step with at least one ground-truth interval is one
     * annotated step; it is recalled when its predicted frame lies in one of its intervals
     * ({@link StepSegment#containsFrame}). A task's recall is recalled / annotated over all its
     * videos; the result averages tasks. Tasks with no annotated step are left out of the average.
     *
     * @param videos evaluated videos
     * @param fps    frame rate of the frames in {@code predictedFrames}
     * @throws IllegalArgumentException if an annotation names a step the prediction does not have,
     *                                  or no task has an annotated step
     */
    public static Recall recall(Collection<VideoSteps> videos, double fps) {
        Map<String, Integer> hit = new LinkedHashMap<>();
        Map<String, Integer> total = new LinkedHashMap<>();
        for (VideoSteps v : videos) {
            int steps = v.predictedFrames().length;
            List<List<StepSegment>> byStep = new ArrayList<>(steps);
            for (int j = 0; j < steps; j++) {
                byStep.add(new ArrayList<>());
            }
            for (StepSegment seg : v.truth()) {
                if (seg.step() < 0 || seg.step() >= steps) {
                    throw new IllegalArgumentException("video " + v.videoId() + " of task " + v.taskId()
                            + " annotates step " + seg.step() + " but the task has " + steps + " steps");
                }
                byStep.get(seg.step()).add(seg);
            }
            int h = 0;
            int n = 0;
            for (int j = 0; j < steps; j++) {
                if (byStep.get(j).isEmpty()) {
                    continue;
                }
                n++;
                int f = v.predictedFrames()[j];
                if (f >= 0 && byStep.get(j).stream().anyMatch(seg -> seg.containsFrame(f, fps))) {
                    h++;
                }
            }
            hit.merge(v.taskId(), h, Integer::sum);
            total.merge(v.taskId(), n, Integer::sum);
        }
        Map<String, Double> perTask = new LinkedHashMap<>();
        double sum = 0;
        for (Map.Entry<String, Integer> e : total.entrySet()) {
            if (e.getValue() > 0) {
                double r = 100.0 * hit.get(e.getKey()) / e.getValue();
                perTask.put(e.getKey(), r);
                sum += r;
            }
        }
        if (perTask.isEmpty()) {
            throw new IllegalArgumentException("no annotated steps to compute recall on");
        }
        return new Recall(perTask, hit, total, sum / perTask.size());
    }
}
