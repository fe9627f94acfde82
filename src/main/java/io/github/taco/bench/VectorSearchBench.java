package io.github.taco.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.taco.data.Clip;
import io.github.taco.data.Split;
import io.github.taco.data.synth.SynthConfig;
import io.github.taco.data.synth.SynthData;
import io.github.taco.data.synth.SynthVideo;
import io.github.taco.data.synth.SyntheticBenchmark;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.VideoFeatures;
import io.github.taco.index.ClipEmbedder;
import io.github.taco.index.IndexedClip;
import io.github.taco.index.TacoCodec;
import io.github.taco.model.Checkpoint;
import io.github.taco.model.NoGrad;
import io.github.taco.model.TacoModel;
import io.github.taco.serve.ServerMetrics;
import io.github.taco.text.EncodedText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * HNSW alone (no cascade): Lucene's graph over clustered unit vectors, or over the learned s1 vectors of
 * a checkpoint, queried with k = 10: build time, size, latency, QPS and recall@10 against exact search.
 * A benchmark, not a test: the machine and its other work decide the figures.
 */
public final class VectorSearchBench {
    private VectorSearchBench() {}

    /** One HNSW configuration measured: build, size, latency and recall@10 against exact search. */
    public record Result(String label, int n, int dim, int maxConn, int beam, int ef, double buildSeconds, int threads,
            int segments, double megabytes, double p50Millis, double p99Millis, double qps1, double qps2,
            double recallAt10, int queries) {
        /** One line, as {@code taco bench search} prints it. */
        public String line() {
            return String.format(Locale.ROOT,
                    "vectors (%s) n=%,d d=%d M=%d beam=%d ef=%d: build %.1f s (%,.0f vec/s, %d threads, %d segments), "
                            + "size %.1f MB; k=10 latency p50 %.2f ms p99 %.2f ms, QPS %.0f (1 thread) %.0f (2 "
                            + "threads); recall@10 %.3f (%d queries)%n",
                    label, n, dim, maxConn, beam, ef, buildSeconds, n / buildSeconds, threads, segments, megabytes,
                    p50Millis, p99Millis, qps1, qps2, recallAt10, queries);
        }
    }

    /** Unit vectors around {@code clusters} random centres (more like real embeddings than uniform noise). */
    static float[][] clustered(int n, int d, int clusters, double noise, long seed) {
        Random r = new Random(seed);
        float[][] centres = new float[clusters][d];
        for (float[] c : centres) for (int i = 0; i < d; i++) c[i] = (float) r.nextGaussian();
        float[][] out = new float[n][d];
        for (int j = 0; j < n; j++) {
            float[] c = centres[r.nextInt(clusters)];
            double norm = 0;
            for (int i = 0; i < d; i++) {
                out[j][i] = (float) (c[i] + noise * r.nextGaussian());
                norm += out[j][i] * out[j][i];
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < d; i++) out[j][i] *= inv;
        }
        return out;
    }

    static long dirBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /**
     * Lucene HNSW over {@code n} clustered unit vectors (DOT_PRODUCT, as for cosine models): build
     * time with {@code threads} indexing threads, size, single-thread latency p50/p99 and QPS,
     * 2-thread QPS and recall@10 against exact search.
     */
    public static List<Result> vectors(int n, int dim, int queries, int maxConn, int beam, List<Integer> efs,
            int threads, Path work) throws Exception {
        // queries: same centres, unseen points
        float[][] all = clustered(n + queries, dim, Math.max(10, n / 1000), 0.6, 1);
        return hnsw("clustered", Arrays.copyOf(all, n), Arrays.copyOfRange(all, n, n + queries),
                VectorSimilarityFunction.DOT_PRODUCT, maxConn, beam, efs, threads,
                work.resolve("vectors-" + n + "-d" + dim + "-m" + maxConn + "-b" + beam));
    }

    /**
     * HNSW over the first {@code n} of {@code data} with {@code queries} as queries: build time, size,
     * latency, QPS and recall@10 against exact search under {@code sim}. The index in {@code dir} is
     * reused when it was built before (its build time is kept beside it).
     */
    static List<Result> hnsw(String label, float[][] data, float[][] qs, VectorSimilarityFunction sim, int maxConn,
            int beam, List<Integer> efs, int threads, Path dir) throws Exception {
        int n = data.length;
        int dim = data[0].length;
        int queries = qs.length;
        // an index built before with the same data and parameters is reused
        Path done = dir.resolve("build-seconds.txt");
        long t0 = System.nanoTime();
        double buildS = Files.exists(done) ? Double.parseDouble(Files.readString(done).strip()) : 0;
        if (buildS == 0) try (FSDirectory d = FSDirectory.open(dir)) {
            IndexWriterConfig c = new IndexWriterConfig().setCodec(new TacoCodec(maxConn, beam))
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE).setRAMBufferSizeMB(1800);
            try (IndexWriter w = new IndexWriter(d, c)) {
                AtomicInteger next = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    fs.add(pool.submit(() -> {
                        for (int j; (j = next.getAndIncrement()) < n; ) {
                            Document doc = new Document();
                            doc.add(new StoredField("id", j));
                            doc.add(new KnnFloatVectorField("v", data[j], sim));
                            w.addDocument(doc);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) f.get();
                pool.shutdown();
                w.commit();
            }
            buildS = (System.nanoTime() - t0) / 1e9;
            Files.writeString(done, Double.toString(buildS));
        }
        long bytes = dirBytes(dir);
        List<Result> out = new ArrayList<>();
        try (FSDirectory d = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(d)) {
            IndexSearcher s = new IndexSearcher(reader);
            int[] ids = new int[reader.maxDoc()];
            var stored = s.storedFields();
            for (int doc = 0; doc < ids.length; doc++) ids[doc] = stored.document(doc).getField("id").numericValue()
                    .intValue();
            final float[][] qq = qs;
            // exact top 10 by brute force, once for every ef; queries in parallel
            List<List<Integer>> truth = IntStream.range(0, queries).parallel().mapToObj(i -> {
                float[] q = qq[i];
                Integer[] best = new Integer[10];
                double[] bestScore = new double[10];
                Arrays.fill(bestScore, Double.NEGATIVE_INFINITY);
                for (int j = 0; j < n; j++) {
                    // Lucene's own score, so ties and order match what HNSW ranks by
                    double score = sim.compare(q, data[j]);
                    if (score > bestScore[9]) {
                        int p = 9;
                        while (p > 0 && bestScore[p - 1] < score) {
                            bestScore[p] = bestScore[p - 1];
                            best[p] = best[p - 1];
                            p--;
                        }
                        bestScore[p] = score;
                        best[p] = j;
                    }
                }
                return Arrays.asList(best);
            }).toList();
            for (int ef : efs) {
                // warm-up
                for (int i = 0; i < Math.min(50, queries); i++) s.search(new KnnFloatVectorQuery("v", qq[i], ef), 10);
            double[] lat = new double[queries];
            int[][] got = new int[queries][];
            long ts = System.nanoTime();
            for (int i = 0; i < queries; i++) {
                long a = System.nanoTime();
                TopDocs top = s.search(new KnnFloatVectorQuery("v", qq[i], ef), 10);
                lat[i] = (System.nanoTime() - a) / 1e6;
                got[i] = Arrays.stream(top.scoreDocs).mapToInt(sd -> ids[sd.doc]).toArray();
            }
            double qps1 = queries / ((System.nanoTime() - ts) / 1e9);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            long t2 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                final int off = t;
                fs.add(pool.submit(() -> {
                    for (int i = off; i < queries; i += 2) s.search(new KnnFloatVectorQuery("v", qq[i], ef), 10);
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            pool.shutdown();
            double qps2 = queries / ((System.nanoTime() - t2) / 1e9);
            final int[][] hnsw = got;
            double recall = IntStream.range(0, queries)
                    .mapToDouble(i -> Arrays.stream(hnsw[i]).filter(j -> truth.get(i).contains(j)).count() / 10.0)
                    .average().orElse(0);
            Arrays.sort(lat);
            out.add(new Result(label, n, dim, maxConn, beam, ef, buildS, threads, reader.leaves().size(), bytes / 1e6,
                    ServerMetrics.percentile(lat, 0.5), ServerMetrics.percentile(lat, 0.99), qps1, qps2,
                    recall, queries));
            }
        }
        return out;
    }

    /**
     * HNSW recall on learned embeddings: the s1 vectors of synthetic-benchmark clips as a trained
     * checkpoint's video encoder gives them (the same clips {@code taco synth} writes, more videos
     * for the larger sizes), queried with the text vectors of captions of other clips. One
     * embedding pass for the largest size; each size indexes a prefix.
     */
    public static List<Result> learned(Path checkpoint, List<Integer> sizes, int queries, int maxConn, int beam,
            List<Integer> efs, int threads, Path work) throws Exception {
        int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        List<Result> out = new ArrayList<>();
        try (Checkpoint ck = Checkpoint.open(checkpoint)) {
            SynthConfig cfg = SynthConfig.defaults();
            if (ck.config().featureDim != cfg.dim()) {
                throw new IllegalArgumentException("checkpoint " + checkpoint + " expects " + ck.config().featureDim
                        + "-d features; the synthetic benchmark has " + cfg.dim()
                        + " (train it with taco demo or taco ablate)");
            }
            long t0 = System.nanoTime();
            LearnedVectors lv = embedSynthetic(ck, cfg, largest, queries);
            System.out.printf(Locale.ROOT, "learned: embedded %,d clips and %,d captions with %s in %.1f s%n", largest,
                    queries, checkpoint, (System.nanoTime() - t0) / 1e9);
            VectorSimilarityFunction sim = ck.config().cosine() ? VectorSimilarityFunction.DOT_PRODUCT
                    : VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
            String tag = Integer.toHexString(checkpoint.toAbsolutePath().normalize().toString().hashCode());
            for (int n : sizes) {
                out.addAll(hnsw("learned, " + ck.config().similarity, Arrays.copyOf(lv.clips(), n), lv.queries(), sim,
                        maxConn, beam, efs, threads,
                        work.resolve("learned-" + tag + "-" + n + "-m" + maxConn + "-b" + beam)));
            }
        }
        return out;
    }

    record LearnedVectors(float[][] clips, float[][] queries) {}

    /**
     * s1 vectors of the first {@code n} clips of a synthetic benchmark large enough, and text vectors of the next
     * clips' captions.
     */
    static LearnedVectors embedSynthetic(Checkpoint ck, SynthConfig base, int n, int queries) throws IOException {
        // ~6 clips per video on average; generate a margin and stop when enough clips are embedded
        SynthConfig cfg = base.withVideos(n / 5 + queries / 5 + 100, 0, 0);
        SynthData data = SyntheticBenchmark.generate(cfg);
        TacoModel model = ck.model();
        Map<String, VideoFeatures> batchFeatures = new HashMap<>();
        FeatureStore store = new FeatureStore() {
            // the current batch's videos, computed in memory (no 1M-clip folder on disk)
            @Override public VideoFeatures load(String videoId) {
                return batchFeatures.get(videoId);
            }
            @Override public boolean contains(String videoId) {
                return batchFeatures.containsKey(videoId);
            }
            @Override public int dim() {
                return cfg.dim();
            }
            @Override public double fps() {
                return 1.0;
            }
        };
        ClipEmbedder embedder = new ClipEmbedder(model, store);
        float[][] vectors = new float[n][];
        List<String> captions = new ArrayList<>(queries);
        List<Clip> batch = new ArrayList<>();
        int done = 0;
        for (SynthVideo v : data.videos()) {
            if (done >= n) {
                for (String c : v.captions()) if (captions.size() < queries) captions.add(c);
                if (captions.size() >= queries) break;
                continue;
            }
            batchFeatures.put(v.videoId(),
                    new VideoFeatures(v.videoId(), v.frames(), cfg.dim(), SyntheticBenchmark.features(data, v)));
            for (int i = 0; i < v.captions().size(); i++) {
                batch.add(new Clip(v.videoId() + "#" + i, v.videoId(), v.segments().get(i)[0], v.segments().get(i)[1],
                        List.of(v.captions().get(i)), Split.VALIDATION));
            }
            if (batch.size() >= 256) {
                done = flush(embedder, batch, vectors, done);
                batchFeatures.clear();
            }
        }
        if (done < n) done = flush(embedder, batch, vectors, done);
        if (done < n || captions.size() < queries) {
            throw new IllegalStateException("generated too few clips: " + done + " of " + n + ", " + captions.size()
                    + " of " + queries + " captions");
        }
        return new LearnedVectors(vectors, textVectors(ck, captions));
    }

    private static int flush(ClipEmbedder embedder, List<Clip> batch, float[][] vectors, int done) throws IOException {
        for (IndexedClip c : embedder.embed(batch)) {
            if (done < vectors.length) vectors[done++] = c.vector();
        }
        batch.clear();
        return done;
    }

    /** The s1 text vectors of captions, 256 per forward pass. */
    static float[][] textVectors(Checkpoint ck, List<String> captions) {
        TacoModel model = ck.model();
        int maxTokens = ck.config().maxTokens;
        float[][] out = new float[captions.size()][];
        NoGrad.thisThread();
        for (int from = 0; from < captions.size(); from += 256) {
            List<EncodedText> enc = ck.text().encodeAll(captions.subList(from, Math.min(captions.size(), from + 256)));
            int len = enc.stream().mapToInt(e -> Math.min(e.length(), maxTokens)).max().orElse(1);
            long[] ids = new long[enc.size() * len];
            float[] mask = new float[enc.size() * len];
            for (int i = 0; i < enc.size(); i++) {
                for (int t = 0; t < Math.min(enc.get(i).length(), maxTokens); t++) {
                    ids[i * len + t] = enc.get(i).ids()[t];
                    mask[i * len + t] = 1f;
                }
            }
            try (NDManager m = model.weights().manager().newSubManager()) {
                NDArray y = model.encodeText(m.create(ids, new Shape(enc.size(), len)),
                        m.create(mask, new Shape(enc.size(), len)));
                float[] tv = model.textVectors(y).toFloatArray();
                int d = tv.length / enc.size();
                for (int i = 0; i < enc.size(); i++) out[from + i] = Arrays.copyOfRange(tv, i * d, (i + 1) * d);
            }
        }
        return out;
    }
}
