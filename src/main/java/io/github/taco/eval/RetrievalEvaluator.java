package io.github.taco.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.taco.data.Batch;
import io.github.taco.model.NoGrad;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.train.Validator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Text→video and video→text retrieval on a set of clips (docs/method.md §7), with exact scores: s1 alone,
 * s1 + 0.5·s2, the cascade (top R by s1 + 0.5·s2 re-scored with + s3), and the exhaustive sum
 * s1 + 0.5·s2 + s3 over every pair when the set is small enough. Clip i's caption is query i and
 * its video is the true candidate i.
 */
public final class RetrievalEvaluator {

    /**
     * @param topR            how many candidates the cascade re-scores with s3 (0: no cascade row)
     * @param exhaustiveLimit the exhaustive row is computed when there are at most this many clips
     *                        (it runs the fusion on N² pairs)
     */
    /**
     * @param dualSoftmax add the dual-softmax row ({@link DualSoftmax}), labelled apart: it uses every query at once
     */
    public record Options(int topR, int exhaustiveLimit, boolean dualSoftmax) {
        public Options(int topR, int exhaustiveLimit) {
            this(topR, exhaustiveLimit, false);
        }

        public static Options defaults() {
            return new Options(CascadeRanker.DEFAULT_TOP_R, 100);
        }
    }

    /** One scoring method in both directions. */
    public record Row(String method, RetrievalMetrics.Result textToVideo, RetrievalMetrics.Result videoToText) {}

    /** The evaluation of one clip set. */
    /**
     * What an evaluation measured, so that a figure is compared only with one measured the same way.
     *
     * @param dataset    the dataset's reader (youcook2, msrvtt, ...)
     * @param split      the split evaluated
     * @param clips      clips evaluated (candidates, and as many queries)
     * @param splitClips clips the split has (more than {@code clips} when some were left out or a maximum was given)
     * @param queries    which captions are the queries
     * @param ties       how a tie with the true candidate is counted
     * @param subset     the protocol's subset of the split ({@link EvalProtocol}), null for every clip
     */
    public record Protocol(String dataset, String split, int clips, int splitClips, String queries, String ties,
            String subset) {
        public Protocol(String dataset, String split, int clips, int splitClips, String queries, String ties) {
            this(dataset, split, clips, splitClips, queries, ties, null);
        }

        public String describe() {
            return String.format(Locale.ROOT, "%s %s%s, %,d of its %,d clips; %s; %s", dataset, split,
                    subset == null ? "" : " (" + subset + ")", clips, splitClips, queries, ties);
        }
    }

    public record Report(int clips, List<Row> rows, double seconds, Profile profile, Protocol protocol) {
        public Report(int clips, List<Row> rows, double seconds, Profile profile) {
            this(clips, rows, seconds, profile, null);
        }

        /** The same report, naming what it measured. */
        public Report withProtocol(Protocol p) {
            return new Report(clips, rows, seconds, profile, p);
        }

        public Row row(String method) {
            return rows.stream().filter(r -> r.method.equals(method)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no row " + method));
        }

        /** A fixed-width table, text→video then video→text. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            if (protocol != null) {
                sb.append("protocol: ").append(protocol.describe()).append('\n');
            }
            sb.append(String.format(Locale.ROOT, "text→video (%d clips)%n", clips));
            sb.append(RetrievalMetrics.Result.tableHeader()).append('\n');
            rows.forEach(r -> sb.append(r.textToVideo.tableRow()).append('\n'));
            sb.append(String.format(Locale.ROOT, "video→text%n"));
            sb.append(RetrievalMetrics.Result.tableHeader()).append('\n');
            rows.forEach(r -> sb.append(r.videoToText.tableRow()).append('\n'));
            if (keepsS1Alone()) {
                sb.append("(this checkpoint's calibrated cascade weighs s2 and s3 at 0: its three rows are s1's "
                        + "ranking, up to how ties at the R-th place count, and no fusion ran)\n");
            }
            return sb.toString();
        }

        /** Whether the weights are s1 alone (a calibration's choice), which makes three rows s1's ranking. */
        private boolean keepsS1Alone() {
            Row last = rows.get(rows.size() - 1);
            return rows.stream().anyMatch(r -> r.method.equals("s1+0s2")) && last.method.startsWith(CASCADE)
                    && profile != null && profile.fusionPasses() == 0;
        }

        /** What {@code taco eval --json} writes: the protocol, clips, seconds and each method's two directions. */
        public Summary summary() {
            Map<String, Directions> methods = new LinkedHashMap<>();
            rows.forEach(r -> methods.put(r.method, new Directions(r.textToVideo, r.videoToText)));
            return new Summary(protocol, clips, seconds, methods);
        }
    }

    /** {@link Report#summary()}: written by Jackson; a report without a protocol has no "protocol" key. */
    public record Summary(@JsonInclude(JsonInclude.Include.NON_NULL) Protocol protocol, int clips, double seconds,
            Map<String, Directions> methods) {}

    /** One method's metrics in both directions, as {@link Summary} writes them. */
    public record Directions(@JsonProperty("text_to_video") RetrievalMetrics.Result textToVideo,
            @JsonProperty("video_to_text") RetrievalMetrics.Result videoToText) {}

    public static final String S1 = "s1";
    public static final String CASCADE = "cascade";

    /** The name of the s1 + w2·s2 row, with the config's weight (s1+0.5s2 by default). */
    public static String s1PlusS2(TacoConfig c) {
        return (c.weightS1 == 1 ? "" : weight(c.weightS1)) + "s1+" + weight(c.weightS2) + "s2";
    }

    /** The name of the all-pairs row s1 + w2·s2 + w3·s3 (s1+0.5s2+s3 (all pairs) by default). */
    public static String exhaustive(TacoConfig c) {
        return s1PlusS2(c) + "+" + (c.weightS3 == 1 ? "" : weight(c.weightS3)) + "s3 (all pairs)";
    }

    static String weight(double w) {
        return BigDecimal.valueOf(w).stripTrailingZeros().toPlainString();
    }

    /**
     * Positions (pairs × (tokens + frames)) of one fusion batch in evaluation: the fastest measured
     * (docs/performance.md); a smaller batch's activations stay in cache and under glibc's 32 MB mmap threshold.
     */
    static final int FUSION_POSITIONS = 8_192;

    private final TacoModel model;
    private final TacoConfig config;
    private final Options options;

    public RetrievalEvaluator(TacoModel model, Options options) {
        this.model = model;
        this.config = model.config();
        this.options = options;
    }

    /** Encodes every clip, scores all pairs and computes the metrics of each method. */
    public Report evaluate(List<Batch> batches) {
        long t0 = System.nanoTime();
        Profile.Builder profile = new Profile.Builder();
        return withEncoded(batches, e -> {
            int n = e.size();
            if (n < 2) {
                throw new IllegalArgumentException("retrieval needs at least 2 clips, got " + n);
            }
            profile.lap("encode");
            float[][] s1 = toMatrix(model.s1(e.textVectors, e.videoVectors).toFloatArray(), n);
            profile.lap("s1");
            float[] weights = e.tokenWeights.toFloatArray();
            float[] frameMask = e.frameMask.toFloatArray();
            float[][] s2 = model.s2AllPairs(e.y, weights, e.x, frameMask);
            profile.s2(weights, frameMask, n, e.y.getShape().get(2));
            profile.lap("s2");
            float[][] s12 = new float[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    s12[i][j] = (float) (config.weightS1 * s1[i][j] + config.weightS2 * s2[i][j]);
                }
            }
            List<Row> rows = new ArrayList<>();
            rows.add(row(S1, s1, RetrievalMetrics.transpose(s1)));
            rows.add(row(s1PlusS2(config), s12, RetrievalMetrics.transpose(s12)));
            if (options.dualSoftmax()) {
                float[][] s12T = RetrievalMetrics.transpose(s12);
                rows.add(row(s1PlusS2(config) + " " + DualSoftmax.LABEL, DualSoftmax.rescore(s12),
                        DualSoftmax.rescore(s12T)));
            }
            FusionScores s3 = new FusionScores(e, profile);
            profile.lap("ranking");
            if (options.topR() > 0) {
                CascadeRanker ranker = new CascadeRanker(options.topR(), config.weightS1, config.weightS2,
                        config.weightS3);
                float[][] s1T = RetrievalMetrics.transpose(s1);
                float[][] s2T = RetrievalMetrics.transpose(s2);
                // the pairs the ranker will re-score in both directions, in one set, so that the fusion's batches
                // are as full as they can be
                List<long[]> pairs = new ArrayList<>();
                int r = Math.min(options.topR(), n);
                // s3 weighed 0 (a calibration's choice) is never asked for: no pair needs the fusion
                for (int q = 0; q < n && ranker.weighsS3(); q++) {
                    for (int j : ranker.rescored(s1[q], s2[q])) pairs.add(new long[] {q, j});
                    for (int i : ranker.rescored(s1T[q], s2T[q])) pairs.add(new long[] {i, q});
                }
                profile.lap("ranking");
                s3.fill(pairs);
                profile.lap("fusion");
                float[][] t2v = ranker.cascadeScores(s1, s2, s3::get);
                float[][] v2t = ranker.cascadeScores(s1T, s2T, (q, c) -> s3.get(c, q));
                rows.add(row(CASCADE + " (top " + r + ")", t2v, v2t));
                profile.lap("ranking");
            }
            if (n <= options.exhaustiveLimit()) {
                List<long[]> all = new ArrayList<>();
                for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) all.add(new long[] {i, j});
                s3.fill(all);
                profile.lap("fusion");
                float[][] full = new float[n][n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        full[i][j] = (float) (s12[i][j] + config.weightS3 * s3.get(i, j));
                    }
                }
                rows.add(row(exhaustive(config), full, RetrievalMetrics.transpose(full)));
                profile.lap("ranking");
            }
            return new Report(n, rows, (System.nanoTime() - t0) / 1e9, profile.build());
        });
    }

    /**
     * Runs {@code use} on the encoder outputs of {@code batches}, with the model in evaluation mode (no dropout)
     * and no gradients; the arrays live until {@code use} returns, and the model's mode is restored.
     */
    private <T> T withEncoded(List<Batch> batches, Function<Encoded, T> use) {
        boolean wasTraining = model.isTraining();
        model.setTraining(false);
        try (NoGrad off = NoGrad.scope(); NDManager scope = model.weights().manager().newSubManager()) {
            return use.apply(encode(batches, scope));
        } finally {
            model.setTraining(wasTraining);
        }
    }

    /**
     * Text→video R@1 of the cascade (top {@link Options#topR()}) for every pair of weights (w2 of s2, w3 of s3;
     * s1's weight 1) on these clips: what {@link CascadeCalibration} chooses a checkpoint's weights from. s1, s2
     * and the fusion are computed once; the fusion on every pair that some w2's first stage puts in its top R.
     *
     * @return the rank of each caption's clip per weight pair, keyed {@code [w2, w3]}, in the grid's order
     */
    public Map<List<Double>, int[]> cascadeGrid(List<Batch> batches, double[] w2s, double[] w3s) {
        return withEncoded(batches, e -> {
            int n = e.size();
            float[][][] s12 = scoreMatrices(e);
            float[][] s1 = s12[0];
            float[][] s2 = s12[1];
            FusionScores s3 = new FusionScores(e, new Profile.Builder());
            List<long[]> pairs = new ArrayList<>();
            for (double w2 : w2s) {
                CascadeRanker first = new CascadeRanker(options.topR(), 1, w2, 0);
                for (int q = 0; q < n; q++) {
                    for (int j : first.rescored(s1[q], s2[q])) pairs.add(new long[] {q, j});
                }
            }
            s3.fill(pairs);
            Map<List<Double>, int[]> ranks = new LinkedHashMap<>();
            for (double w2 : w2s) {
                for (double w3 : w3s) {
                    float[][] t2v = new CascadeRanker(options.topR(), 1, w2, w3).cascadeScores(s1, s2, s3::get);
                    ranks.put(List.of(w2, w3), RetrievalMetrics.ranks(t2v));
                }
            }
            return ranks;
        });
    }

    /**
     * Periodic validation for training: text→video R@1 of s1 and of s1 + 0.5·s2, logged as
     * {@code val_r1_s1} and {@code val_r1_s12} (no fusion: it would dominate the time).
     */
    public static Validator validator() {
        return (model, batches) -> {
            Report r = new RetrievalEvaluator(model, new Options(0, 0)).evaluate(batches);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("r1_s1", r.row(S1).textToVideo().r1());
            m.put("r1_s12", r.row(s1PlusS2(model.config())).textToVideo().r1());
            return m;
        };
    }

    /**
     * Where an evaluation's time went ({@code seconds} per phase: encode, s1, s2, fusion, ranking — the
     * last includes the metrics) and the matrix-product work of s2 and of the fusion, for
     * {@code taco bench eval}.
     *
     * @param s2Pairs          text × video pairs scored by s2
     * @param s2MultiplyAdds   multiply-adds of s2's products: tokens of interest × valid frames × d
     * @param fusionBatches    the fusion's batches: pairs, text positions and frame positions of each
     */
    public record Profile(Map<String, Double> seconds, long s2Pairs, double s2MultiplyAdds,
            List<FusionBatch> fusionBatches) {
        /** One batch of fusion passes, padded to {@code tokens} text and {@code frames} frame positions. */
        public record FusionBatch(int pairs, int tokens, int frames) {}

        /** One line: the seconds of each phase and the fusion passes, e.g. for {@code taco eval}'s output. */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            for (String phase : List.of("encode", "s1", "s2", "fusion", "ranking")) {
                if (seconds.containsKey(phase)) {
                    sb.append(sb.length() == 0 ? "" : ", ")
                            .append(String.format(Locale.ROOT, "%s %.1f s", phase, seconds.get(phase)));
                }
            }
            return sb + String.format(Locale.ROOT, "; %,d fusion passes", fusionPasses());
        }

        /** Fusion passes in all. */
        public long fusionPasses() {
            return fusionBatches.stream().mapToLong(FusionBatch::pairs).sum();
        }

        static final class Builder {
            private final Map<String, Double> seconds = new LinkedHashMap<>();
            private final List<FusionBatch> batches = new ArrayList<>();
            private long last = System.nanoTime();
            private long s2Pairs;
            private double s2MultiplyAdds;

            /** Adds the time since the previous lap to {@code phase}. */
            void lap(String phase) {
                long now = System.nanoTime();
                seconds.merge(phase, (now - last) / 1e9, Double::sum);
                last = now;
            }

            void s2(float[] tokenWeights, float[] frameMask, int n, long d) {
                long tokens = 0, frames = 0;
                for (float w : tokenWeights) tokens += w != 0 ? 1 : 0;
                for (float f : frameMask) frames += f != 0 ? 1 : 0;
                s2Pairs = (long) n * n;
                s2MultiplyAdds = (double) tokens * frames * d;
            }

            void fusion(int pairs, int tokens, int frames) {
                batches.add(new FusionBatch(pairs, tokens, frames));
            }

            Profile build() {
                return new Profile(Map.copyOf(seconds), s2Pairs, s2MultiplyAdds, List.copyOf(batches));
            }
        }
    }

    /** Computes s1 and s2 matrices only (rows texts, columns videos), e.g. for tests and analysis. */
    public float[][][] scoreMatrices(List<Batch> batches) {
        return withEncoded(batches, this::scoreMatrices);
    }

    private float[][][] scoreMatrices(Encoded e) {
        return new float[][][] {toMatrix(model.s1(e.textVectors, e.videoVectors).toFloatArray(), e.size()),
                model.s2AllPairs(e.y, e.tokenWeights.toFloatArray(), e.x, e.frameMask.toFloatArray())};
    }

    private static Row row(String name, float[][] t2v, float[][] v2tQueriesAreVideos) {
        return new Row(name, RetrievalMetrics.textToVideo(name, t2v, null),
                RetrievalMetrics.textToVideo(name, v2tQueriesAreVideos, null));
    }

    /**
     * Encoder outputs of all clips, padded to common lengths and concatenated: y [n, tokens, d] with its
     * mask and weights, x [n, frames, d] with its mask, and the s1 vectors of both.
     */
    public record Encoded(NDArray y, NDArray tokenMask, NDArray tokenWeights, NDArray x, NDArray frameMask,
            NDArray textVectors, NDArray videoVectors) {
        public int size() {
            return (int) y.getShape().get(0);
        }
    }

    /** Encodes every clip of {@code batches} (no gradient kept), into {@code scope}; the model's dropout as set. */
    public Encoded encode(List<Batch> batches, NDManager scope) {
        int frames = batches.stream().mapToInt(Batch::maxFrames).max().orElse(1);
        int tokens = batches.stream().mapToInt(Batch::maxTokens).max().orElse(1);
        NDList ys = new NDList(), tms = new NDList(), tws = new NDList(), xs = new NDList(), fms = new NDList();
        for (Batch raw : batches) {
            // each batch's activations (and, with grad mode on, its autograd graph) in a sub-manager:
            // only the detached outputs are kept, so memory grows with the clips, not with the layers
            // (the whole YouCook2 validation split, 3,492 clips, took 17 GB before and was OOM-killed)
            try (NDManager batch = scope.newSubManager()) {
                Batch b = pad(raw, frames, tokens);
                TacoModel.Inputs in = b.toInputs(batch);
                NDList keep = new NDList(model.encodeText(in.tokenIds(), in.tokenMask()).stopGradient(),
                        model.encodeVideo(in.features(), in.frameMask()).stopGradient(), in.tokenMask(),
                        in.tokenWeights(), in.frameMask());
                keep.attach(scope);
                ys.add(keep.get(0));
                xs.add(keep.get(1));
                tms.add(keep.get(2));
                tws.add(keep.get(3));
                fms.add(keep.get(4));
            }
        }
        NDArray y = NDArrays.concat(ys, 0);
        NDArray x = NDArrays.concat(xs, 0);
        NDArray fm = NDArrays.concat(fms, 0);
        return new Encoded(y, NDArrays.concat(tms, 0), NDArrays.concat(tws, 0), x, fm,
                model.textVectors(y), model.videoVectors(x, fm));
    }

    /**
     * The fused score s3 of (text, video) pairs, each computed once (the two directions' top R share
     * many pairs). The fusion's input rows are computed once per text and per video; the pairs are
     * sorted by their number of frames and tokens and run in batches of up to {@value #FUSION_POSITIONS}
     * positions, each padded only to its own longest text and clip (s3 does not depend on padding:
     * FusionPaddingLengthTest).
     */
    private final class FusionScores {
        private final Encoded e;
        private int[] textLength;
        private int[] frameCount;
        private final Map<Long, Float> cache = new ConcurrentHashMap<>(); // read by the parallel ranking
        private final Profile.Builder profile;
        private TacoModel.FusionInputs inputs;

        FusionScores(Encoded e, Profile.Builder profile) {
            this.e = e;
            this.profile = profile;
        }

        /** Runs the fusion on every pair {text, video} of {@code pairs} not computed yet. */
        synchronized void fill(List<long[]> pairs) {
            List<long[]> todo = new ArrayList<>();
            Set<Long> seen = new HashSet<>();
            for (long[] p : pairs) {
                long k = key((int) p[0], (int) p[1]);
                if (!cache.containsKey(k) && seen.add(k)) todo.add(p);
            }
            if (todo.isEmpty()) {
                return;
            }
            if (inputs == null) {
                // first use: an evaluation without the fusion (the periodic validation) needs none of it
                inputs = model.fusionInputs(e.y, e.tokenMask, e.x, e.frameMask);
                textLength = lengths(e.tokenMask);
                frameCount = lengths(e.frameMask);
            }
            todo.sort(Comparator.<long[]>comparingInt(p -> frameCount[(int) p[1]])
                    .thenComparingInt(p -> textLength[(int) p[0]]));
            int s = 0;
            while (s < todo.size()) {
                int lt = 0, lm = 0, end = s;
                while (end < todo.size()) {
                    long[] p = todo.get(end);
                    int nlt = Math.max(lt, textLength[(int) p[0]]), nlm = Math.max(lm, frameCount[(int) p[1]]);
                    if (end > s && (long) (end - s + 1) * (nlt + nlm) > FUSION_POSITIONS) {
                        break;
                    }
                    lt = nlt;
                    lm = nlm;
                    end++;
                }
                run(todo.subList(s, end), lt, lm);
                s = end;
            }
        }

        private void run(List<long[]> part, int lt, int lm) {
            int[] ti = part.stream().mapToInt(p -> (int) p[0]).toArray();
            int[] vi = part.stream().mapToInt(p -> (int) p[1]).toArray();
            try (NDManager sub = e.y.getManager().newSubManager()) {
                // the views, gathered rows and fusion activations belong to this batch, not to the evaluation
                sub.tempAttachAll(inputs.texts(), inputs.tokenMask(), inputs.videos(), inputs.frameMask());
                TacoModel.FusionInputs trimmed = new TacoModel.FusionInputs(
                        inputs.texts().get(new NDIndex(":, :{}, :", lt)),
                        inputs.tokenMask().get(new NDIndex(":, :{}", lt)), inputs.videos()
                                .get(new NDIndex(":, :{}, :", lm)), inputs.frameMask().get(new NDIndex(":, :{}", lm)));
                float[] v = model.s3(trimmed, ti, vi, sub).toFloatArray();
                profile.fusion(ti.length, lt, lm);
                for (int p = 0; p < v.length; p++) {
                    cache.put(key(ti[p], vi[p]), v[p]);
                }
            }
        }

        /** s3 of one pair, computed now if it was not among the pairs filled. */
        float get(int text, int video) {
            Float v = cache.get(key(text, video));
            if (v == null) {
                // not among the pairs filled (the ranking asks for exactly those): on this thread, without autograd
                try (NoGrad off = NoGrad.scope()) {
                    fill(List.of(new long[] {text, video}));
                }
                v = cache.get(key(text, video));
            }
            return v;
        }

        private static long key(int text, int video) {
            return ((long) text << 32) | video;
        }

        /** Per row of a [rows, positions] mask: one past its last valid position (at least 1). */
        private static int[] lengths(NDArray mask) {
            int positions = (int) mask.getShape().get(1);
            float[] m = mask.toFloatArray();
            int[] len = new int[m.length / positions];
            for (int i = 0; i < len.length; i++) {
                int l = 1;
                for (int k = 0; k < positions; k++) {
                    if (m[i * positions + k] != 0) l = k + 1;
                }
                len[i] = l;
            }
            return len;
        }
    }

    private static float[][] toMatrix(float[] flat, int n) {
        float[][] m = new float[n][];
        for (int i = 0; i < n; i++) m[i] = Arrays.copyOfRange(flat, i * n, (i + 1) * n);
        return m;
    }

    /** Re-pads a batch on the host to {@code frames} frames and {@code tokens} tokens. */
    static Batch pad(Batch b, int frames, int tokens) {
        if (b.maxFrames() == frames && b.maxTokens() == tokens) {
            return b;
        }
        int k = b.size(), d = b.featureDim();
        float[] f = new float[k * frames * d];
        float[] fm = new float[k * frames];
        int[] ids = new int[k * tokens];
        float[] tm = new float[k * tokens];
        float[] tw = new float[k * tokens];
        for (int i = 0; i < k; i++) {
            System.arraycopy(b.features(), i * b.maxFrames() * d, f, i * frames * d, b.maxFrames() * d);
            System.arraycopy(b.frameMask(), i * b.maxFrames(), fm, i * frames, b.maxFrames());
            System.arraycopy(b.tokenIds(), i * b.maxTokens(), ids, i * tokens, b.maxTokens());
            System.arraycopy(b.tokenMask(), i * b.maxTokens(), tm, i * tokens, b.maxTokens());
            System.arraycopy(b.tokenWeights(), i * b.maxTokens(), tw, i * tokens, b.maxTokens());
        }
        return new Batch(b.videoIds(), k, frames, d, f, fm, tokens, ids, tm, tw);
    }
}
