package io.github.taco.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.taco.data.Batch;
import io.github.taco.eval.RetrievalEvaluator;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Times a retrieval evaluation as {@code taco eval} runs it (every row, both directions, the cascade's
 * top R) and reports seconds per phase, s2 pairs per second, fusion passes per second and the share of
 * this machine's matrix-product peak each reaches; optionally also the previous release's padded s2
 * path on the same encoded clips, for the ratio in one run.
 */
public final class EvalBenchmark {
    /**
     * @param paddedS2Seconds the previous padded s2 path's time, or NaN when not measured
     * @param paddedMaxRelDiff the largest difference between the two paths' s2 entries, relative to the entry (absolute
     *                         for entries below 1 in magnitude, where a relative one says nothing), NaN when not
     *                         measured
     */
    public record Result(String data, TacoConfig config, int clips, int topR, RetrievalEvaluator.Report evaluation,
            double fusionMultiplyAdds, double gemmPeakFlops, long peakRssMb, double paddedS2Seconds,
            double paddedMaxRelDiff) {

        public String report() {
            RetrievalEvaluator.Profile p = evaluation.profile();
            Map<String, Double> sec = p.seconds();
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "evaluation of %s: %,d clips, d=%d, fusion layers %d, cascade top %d "
                    + "in both directions, engine threads %s%n", data, clips, config.hiddenSize, config.fusionLayers,
                    topR, System.getProperty("ai.djl.pytorch.num_threads", "default")));
            sb.append(String.format(Locale.ROOT, "  %-8s %8.2f s%n", "encode", sec.getOrDefault("encode", 0.0)));
            sb.append(String.format(Locale.ROOT, "  %-8s %8.2f s%n", "s1", sec.getOrDefault("s1", 0.0)));
            double s2 = sec.getOrDefault("s2", 0.0);
            sb.append(String.format(Locale.ROOT, "  %-8s %8.2f s  %,.0f pairs/s; %.0f GFLOP (tokens of interest × "
                    + "valid frames × d), %.0f GFLOP/s = %.0f%% of the GEMM peak%n",
                    "s2", s2, p.s2Pairs() / s2, 2 * p.s2MultiplyAdds() / 1e9, 2 * p.s2MultiplyAdds() / s2 / 1e9,
                    100 * 2 * p.s2MultiplyAdds() / s2 / gemmPeakFlops));
            double fusion = sec.getOrDefault("fusion", 0.0);
            if (p.fusionPasses() > 0) {
                sb.append(String.format(Locale.ROOT, "  %-8s %8.2f s  %,d passes in %d batches, %,.0f passes/s; %.0f "
                        + "GFLOP, %.0f GFLOP/s = %.0f%% of the GEMM peak%n", "fusion", fusion, p.fusionPasses(),
                        p.fusionBatches().size(), p.fusionPasses() / fusion, 2 * fusionMultiplyAdds / 1e9,
                        2 * fusionMultiplyAdds / fusion / 1e9, 100 * 2 * fusionMultiplyAdds / fusion / gemmPeakFlops));
            }
            sb.append(String.format(Locale.ROOT, "  %-8s %8.2f s  (the cascade's top R, its ranking, the metrics)%n",
                    "ranking", sec.getOrDefault("ranking", 0.0)));
            sb.append(String.format(Locale.ROOT,
                    "  %-8s %8.2f s  peak RSS %,d MB; float32 GEMM peak %.0f GFLOP/s (1024², this thread setting)%n",
                    "total", evaluation.seconds(), peakRssMb, gemmPeakFlops / 1e9));
            if (!Double.isNaN(paddedS2Seconds)) {
                sb.append(String.format(Locale.ROOT, "  previous padded s2 path on the same clips: %.2f s, %.1f× the "
                        + "time of the packed path; largest difference %.1e (relative; absolute below 1)%n",
                        paddedS2Seconds, paddedS2Seconds / s2, paddedMaxRelDiff));
            }
            return sb.toString();
        }
    }

    private EvalBenchmark() {}

    /**
     * Evaluates {@code batches} with {@code model} as {@code taco eval} does (cascade top {@code topR}, no
     * exhaustive row) and, when {@code padded}, times the previous padded s2 path on the same encoded clips.
     */
    public static Result run(String data, TacoModel model, List<Batch> batches, int topR, boolean padded) {
        NDManager root = model.weights().manager();
        double peak = TrainBenchmark.gemmPeak(root);
        RetrievalEvaluator evaluator = new RetrievalEvaluator(model, new RetrievalEvaluator.Options(topR, 0));
        RetrievalEvaluator.Report report = evaluator.evaluate(batches);
        TacoConfig c = model.config();
        double fusionMacs = 0;
        for (RetrievalEvaluator.Profile.FusionBatch b : report.profile().fusionBatches()) {
            fusionMacs += TrainBenchmark.fusionMacs(b.pairs(), b.tokens() + b.frames(), c.hiddenSize,
                    c.intermediateSize, c.fusionLayers);
        }
        double paddedSeconds = Double.NaN, diff = Double.NaN;
        if (padded) {
            try (NDManager scope = root.newSubManager()) {
                RetrievalEvaluator.Encoded e = evaluator.encode(batches, scope);
                float[][] packed = model.s2AllPairs(e.y(), e.tokenWeights().toFloatArray(), e.x(),
                        e.frameMask().toFloatArray());
                long t0 = System.nanoTime();
                float[][] old = previousS2(model, e);
                paddedSeconds = (System.nanoTime() - t0) / 1e9;
                diff = 0;
                for (int i = 0; i < old.length; i++) {
                    for (int j = 0; j < old[i].length; j++) {
                        diff = Math.max(diff, Math.abs(old[i][j] - packed[i][j]) / Math.max(1, Math.abs(old[i][j])));
                    }
                }
            }
        }
        return new Result(data, c, report.clips(), topR, report, fusionMacs, peak, TrainBenchmark.peakRssMb(),
                paddedSeconds, diff);
    }

    /**
     * The previous release's s2 of all pairs, kept to measure against: each text's tokens of interest
     * padded to the longest such list, times every video's frames padded to the longest clip
     * ({@link TacoModel#tokenScores}), in chunks of texts of at most 64 M similarities.
     */
    static float[][] previousS2(TacoModel model, RetrievalEvaluator.Encoded e) {
        int n = e.size();
        long tokens = e.y().getShape().get(1);
        long d = e.y().getShape().get(2);
        float[] weights = e.tokenWeights().toFloatArray();
        int packed = 1;
        for (int i = 0; i < n; i++) {
            int c = 0;
            for (int t = 0; t < tokens; t++) c += weights[(int) (i * tokens + t)] != 0 ? 1 : 0;
            packed = Math.max(packed, c);
        }
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
            for (; c < packed; c++) rows[i * packed + c] = i * tokens;
        }
        NDManager m = e.y().getManager();
        try (NDManager all = m.newSubManager()) {
            all.tempAttachAll(e.y());
            NDArray yPacked = e.y().reshape(n * tokens, d).get(all.create(rows)).reshape(n, packed, d);
            NDArray wPacked = all.create(packedWeights, new Shape(n, packed));
            long perText = packed * n * e.x().getShape().get(1);
            int chunk = (int) Math.max(1, Math.min(n, 64_000_000L / Math.max(1, perText)));
            float[][] out = new float[n][];
            for (int start = 0; start < n; start += chunk) {
                int end = Math.min(n, start + chunk);
                try (NDManager sub = all.newSubManager()) {
                    sub.tempAttachAll(e.x(), e.frameMask());
                    NDArray y = yPacked.get(new NDIndex("{}:{}", start, end));
                    NDArray w = wPacked.get(new NDIndex("{}:{}", start, end));
                    y.attach(sub);
                    w.attach(sub);
                    float[] v = model.s2(model.tokenScores(y, e.x(), e.frameMask()), w).toFloatArray();
                    for (int i = start; i < end; i++) out[i] = Arrays.copyOfRange(v, (i - start) * n,
                            (i - start + 1) * n);
                }
            }
            return out;
        }
    }

    /**
     * Random clips for a model without data: random features and token ids, frames per clip uniform in
     * [3, maxFrames] and tokens in [6, maxTokens] (YouCook2's validation clips: 1–48 frames at the cpu
     * preset, mean about 20), one token of interest in three.
     */
    public static List<Batch> randomClips(int clips, TacoConfig c, long seed) {
        Random r = new Random(seed);
        boolean bert = c.vocabSize > 1000; // BERT's [CLS] 101, [SEP] 102 and words from 1000 on; else a toy vocabulary
        int cls = bert ? 101 : 1, sep = bert ? 102 : 2, words = bert ? 1000 : 3;
        List<Batch> batches = new ArrayList<>();
        for (int s = 0; s < clips; s += 128) {
            int k = Math.min(128, clips - s);
            int frames = c.maxFrames, tokens = c.maxTokens, dim = c.featureDim;
            float[] feats = new float[k * frames * dim];
            float[] fmask = new float[k * frames];
            int[] ids = new int[k * tokens];
            float[] tmask = new float[k * tokens];
            float[] w = new float[k * tokens];
            List<String> vids = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                vids.add("random-" + (s + i));
                int f = 3 + r.nextInt(Math.max(1, frames - 2));
                for (int j = 0; j < f; j++) {
                    fmask[i * frames + j] = 1;
                    for (int q = 0; q < dim; q++) feats[(i * frames + j) * dim + q] = (float) r.nextGaussian();
                }
                int t = Math.min(tokens, 6 + r.nextInt(Math.max(1, tokens - 5)));
                int interest = 0;
                for (int p = 0; p < t; p++) {
                    ids[i * tokens + p] = p == 0 ? cls : p == t - 1 ? sep : words + r.nextInt(c.vocabSize - words);
                    tmask[i * tokens + p] = 1;
                    if (p > 0 && p < t - 1 && p % 3 == 0) {
                        w[i * tokens + p] = 1;
                        interest++;
                    }
                }
                for (int p = 0; p < t; p++) w[i * tokens + p] /= Math.max(1, interest);
            }
            batches.add(new Batch(vids, k, frames, dim, feats, fmask, tokens, ids, tmask, w));
        }
        return batches;
    }
}
