package io.github.taco.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.taco.data.Batch;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
    public record Options(int topR, int exhaustiveLimit) {
        public static Options defaults() {
            return new Options(CascadeRanker.DEFAULT_TOP_R, 100);
        }
    }

    /** One scoring method in both directions. */
    public record Row(String method, RetrievalMetrics.Result textToVideo, RetrievalMetrics.Result videoToText) {}

    /** The evaluation of one clip set. */
    public record Report(int clips, List<Row> rows, double seconds) {
        public Row row(String method) {
            return rows.stream().filter(r -> r.method.equals(method)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no row " + method));
        }

        /** A fixed-width table, text→video then video→text. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "text→video (%d clips)%n", clips));
            sb.append(RetrievalMetrics.Result.tableHeader()).append('\n');
            rows.forEach(r -> sb.append(r.textToVideo.tableRow()).append('\n'));
            sb.append(String.format(Locale.ROOT, "video→text%n"));
            sb.append(RetrievalMetrics.Result.tableHeader()).append('\n');
            rows.forEach(r -> sb.append(r.videoToText.tableRow()).append('\n'));
            return sb.toString();
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("clips", clips);
            m.put("seconds", seconds);
            Map<String, Object> rs = new LinkedHashMap<>();
            for (Row r : rows) {
                rs.put(r.method, Map.of("text_to_video", r.textToVideo.toMap(), "video_to_text", r.videoToText.toMap()));
            }
            m.put("methods", rs);
            return m;
        }
    }

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

    private static String weight(double w) {
        return java.math.BigDecimal.valueOf(w).stripTrailingZeros().toPlainString();
    }

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
        boolean wasTraining = model.isTraining();
        model.setTraining(false);
        try (NDManager scope = model.weights().manager().newSubManager()) {
            Encoded e = encode(batches, scope);
            int n = e.size();
            if (n < 2) {
                throw new IllegalArgumentException("retrieval needs at least 2 clips, got " + n);
            }
            float[][] s1 = toMatrix(model.s1(e.textVectors, e.videoVectors).toFloatArray(), n);
            float[][] s2 = s2(e, n);
            float[][] s12 = new float[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    s12[i][j] = (float) (config.weightS1 * s1[i][j] + config.weightS2 * s2[i][j]);
                }
            }
            List<Row> rows = new ArrayList<>();
            rows.add(row(S1, s1, RetrievalMetrics.transpose(s1)));
            rows.add(row(s1PlusS2(config), s12, RetrievalMetrics.transpose(s12)));
            Map<Long, Float> s3Cache = new HashMap<>();
            if (options.topR() > 0) {
                CascadeRanker ranker = new CascadeRanker(options.topR(), config.weightS1, config.weightS2, config.weightS3);
                precomputeTopR(e, s12, s3Cache, false);
                float[][] t2v = ranker.cascadeScores(s1, s2, (q, c) -> s3(e, s3Cache, q, c));
                precomputeTopR(e, RetrievalMetrics.transpose(s12), s3Cache, true);
                float[][] v2t = ranker.cascadeScores(RetrievalMetrics.transpose(s1), RetrievalMetrics.transpose(s2),
                        (q, c) -> s3(e, s3Cache, c, q));
                rows.add(row(CASCADE + " (top " + Math.min(options.topR(), n) + ")", t2v, v2t));
            }
            if (n <= options.exhaustiveLimit()) {
                List<long[]> all = new ArrayList<>();
                for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) all.add(new long[] {i, j});
                fill(e, all, s3Cache);
                float[][] full = new float[n][n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        full[i][j] = (float) (s12[i][j] + config.weightS3 * s3Cache.get(key(i, j)));
                    }
                }
                rows.add(row(exhaustive(config), full, RetrievalMetrics.transpose(full)));
            }
            return new Report(n, rows, (System.nanoTime() - t0) / 1e9);
        } finally {
            model.setTraining(wasTraining);
        }
    }

    /**
     * Periodic validation for training: text→video R@1 of s1 and of s1 + 0.5·s2, logged as
     * {@code val_r1_s1} and {@code val_r1_s12} (no fusion: it would dominate the time).
     */
    public static io.github.taco.train.Validator validator() {
        return (model, batches) -> {
            Report r = new RetrievalEvaluator(model, new Options(0, 0)).evaluate(batches);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("r1_s1", r.row(S1).textToVideo().r1());
            m.put("r1_s12", r.row(s1PlusS2(model.config())).textToVideo().r1());
            return m;
        };
    }

    /** Computes s1 and s2 matrices only (rows texts, columns videos), e.g. for tests and analysis. */
    public float[][][] scoreMatrices(List<Batch> batches) {
        try (NDManager scope = model.weights().manager().newSubManager()) {
            Encoded e = encode(batches, scope);
            int n = e.size();
            return new float[][][] {toMatrix(model.s1(e.textVectors, e.videoVectors).toFloatArray(), n), s2(e, n)};
        }
    }

    private static Row row(String name, float[][] t2v, float[][] v2tQueriesAreVideos) {
        return new Row(name, RetrievalMetrics.textToVideo(name, t2v, null),
                RetrievalMetrics.textToVideo(name, v2tQueriesAreVideos, null));
    }

    /** Encoder outputs of all clips, padded to common lengths and concatenated. */
    private record Encoded(NDArray y, NDArray tokenMask, NDArray tokenWeights, NDArray x, NDArray frameMask,
            NDArray textVectors, NDArray videoVectors) {
        int size() {
            return (int) y.getShape().get(0);
        }
    }

    private Encoded encode(List<Batch> batches, NDManager scope) {
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
                        model.encodeVideo(in.features(), in.frameMask()).stopGradient(), in.tokenMask(), in.tokenWeights(), in.frameMask());
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
     * s2 of every pair, over the tokens of interest only: s2 is Σ_p w_ip · s(x_j, y_i^p) and a token of
     * weight 0 adds nothing, so each text's weighted tokens are packed first, padded to the longest such
     * list (all pairs of the 3,492 YouCook2 validation clips cost 2.2 T multiply-adds over all 30
     * positions). In chunks of texts, so the [texts, tokens, videos, frames] similarity stays within ~64M floats.
     */
    private float[][] s2(Encoded e, int n) {
        long tokens = e.y.getShape().get(1);
        long d = e.y.getShape().get(2);
        float[] weights = e.tokenWeights.toFloatArray();
        int packed = 1;
        for (int i = 0; i < n; i++) {
            int c = 0;
            for (int t = 0; t < tokens; t++) {
                c += weights[(int) (i * tokens + t)] != 0 ? 1 : 0;
            }
            packed = Math.max(packed, c);
        }
        // row i of the packed texts: its weighted positions in order, then position 0 with weight 0
        long[] rows = new long[n * packed];
        float[] packedWeights = new float[n * packed];
        for (int i = 0; i < n; i++) {
            int c = 0;
            for (int t = 0; t < tokens; t++) {
                float w = weights[(int) (i * tokens + t)];
                if (w != 0) {
                    rows[i * packed + c] = i * tokens + t;
                    packedWeights[i * packed + c] = w;
                    c++;
                }
            }
            for (; c < packed; c++) {
                rows[i * packed + c] = i * tokens;
            }
        }
        NDManager m = e.y.getManager();
        NDArray yPacked = e.y.reshape(n * tokens, d).get(m.create(rows)).reshape(n, packed, d);
        NDArray wPacked = m.create(packedWeights, new Shape(n, packed));
        long perText = packed * n * e.x.getShape().get(1);
        int chunk = (int) Math.max(1, Math.min(n, 64_000_000L / Math.max(1, perText)));
        float[][] out = new float[n][];
        for (int start = 0; start < n; start += chunk) {
            int end = Math.min(n, start + chunk);
            try (NDManager sub = m.newSubManager()) {
                // everything computed from x (its normalised copy, the similarities) must belong to the
                // chunk: attached to the evaluation's manager it piled up chunk after chunk (24 GB at 3,492 clips)
                sub.tempAttachAll(e.x, e.frameMask);
                NDArray y = yPacked.get(new NDIndex("{}:{}", start, end));
                NDArray w = wPacked.get(new NDIndex("{}:{}", start, end));
                y.attach(sub);
                w.attach(sub);
                float[] v = model.s2(model.tokenScores(y, e.x, e.frameMask), w).toFloatArray();
                for (int i = start; i < end; i++) {
                    out[i] = Arrays.copyOfRange(v, (i - start) * n, (i - start + 1) * n);
                }
            }
        }
        return out;
    }

    private static long key(int text, int video) {
        return ((long) text << 32) | video;
    }

    /** Runs the fusion once for the top-R pairs of every query (in large batches), into the cache. */
    private void precomputeTopR(Encoded e, float[][] stage1, Map<Long, Float> cache, boolean queriesAreVideos) {
        int r = Math.min(options.topR(), stage1.length);
        List<long[]> pairs = new ArrayList<>();
        for (int q = 0; q < stage1.length; q++) {
            Integer[] order = new Integer[stage1[q].length];
            for (int j = 0; j < order.length; j++) order[j] = j;
            final float[] row = stage1[q];
            Arrays.sort(order, (a, b) -> row[a] != row[b] ? Float.compare(row[b], row[a]) : Integer.compare(a, b));
            for (int k = 0; k < r; k++) {
                pairs.add(queriesAreVideos ? new long[] {order[k], q} : new long[] {q, order[k]});
            }
        }
        fill(e, pairs, cache);
    }

    private void fill(Encoded e, List<long[]> pairs, Map<Long, Float> cache) {
        List<long[]> todo = pairs.stream().filter(p -> !cache.containsKey(key((int) p[0], (int) p[1]))).toList();
        int chunk = 256;
        for (int s = 0; s < todo.size(); s += chunk) {
            List<long[]> part = todo.subList(s, Math.min(todo.size(), s + chunk));
            int[] ti = part.stream().mapToInt(p -> (int) p[0]).toArray();
            int[] vi = part.stream().mapToInt(p -> (int) p[1]).toArray();
            try (NDManager sub = e.y.getManager().newSubManager()) {
                // gathered rows and fusion activations then belong to this chunk, not to the whole evaluation
                sub.tempAttachAll(e.y, e.tokenMask, e.x, e.frameMask);
                float[] v = model.s3(e.y, e.tokenMask, e.x, e.frameMask, ti, vi).toFloatArray();
                for (int p = 0; p < v.length; p++) {
                    cache.put(key(ti[p], vi[p]), v[p]);
                }
            }
        }
    }

    private float s3(Encoded e, Map<Long, Float> cache, int text, int video) {
        Float v = cache.get(key(text, video));
        if (v == null) {
            fill(e, List.of(new long[] {text, video}), cache);
            v = cache.get(key(text, video));
        }
        return v;
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
