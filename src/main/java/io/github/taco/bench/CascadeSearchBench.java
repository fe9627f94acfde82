package io.github.taco.bench;

import ai.djl.ndarray.NDManager;
import io.github.taco.data.Clip;
import io.github.taco.data.Split;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.features.Npy;
import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.FrameStore;
import io.github.taco.index.IndexMeta;
import io.github.taco.index.IndexedClip;
import io.github.taco.index.Indexer;
import io.github.taco.index.SearchResult;
import io.github.taco.index.VideoIndex;
import io.github.taco.model.Checkpoint;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.serve.ServerMetrics;
import io.github.taco.text.TextPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The whole search cascade (query text → kNN → s1 + s2 → s3) over a local index of synthetic clips, and
 * the {@code taco index} path that builds one. A benchmark, not a test.
 */
public final class CascadeSearchBench {
    static final String[] QUERIES = {
        "add the chopped onion to the pan", "stir the sauce", "cut the tomatoes into slices", "pour water into the pot",
        "fry the chicken in oil", "sprinkle salt on the salad", "mix flour and eggs", "boil the pasta",
        "grill the bread", "peel the potatoes", "whisk the cream", "serve the soup in a bowl",
        "slice the cucumber", "knead the dough", "melt the butter in a pan", "season the meat with pepper"};

    private CascadeSearchBench() {}

    /** The whole cascade timed over an index of synthetic clips. */
    public record Result(int n, int dim, FrameStore.Encoding encoding, int topN, int topR, double buildSeconds,
            long luceneBytes, long frameStoreBytes, double p50Millis, double p99Millis, double qps, double textMillis,
            double knnMillis, double s1s2Millis, double s3Millis) {
        /** One line, as {@code taco bench search} prints it; a reused index has no build time (0). */
        public String line() {
            return String.format(Locale.ROOT,
                    "cascade n=%,d clips (8-24 frames, d=%d, frames %s) N=%d R=%d: %s lucene %.1f MB + frame store "
                            + "%.1f MB; latency p50 %.1f ms p99 %.1f ms, QPS %.1f (1 thread); mean ms text %.1f knn "
                            + "%.1f s1+s2 %.1f s3 %.1f%n",
                    n, dim, encoding.name().toLowerCase(Locale.ROOT), topN, topR,
                    buildSeconds > 0 ? String.format(Locale.ROOT, "build %.1f s (%,.0f clips/s, no encoder),",
                            buildSeconds, n / buildSeconds) : "(reused index)",
                    luceneBytes / 1e6, frameStoreBytes / 1e6, p50Millis, p99Millis, qps, textMillis, knnMillis,
                    s1s2Millis, s3Millis);
        }
    }

    /** {@code taco index}'s whole path (encoder included) on random features. */
    public record BuildResult(int hidden, int clips, double seconds, long luceneBytes, long frameStoreBytes) {
        public String line() {
            return String.format(Locale.ROOT,
                    "build (video encoder d=%d 1 layer, 1024-d features, 15-45 frames/clip, float16 frames): %,d clips "
                            + "in %.1f s = %.1f clips/s; lucene %.1f MB + frame store %.1f MB (%.1f KB/clip)%n",
                    hidden, clips, seconds, clips / seconds, luceneBytes / 1e6, frameStoreBytes / 1e6,
                    (luceneBytes + frameStoreBytes) / 1e3 / clips);
        }
    }

    /** A random-init CPU-preset checkpoint (d=128, cosine) with the BERT vocabulary, for timing only. */
    static Path checkpoint(Path dir) throws IOException {
        if (Files.exists(dir.resolve(TacoModel.WEIGHTS_FILE))) return dir;
        TacoConfig c = TacoConfig.cpu(1024);
        c.similarity = Similarity.COSINE;
        c.dropout = 0;
        Path vocab = TextPipeline.defaultVocabulary();
        try (NDManager root = NDManager.newBaseManager(); TacoModel m = new TacoModel(c, root, 1)) {
            m.save(dir);
        }
        Files.copy(vocab, dir.resolve(Checkpoint.VOCAB_FILE));
        return dir;
    }

    /** Clips per {@link #clips} call of the cascade index: the clips depend on it (one random stream per call). */
    static final int CASCADE_CHUNK = 20_000;

    /** Synthetic clips: 8–24 frames of d around clustered centres; vector = normalised mean. */
    static List<IndexedClip> clips(int from, int count, int d, long seed) {
        Random r = new Random(seed + from);
        float[][] centres = VectorSearchBench.clustered(200, d, 200, 0, 7);
        List<IndexedClip> out = new ArrayList<>(count);
        for (int j = from; j < from + count; j++) {
            int m = 8 + r.nextInt(17);
            float[] c = centres[r.nextInt(centres.length)];
            float[] x = new float[m * d];
            float[] mean = new float[d];
            for (int k = 0; k < m; k++) {
                for (int i = 0; i < d; i++) {
                    x[k * d + i] = (float) (c[i] + 0.05 * r.nextGaussian());
                    mean[i] += x[k * d + i] / m;
                }
            }
            double norm = 0;
            for (float v : mean) norm += v * v;
            for (int i = 0; i < d; i++) mean[i] /= (float) Math.sqrt(norm);
            float[] times = new float[m];
            for (int k = 0; k < m; k++) times[k] = k;
            out.add(new IndexedClip("c" + j, "vid" + (j / 4), 0, m, "synthetic clip " + j, times, mean, m, x));
        }
        return out;
    }

    /** Builds (or reuses) a cascade index of n synthetic clips and times queries through the whole cascade. */
    public static Result cascade(int n, int queries, int topN, int topR, Path work, FrameStore.Encoding enc)
            throws Exception {
        Path ckptDir = checkpoint(work.resolve("ckpt"));
        Path dir = work.resolve("cascade-" + n + "-" + enc.name().toLowerCase(Locale.ROOT));
        try (Checkpoint ck = Checkpoint.open(ckptDir)) {
            int d = ck.config().hiddenSize;
            double buildS = 0;
            if (!Files.exists(dir.resolve(IndexMeta.FILE))) {
                IndexMeta meta = IndexMeta.forCheckpoint(ckptDir, ck.config());
                meta.frameEncoding = enc;
                long t0 = System.nanoTime();
                try (VideoIndex index = VideoIndex.create(dir, meta)) {
                    for (int from = 0; from < n; from += CASCADE_CHUNK) {
                        index.add(clips(from, Math.min(CASCADE_CHUNK, n - from), d, 3));
                    }
                }
                buildS = (System.nanoTime() - t0) / 1e9;
            }
            try (VideoIndex index = VideoIndex.open(dir, true)) {
                CascadeSearcher s = new CascadeSearcher(index, ck);
                VideoIndex.Stats st = index.stats();
                var o = new CascadeSearcher.Options(10, topN, topR, topN);
                for (int i = 0; i < 10; i++) s.search(QUERIES[i % QUERIES.length], o);
                double[] lat = new double[queries];
                double[] stage = new double[5];
                String[] names = {"text", "knn", "s1s2", "s3", "total"};
                long t0 = System.nanoTime();
                for (int i = 0; i < queries; i++) {
                    SearchResult r = s.search(QUERIES[i % QUERIES.length] + (i >= QUERIES.length ? " " + i : ""), o);
                    lat[i] = r.millis().get("total");
                    for (int k = 0; k < names.length; k++) stage[k] += r.millis().get(names[k]) / queries;
                }
                double qps = queries / ((System.nanoTime() - t0) / 1e9);
                Arrays.sort(lat);
                return new Result(n, d, enc, topN, topR, buildS, st.luceneBytes(), st.frameStoreBytes(),
                        ServerMetrics.percentile(lat, 0.5), ServerMetrics.percentile(lat, 0.99), qps,
                        stage[0], stage[1], stage[2], stage[3]);
            }
        }
    }

    /**
     * The whole {@code taco index} path on random features: {@code videos} videos of 120 rows of
     * 1024-d features, 4 clips of 15–45 s each, embedded with the random-init cpu-preset checkpoint
     * (48 frames max) into a fresh index. Reports clips/s and the sizes.
     */
    public static BuildResult build(int videos, Path work) throws Exception {
        Path ckptDir = checkpoint(work.resolve("ckpt"));
        Path feats = Files.createDirectories(work.resolve("embed-features"));
        Random r = new Random(5);
        List<Clip> clips = new ArrayList<>();
        for (int v = 0; v < videos; v++) {
            String id = "video" + v;
            Path f = feats.resolve(id + ".npy");
            if (!Files.exists(f)) {
                float[] data = new float[120 * 1024];
                for (int i = 0; i < data.length; i++) data[i] = (float) r.nextGaussian();
                Npy.writeFloat32(f, 120, 1024, data);
            }
            for (int k = 0; k < 4; k++) {
                double start = k * 25 + r.nextInt(5);
                clips.add(new Clip(id + "#" + k, id, start, start + 15 + r.nextInt(31),
                        List.of(QUERIES[(v + k) % QUERIES.length]), Split.VALIDATION));
            }
        }
        Path dir = work.resolve("embed-index");
        if (Files.exists(dir)) {
            try (Stream<Path> st = Files.walk(dir)) {
                st.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (Checkpoint ck = Checkpoint.open(ckptDir);
                FeatureStore fs = FeatureStores.open(feats, 1.0)) {
            Indexer.Report rep = Indexer.build(dir, ck, fs, feats, clips,
                    Indexer.Options.defaults(), null);
            return new BuildResult(ck.config().hiddenSize, rep.clipsAdded(), rep.seconds(), rep.stats().luceneBytes(),
                    rep.stats().frameStoreBytes());
        }
    }
}
