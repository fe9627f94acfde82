package io.github.taco.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.VideoFeatures;
import io.github.taco.io.EnumNames;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.text.CaptionEncoder;
import io.github.taco.text.EncodedText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * CrossTask action step localization (docs/method.md §7) of a model, zero-shot: the step names of a task are
 * the text queries, every frame of a video is scored against every step, {@link StepLocalization#align}
 * puts one frame per step in the task's order, and {@link StepLocalization#recall} averages recall
 * over tasks.
 *
 * <p>Frame × step similarity ({@link ModelScorer}): with the step text's [CLS] vector
 * {@code t = textVectors(y)} and the frame's video-encoder output {@code x^k} ({@link FrameVectors},
 * windows of maxFrames), {@code sim[k][s] = x^k · t_s} — s1 with the frame vector in place of the
 * video mean, both L2-normalised and divided by τ for cosine configs — plus, when the token weight
 * λ ≠ 0, {@code λ · Σ_p w_sp (x^k · y_s^p)}: the token-level score of docs/method.md §2 for a single frame
 * (the max over frames of s2 collapses to that frame), with the step text's tokens of interest and
 * their weights, tokens normalised and divided by τ like the frames for cosine configs.
 *
 * <p>Videos: those of the chosen list with an annotation file (others are skipped, as CrossTask's
 * evaluation does, and counted); an annotation of a task that is not primary is skipped and counted.
 * A missing feature file is an error naming the video. A video with fewer frames than its task has
 * steps cannot be aligned in order: its steps count as missed (never inflating recall) and the
 * video is counted in {@link Report#tooShort}.
 */
public final class CrossTaskEvaluator {

    /** Frame × step similarities of one video. */
    @FunctionalInterface
    public interface StepScorer {
        /**
         * @param task  the task (its steps in order)
         * @param video the video's features
         * @return {@code [T frames][S steps]}
         */
        float[][] similarity(CrossTaskReader.Task task, VideoFeatures video) throws IOException;
    }

    /** Which video list to evaluate. */
    public enum Split {
        /** {@code videos_val.csv}. */
        VAL,
        /** {@code videos.csv} without the validation videos. */
        TRAIN,
        /** {@code videos.csv} and {@code videos_val.csv}. */
        ALL;

        public static Split parse(String s) {
            return EnumNames.parse(Split.class, s, "CrossTask split", v -> switch (v) {
                case VAL -> List.of("val", "validation");
                case TRAIN -> List.of("train");
                case ALL -> List.of("all");
            });
        }
    }

    /**
     * The result.
     *
     * @param recall       per-task and average recall in percent
     * @param videos       videos evaluated
     * @param unannotated  listed videos without an annotation file (skipped)
     * @param notPrimary   annotated videos whose task is not in tasks_primary.txt (skipped)
     * @param tooShort     evaluated videos with fewer frames than steps (their steps count as missed)
     */
    public record Report(StepLocalization.Recall recall, int videos, int unannotated, int notPrimary, int tooShort) {

        /** One line per task and the average, for the console. */
        public String table(Map<String, CrossTaskReader.Task> tasks) {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%-10s %-40s %7s %9s%n", "task", "name", "recall", "steps"));
            recall.perTask().forEach((id, r) -> {
                CrossTaskReader.Task t = tasks.get(id);
                b.append(String.format(Locale.ROOT, "%-10s %-40s %6.1f%% %4d/%-4d%n", id,
                        t == null ? "" : abbreviate(t.name(), 40), r,
                        recall.recalledPerTask().get(id), recall.annotatedPerTask().get(id)));
            });
            b.append(String.format(Locale.ROOT, "average recall over %d tasks: %.1f%% (%d videos",
                    recall.perTask().size(), recall.average(), videos));
            if (unannotated > 0) b.append(", ").append(unannotated).append(" listed without annotation skipped");
            if (notPrimary > 0) b.append(", ").append(notPrimary).append(" of non-primary tasks skipped");
            if (tooShort > 0) b.append(", ").append(tooShort)
                    .append(" shorter than their step list: steps counted as missed");
            return b.append(")").append(System.lineSeparator()).toString();
        }

        private static String abbreviate(String s, int n) {
            return s.length() <= n ? s : s.substring(0, n - 1) + "…";
        }
    }

    private CrossTaskEvaluator() {
    }

    /** The videos of a split, deduplicated by (task, video), in file order. */
    public static List<CrossTaskReader.VideoRef> videos(CrossTaskReader reader, Split split) throws IOException {
        List<CrossTaskReader.VideoRef> val = reader.validationVideos();
        if (split == Split.VAL) {
            return val;
        }
        Set<String> valKeys = new LinkedHashSet<>();
        for (CrossTaskReader.VideoRef v : val) valKeys.add(v.taskId() + "_" + v.videoId());
        List<CrossTaskReader.VideoRef> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (CrossTaskReader.VideoRef v : reader.videos()) {
            String key = v.taskId() + "_" + v.videoId();
            if ((split == Split.ALL || !valKeys.contains(key)) && seen.add(key)) out.add(v);
        }
        if (split == Split.ALL) {
            for (CrossTaskReader.VideoRef v : val) if (seen.add(v.taskId() + "_" + v.videoId())) out.add(v);
        }
        return out;
    }

    /**
     * Evaluates a scorer on the annotated videos of a split.
     *
     * @param root     the {@code crosstask_release/} folder
     * @param store    features, one file per video id; its fps is the frame rate of the recall
     * @throws io.github.taco.features.FeatureException naming the video and file when an annotated video has no
     *                                                  usable features
     * @throws IllegalArgumentException when no video is left to evaluate, or a similarity matrix has the wrong shape
     */
    public static Report evaluate(Path root, Split split, FeatureStore store, StepScorer scorer) throws IOException {
        CrossTaskReader reader = new CrossTaskReader(root);
        Map<String, CrossTaskReader.Task> tasks = reader.tasks();
        List<CrossTaskReader.VideoRef> listed = videos(reader, split);
        Map<CrossTaskReader.VideoRef, List<StepSegment>> annotated = reader.annotated(listed);
        int notPrimary = 0;
        int tooShort = 0;
        List<StepLocalization.VideoSteps> results = new ArrayList<>();
        for (Map.Entry<CrossTaskReader.VideoRef, List<StepSegment>> e : annotated.entrySet()) {
            CrossTaskReader.VideoRef v = e.getKey();
            CrossTaskReader.Task task = tasks.get(v.taskId());
            if (task == null) {
                notPrimary++;
                continue;
            }
            // a missing or broken file raises a FeatureException naming the video and the file
            VideoFeatures f = store.load(v.videoId());
            int s = task.steps().size();
            int[] frames;
            if (f.frames() < s) {
                tooShort++;
                frames = new int[s];
                Arrays.fill(frames, -1);
            } else {
                float[][] sim = scorer.similarity(task, f);
                if (sim.length != f.frames() || (sim.length > 0 && sim[0].length != s)) {
                    throw new IllegalArgumentException("scorer returned " + sim.length + "x"
                            + (sim.length == 0 ? 0 : sim[0].length) + " for video " + v.videoId() + ", expected "
                            + f.frames() + "x" + s);
                }
                frames = StepLocalization.align(sim);
            }
            results.add(new StepLocalization.VideoSteps(v.taskId(), v.videoId(), frames, e.getValue()));
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException(root + ": no annotated video of a primary task in split "
                    + split.name().toLowerCase(Locale.ROOT) + " (" + listed.size() + " listed, " + annotated.size()
                    + " with annotations)");
        }
        return new Report(StepLocalization.recall(results, store.fps()), results.size(),
                listed.size() - annotated.size(), notPrimary, tooShort);
    }

    /**
     * The model's frame × step similarity (see the class comment). Step texts are encoded once per
     * task, on the calling thread. Not thread-safe; use it from the thread that runs the engine.
     */
    public static final class ModelScorer implements StepScorer {
        private final TacoModel model;
        private final CaptionEncoder text;
        private final double tokenWeight;
        private final int window;
        private final Map<String, float[][]> stepVectors = new HashMap<>();

        /**
         * @param model       the model, in evaluation mode
         * @param text        the checkpoint's text pipeline
         * @param tokenWeight λ, weight of the token-level term (0: sentence level only)
         * @param window      frames per video-encoder window (≤ maxFrames)
         */
        public ModelScorer(TacoModel model, CaptionEncoder text, double tokenWeight, int window) {
            this.model = model;
            this.text = text;
            this.tokenWeight = tokenWeight;
            this.window = window;
        }

        @Override
        public float[][] similarity(CrossTaskReader.Task task, VideoFeatures video) {
            float[][] steps = stepVectors.computeIfAbsent(task.id() + "\u0000" + String.join("\u0000", task.steps()),
                    k -> stepVectors(task.steps()));
            return similarity(FrameVectors.encode(model, video, window), steps);
        }

        /** {@code sim[k][s] = frames_k · steps_s}, divided by τ for cosine configs. */
        float[][] similarity(FrameVectors frames, float[][] steps) {
            TacoConfig c = model.config();
            float scale = c.cosine() ? (float) (1 / c.temperature) : 1f;
            int d = frames.dim();
            float[][] sim = new float[frames.frames()][steps.length];
            for (int k = 0; k < frames.frames(); k++) {
                int off = k * d;
                for (int s = 0; s < steps.length; s++) {
                    float dot = 0;
                    for (int i = 0; i < d; i++) dot += frames.data()[off + i] * steps[s][i];
                    sim[k][s] = dot * scale;
                }
            }
            return sim;
        }

        /**
         * Per step, the vector whose dot product with a frame is its similarity before the τ
         * scaling: {@code t_s + λ Σ_p w_sp y_s^p} (Σ_p w_p (x · y^p) = x · Σ_p w_p y^p).
         */
        float[][] stepVectors(List<String> names) {
            List<EncodedText> enc = new ArrayList<>(names.size());
            int n = 0;
            for (String name : names) {
                EncodedText e = text.encode(name);
                enc.add(e);
                n = Math.max(n, e.length());
            }
            int s = names.size();
            long[] ids = new long[s * n];
            float[] mask = new float[s * n];
            float[] w = new float[s * n];
            for (int i = 0; i < s; i++) {
                EncodedText e = enc.get(i);
                for (int p = 0; p < e.length(); p++) {
                    ids[i * n + p] = e.ids()[p];
                    mask[i * n + p] = 1;
                    w[i * n + p] = e.weights()[p];
                }
            }
            TacoConfig c = model.config();
            try (NDManager m = model.weights().manager().newSubManager()) {
                NDArray y = model.encodeText(m.create(ids, new Shape(s, n)), m.create(mask, new Shape(s, n)))
                        .stopGradient();
                NDArray v = model.textVectors(y);
                if (tokenWeight != 0) {
                    NDArray tokens = c.cosine() ? y.div(y.norm(new int[] {-1}, true).add(1e-12f)) : y;
                    NDArray weighted = tokens.mul(m.create(w, new Shape(s, n, 1))).sum(new int[] {1});
                    v = v.add(weighted.mul((float) tokenWeight));
                }
                float[] flat = v.toFloatArray();
                int d = c.hiddenSize;
                float[][] out = new float[s][d];
                for (int i = 0; i < s; i++) System.arraycopy(flat, i * d, out[i], 0, d);
                return out;
            }
        }
    }

    /** Per-task recall as an ordered map, for JSON. */
    public static Map<String, Object> toMap(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("averageRecall", r.recall().average());
        m.put("perTask", r.recall().perTask());
        m.put("videos", r.videos());
        m.put("unannotatedSkipped", r.unannotated());
        m.put("notPrimarySkipped", r.notPrimary());
        m.put("tooShort", r.tooShort());
        return m;
    }
}
