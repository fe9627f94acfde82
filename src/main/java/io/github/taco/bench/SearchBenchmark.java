package io.github.taco.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.taco.data.Clip;
import io.github.taco.data.synth.SynthConfig;
import io.github.taco.data.synth.SynthData;
import io.github.taco.data.synth.SynthVideo;
import io.github.taco.data.synth.SyntheticBenchmark;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.VideoFeatures;
import io.github.taco.index.ClipEmbedder;
import io.github.taco.model.NoGrad;
import io.github.taco.text.EncodedText;
import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.FrameStore;
import io.github.taco.index.IndexMeta;
import io.github.taco.index.IndexedClip;
import io.github.taco.index.SearchResult;
import io.github.taco.index.TacoCodec;
import io.github.taco.index.VideoIndex;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.serve.SearchServer;
import io.github.taco.text.TextPipeline;
import io.github.taco.model.Checkpoint;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Search benchmarks (not unit tests): HNSW build and query figures on clustered vectors, the full
 * cascade over an index with its side store, and a bounded HTTP load test on loopback. Every
 * figure is printed; the machine and the other work on it decide them, so quote them with that.
 */
public final class SearchBenchmark {
    static final String[] QUERIES = {
        "add the chopped onion to the pan", "stir the sauce", "cut the tomatoes into slices", "pour water into the pot",
        "fry the chicken in oil", "sprinkle salt on the salad", "mix flour and eggs", "boil the pasta",
        "grill the bread", "peel the potatoes", "whisk the cream", "serve the soup in a bowl",
        "slice the cucumber", "knead the dough", "melt the butter in a pan", "season the meat with pepper"};

    private SearchBenchmark() {}

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

    // ------------------------------------------------------------------ embeddings only

    /**
     * Lucene HNSW over {@code n} clustered unit vectors (DOT_PRODUCT, as for cosine models): build
     * time with {@code threads} indexing threads, size, single-thread latency p50/p99 and QPS,
     * 2-thread QPS and recall@10 against exact search.
     */
    public static String vectors(int n, int dim, int queries, int maxConn, int beam, List<Integer> efs, int threads, Path work) throws Exception {
        float[][] all = clustered(n + queries, dim, Math.max(10, n / 1000), 0.6, 1); // queries: same centres, unseen points
        return hnsw("clustered", Arrays.copyOf(all, n), Arrays.copyOfRange(all, n, n + queries), VectorSimilarityFunction.DOT_PRODUCT,
                maxConn, beam, efs, threads, work.resolve("vectors-" + n + "-d" + dim + "-m" + maxConn + "-b" + beam));
    }

    /**
     * HNSW over the first {@code n} of {@code data} with {@code queries} as queries: build time, size,
     * latency, QPS and recall@10 against exact search under {@code sim}. The index in {@code dir} is
     * reused when it was built before (its build time is kept beside it).
     */
    static String hnsw(String label, float[][] data, float[][] qs, VectorSimilarityFunction sim, int maxConn, int beam, List<Integer> efs,
            int threads, Path dir) throws Exception {
        int n = data.length;
        int dim = data[0].length;
        int queries = qs.length;
        Path done = dir.resolve("build-seconds.txt"); // an index built before with the same data and parameters is reused
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
        StringBuilder sb = new StringBuilder();
        try (FSDirectory d = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(d)) {
            IndexSearcher s = new IndexSearcher(reader);
            int[] ids = new int[reader.maxDoc()];
            var stored = s.storedFields();
            for (int doc = 0; doc < ids.length; doc++) ids[doc] = stored.document(doc).getField("id").numericValue().intValue();
            final float[][] qq = qs;
            // exact top 10 by brute force, once for every ef; queries in parallel
            List<List<Integer>> truth = IntStream.range(0, queries).parallel().mapToObj(i -> {
                float[] q = qq[i];
                Integer[] best = new Integer[10];
                double[] bestScore = new double[10];
                Arrays.fill(bestScore, Double.NEGATIVE_INFINITY);
                for (int j = 0; j < n; j++) {
                    double score = sim.compare(q, data[j]); // Lucene's own score, so ties and order match what HNSW ranks by
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
                for (int i = 0; i < Math.min(50, queries); i++) s.search(new KnnFloatVectorQuery("v", qq[i], ef), 10); // warm-up
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
                    .mapToDouble(i -> Arrays.stream(hnsw[i]).filter(j -> truth.get(i).contains(j)).count() / 10.0).average().orElse(0);
            Arrays.sort(lat);
            sb.append(String.format(Locale.ROOT,
                    "vectors (%s) n=%,d d=%d M=%d beam=%d ef=%d: build %.1f s (%,.0f vec/s, %d threads, %d segments), size %.1f MB; "
                            + "k=10 latency p50 %.2f ms p99 %.2f ms, QPS %.0f (1 thread) %.0f (2 threads); recall@10 %.3f (%d queries)%n",
                    label, n, dim, maxConn, beam, ef, buildS, n / buildS, threads, reader.leaves().size(), bytes / 1e6,
                    io.github.taco.serve.ServerMetrics.percentile(lat, 0.5), io.github.taco.serve.ServerMetrics.percentile(lat, 0.99), qps1, qps2, recall, queries));
            System.out.print(sb.substring(sb.lastIndexOf("vectors (")));
            System.out.flush();
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ learned embeddings

    /**
     * HNSW recall on learned embeddings: the s1 vectors of synthetic-benchmark clips as a trained
     * checkpoint's video encoder gives them (the same clips {@code taco synth} writes, more videos
     * for the larger sizes), queried with the text vectors of captions of other clips. One
     * embedding pass for the largest size; each size indexes a prefix.
     */
    public static String learned(Path checkpoint, List<Integer> sizes, int queries, int maxConn, int beam, List<Integer> efs, int threads,
            Path work) throws Exception {
        int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        StringBuilder sb = new StringBuilder();
        try (Checkpoint ck = Checkpoint.open(checkpoint)) {
            SynthConfig cfg = SynthConfig.defaults();
            if (ck.config().featureDim != cfg.dim()) {
                throw new IllegalArgumentException("checkpoint " + checkpoint + " expects " + ck.config().featureDim
                        + "-d features; the synthetic benchmark has " + cfg.dim() + " (train it with taco demo or taco ablate)");
            }
            long t0 = System.nanoTime();
            LearnedVectors lv = embedSynthetic(ck, cfg, largest, queries);
            System.out.printf(Locale.ROOT, "learned: embedded %,d clips and %,d captions with %s in %.1f s%n", largest, queries, checkpoint,
                    (System.nanoTime() - t0) / 1e9);
            VectorSimilarityFunction sim = ck.config().cosine() ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
            String tag = Integer.toHexString(checkpoint.toAbsolutePath().normalize().toString().hashCode());
            for (int n : sizes) {
                sb.append(hnsw("learned, " + ck.config().similarity, Arrays.copyOf(lv.clips(), n), lv.queries(), sim, maxConn, beam, efs, threads,
                        work.resolve("learned-" + tag + "-" + n + "-m" + maxConn + "-b" + beam)));
            }
        }
        return sb.toString();
    }

    record LearnedVectors(float[][] clips, float[][] queries) {}

    /** s1 vectors of the first {@code n} clips of a synthetic benchmark large enough, and text vectors of the next clips' captions. */
    static LearnedVectors embedSynthetic(Checkpoint ck, SynthConfig base, int n, int queries) throws IOException {
        // ~6 clips per video on average; generate a margin and stop when enough clips are embedded
        SynthConfig cfg = base.withVideos(n / 5 + queries / 5 + 100, 0, 0);
        SynthData data = SyntheticBenchmark.generate(cfg);
        TacoModel model = ck.model();
        Map<String, VideoFeatures> batchFeatures = new HashMap<>();
        FeatureStore store = new FeatureStore() { // the current batch's videos, computed in memory (no 1M-clip folder on disk)
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
            batchFeatures.put(v.videoId(), new VideoFeatures(v.videoId(), v.frames(), cfg.dim(), SyntheticBenchmark.features(data, v)));
            for (int i = 0; i < v.captions().size(); i++) {
                batch.add(new Clip(v.videoId() + "#" + i, v.videoId(), v.segments().get(i)[0], v.segments().get(i)[1], List.of(v.captions().get(i)),
                        io.github.taco.data.Split.VALIDATION));
            }
            if (batch.size() >= 256) {
                done = flush(embedder, batch, vectors, done);
                batchFeatures.clear();
            }
        }
        if (done < n) done = flush(embedder, batch, vectors, done);
        if (done < n || captions.size() < queries) {
            throw new IllegalStateException("generated too few clips: " + done + " of " + n + ", " + captions.size() + " of " + queries + " captions");
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
                NDArray y = model.encodeText(m.create(ids, new Shape(enc.size(), len)), m.create(mask, new Shape(enc.size(), len)));
                float[] tv = model.textVectors(y).toFloatArray();
                int d = tv.length / enc.size();
                for (int i = 0; i < enc.size(); i++) out[from + i] = Arrays.copyOfRange(tv, i * d, (i + 1) * d);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ full cascade

    /** A random-init CPU-preset checkpoint (d=128, cosine) with the BERT vocabulary, for timing only. */
    static Path checkpoint(Path dir) throws IOException {
        if (Files.exists(dir.resolve(TacoModel.WEIGHTS_FILE))) return dir;
        TacoConfig c = TacoConfig.cpu(1024);
        c.similarity = io.github.taco.model.Similarity.COSINE;
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
        float[][] centres = clustered(200, d, 200, 0, 7);
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
    public static String cascade(int n, int queries, int topN, int topR, Path work, FrameStore.Encoding enc) throws Exception {
        Path ckptDir = checkpoint(work.resolve("ckpt"));
        Path dir = work.resolve("cascade-" + n + "-" + enc.name().toLowerCase(Locale.ROOT));
        StringBuilder sb = new StringBuilder();
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
                sb.append(String.format(Locale.ROOT,
                        "cascade n=%,d clips (8-24 frames, d=%d, frames %s) N=%d R=%d: %s lucene %.1f MB + frame store %.1f MB; "
                                + "latency p50 %.1f ms p99 %.1f ms, QPS %.1f (1 thread); mean ms text %.1f knn %.1f s1+s2 %.1f s3 %.1f%n",
                        n, d, enc.name().toLowerCase(Locale.ROOT), topN, topR,
                        buildS > 0 ? String.format(Locale.ROOT, "build %.1f s (%,.0f clips/s, no encoder),", buildS, n / buildS) : "(reused index)",
                        st.luceneBytes() / 1e6, st.frameStoreBytes() / 1e6, io.github.taco.serve.ServerMetrics.percentile(lat, 0.5), io.github.taco.serve.ServerMetrics.percentile(lat, 0.99), qps,
                        stage[0], stage[1], stage[2], stage[3]));
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ SolrCloud against the local index

    /**
     * The cascade over a SolrCloud collection against the same clips in a local index: build rate
     * (clips/s, batches of 2,000 committed each), query latency p50/p99 and QPS through the whole
     * cascade on both (alternating queries, one thread), and recall@10 of the first stage (Solr's
     * distributed kNN, and the local HNSW) against the exact top 10 by s1, on 200 queries that are
     * noisy copies of indexed vectors. The collection {@code taco-bench-<n>} is created on the
     * cluster (or reused when it holds n clips) and left there.
     */
    public static String solr(int n, int queries, int topN, int topR, Path work, String address, String user, String password,
            int shards, int replicas) throws Exception {
        Path ckptDir = checkpoint(work.resolve("ckpt"));
        StringBuilder sb = new StringBuilder();
        String cascadeOut = cascade(n, 10, topN, topR, work, FrameStore.Encoding.FLOAT16); // builds or reuses the local index
        Path localDir = work.resolve("cascade-" + n + "-float16");
        var conn = new io.github.taco.index.solr.SolrClipIndex.Connection(address, "taco-bench-" + n, user, password);
        try (Checkpoint ck = Checkpoint.open(ckptDir)) {
            int d = ck.config().hiddenSize;
            IndexMeta meta = IndexMeta.forCheckpoint(ckptDir, ck.config());
            meta.frameEncoding = FrameStore.Encoding.FLOAT16;
            try (var solr = io.github.taco.index.solr.SolrClipIndex.openOrCreate(conn, meta, shards, replicas);
                    VideoIndex local = VideoIndex.open(localDir, true)) {
                String build = "(reused collection)";
                if (solr.size() != n) {
                    long t0 = System.nanoTime();
                    int batch = 2_000;
                    double genS = 0;
                    for (int from = 0; from < n; from += CASCADE_CHUNK) { // generated as for the local index: the same clips
                        long g = System.nanoTime();
                        List<IndexedClip> cs = clips(from, Math.min(CASCADE_CHUNK, n - from), d, 3);
                        genS += (System.nanoTime() - g) / 1e9;
                        for (int b = 0; b < cs.size(); b += batch) {
                            solr.add(cs.subList(b, Math.min(cs.size(), b + batch)));
                        }
                    }
                    double s = (System.nanoTime() - t0) / 1e9 - genS;
                    build = String.format(Locale.ROOT, "built in %.1f s (%,.0f clips/s, batches of %,d committed each, no encoder)", s, n / s, batch);
                }
                CascadeSearcher sl = new CascadeSearcher(local, ck);
                CascadeSearcher ss = new CascadeSearcher(solr, ck);
                var o = new CascadeSearcher.Options(10, topN, topR, topN);
                for (int i = 0; i < 10; i++) {
                    sl.search(QUERIES[i % QUERIES.length], o);
                    ss.search(QUERIES[i % QUERIES.length], o);
                }
                double[] latL = new double[queries];
                double[] latS = new double[queries];
                double knnL = 0;
                double knnS = 0;
                long busyL = 0;
                long busyS = 0;
                for (int i = 0; i < queries; i++) {
                    String q = QUERIES[i % QUERIES.length] + (i >= QUERIES.length ? " " + i : "");
                    long t0 = System.nanoTime();
                    SearchResult rl = sl.search(q, o);
                    long t1 = System.nanoTime();
                    SearchResult rs = ss.search(q, o);
                    long t2 = System.nanoTime();
                    busyL += t1 - t0;
                    busyS += t2 - t1;
                    latL[i] = rl.millis().get("total");
                    latS[i] = rs.millis().get("total");
                    knnL += rl.millis().get("knn") / queries;
                    knnS += rs.millis().get("knn") / queries;
                }
                Arrays.sort(latL);
                Arrays.sort(latS);
                // recall@10 of the first stage against exact s1 (brute force over the same clips)
                int rq = 200;
                Random r = new Random(17);
                float[][] vectors = new float[n][];
                for (int from = 0; from < n; from += CASCADE_CHUNK) {
                    List<IndexedClip> cs = clips(from, Math.min(CASCADE_CHUNK, n - from), d, 3);
                    for (int j = 0; j < cs.size(); j++) vectors[from + j] = cs.get(j).vector();
                }
                double hitS = 0;
                double hitL = 0;
                for (int qi = 0; qi < rq; qi++) {
                    float[] base = vectors[r.nextInt(n)];
                    float[] q = new float[d];
                    double norm = 0;
                    for (int i = 0; i < d; i++) {
                        q[i] = (float) (base[i] + 0.05 * r.nextGaussian());
                        norm += q[i] * q[i];
                    }
                    for (int i = 0; i < d; i++) q[i] /= (float) Math.sqrt(norm);
                    java.util.Set<String> exact = exactTop(vectors, q, 10);
                    for (IndexedClip c : solr.candidates(q, 10, topN)) if (exact.contains(c.clipId())) hitS++;
                    for (IndexedClip c : local.candidates(q, 10, topN)) if (exact.contains(c.clipId())) hitL++;
                }
                sb.append(cascadeOut);
                sb.append(String.format(Locale.ROOT,
                        "solr n=%,d clips, %d shards x %d replicas at %s: %s%n"
                                + "  cascade N=%d R=%d, %d queries alternating, 1 thread: local p50 %.1f ms p99 %.1f ms QPS %.1f (knn %.2f ms); "
                                + "solr p50 %.1f ms p99 %.1f ms QPS %.1f (knn + fetch of N records %.2f ms)%n"
                                + "  first-stage recall@10 vs exact s1 (%d noisy-copy queries, ef %d): solr %.3f, local HNSW %.3f%n",
                        n, shards, replicas, address, build, topN, topR, queries,
                        io.github.taco.serve.ServerMetrics.percentile(latL, 0.5), io.github.taco.serve.ServerMetrics.percentile(latL, 0.99),
                        queries / (busyL / 1e9), knnL,
                        io.github.taco.serve.ServerMetrics.percentile(latS, 0.5), io.github.taco.serve.ServerMetrics.percentile(latS, 0.99),
                        queries / (busyS / 1e9), knnS, rq, topN, hitS / (10.0 * rq), hitL / (10.0 * rq)));
            }
        }
        return sb.toString();
    }

    /** Ids ("c" + row) of the k vectors with the highest dot product with q. */
    private static java.util.Set<String> exactTop(float[][] vectors, float[] q, int k) {
        java.util.PriorityQueue<double[]> heap = new java.util.PriorityQueue<>(java.util.Comparator.comparingDouble(a -> a[0]));
        for (int j = 0; j < vectors.length; j++) {
            double dot = 0;
            for (int i = 0; i < q.length; i++) dot += q[i] * vectors[j][i];
            heap.add(new double[] {dot, j});
            if (heap.size() > k) heap.poll();
        }
        java.util.Set<String> out = new java.util.HashSet<>();
        for (double[] e : heap) out.add("c" + (int) e[1]);
        return out;
    }

    // ------------------------------------------------------------------ real build (encoder included)

    /**
     * The whole {@code taco index} path on random features: {@code videos} videos of 120 rows of
     * 1024-d features, 4 clips of 15–45 s each, embedded with the random-init cpu-preset checkpoint
     * (48 frames max) into a fresh index. Reports clips/s and the sizes.
     */
    public static String build(int videos, Path work) throws Exception {
        Path ckptDir = checkpoint(work.resolve("ckpt"));
        Path feats = Files.createDirectories(work.resolve("embed-features"));
        Random r = new Random(5);
        List<io.github.taco.data.Clip> clips = new ArrayList<>();
        for (int v = 0; v < videos; v++) {
            String id = "video" + v;
            Path f = feats.resolve(id + ".npy");
            if (!Files.exists(f)) {
                float[] data = new float[120 * 1024];
                for (int i = 0; i < data.length; i++) data[i] = (float) r.nextGaussian();
                io.github.taco.features.Npy.writeFloat32(f, 120, 1024, data);
            }
            for (int k = 0; k < 4; k++) {
                double start = k * 25 + r.nextInt(5);
                clips.add(new io.github.taco.data.Clip(id + "#" + k, id, start, start + 15 + r.nextInt(31),
                        List.of(QUERIES[(v + k) % QUERIES.length]), io.github.taco.data.Split.VALIDATION));
            }
        }
        Path dir = work.resolve("embed-index");
        if (Files.exists(dir)) {
            try (Stream<Path> st = Files.walk(dir)) {
                st.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (Checkpoint ck = Checkpoint.open(ckptDir);
                io.github.taco.features.FeatureStore fs = io.github.taco.features.FeatureStores.open(feats, 1.0)) {
            io.github.taco.index.Indexer.Report rep = io.github.taco.index.Indexer.build(dir, ck, fs, feats, clips,
                    io.github.taco.index.Indexer.Options.defaults(), null);
            return String.format(Locale.ROOT,
                    "build (video encoder d=%d 1 layer, 1024-d features, 15-45 frames/clip, float16 frames): %,d clips in %.1f s = %.1f clips/s; "
                            + "lucene %.1f MB + frame store %.1f MB (%.1f KB/clip)%n",
                    ck.config().hiddenSize, rep.clipsAdded(), rep.seconds(), rep.clipsAdded() / rep.seconds(), rep.stats().luceneBytes() / 1e6,
                    rep.stats().frameStoreBytes() / 1e6, (rep.stats().luceneBytes() + rep.stats().frameStoreBytes()) / 1e3 / rep.clipsAdded());
        }
    }

    // ------------------------------------------------------------------ HTTP load

    /** Serves the n-clip cascade index on 127.0.0.1 and runs {@code clients} HTTP clients for {@code seconds}. */
    public static String http(int n, int clients, int seconds, Path work) throws Exception {
        cascade(n, 20, 100, 20, work, FrameStore.Encoding.FLOAT16); // builds the index if missing
        Path dir = work.resolve("cascade-" + n + "-float16");
        try (Checkpoint ck = Checkpoint.open(work.resolve("ckpt")); VideoIndex index = VideoIndex.open(dir, true);
                SearchServer server = new SearchServer(new CascadeSearcher(index, ck), SearchServer.Options.defaults()).start("127.0.0.1", 0)) {
            return load("http://127.0.0.1:" + server.port(), clients, seconds,
                    String.format(Locale.ROOT, "in-process server, n=%,d clips", n));
        }
    }

    /**
     * {@code clients} threads send {@code GET /api/search?k=10&q=...} to {@code baseUrl} for
     * {@code seconds}; prints requests, errors (non-200 or I/O), throughput and latency percentiles.
     */
    public static String load(String baseUrl, int clients, int seconds, String label) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = baseUrl.replaceAll("/+$", "") + "/api/search?k=10&q=";
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Double>>> fs = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        for (int c = 0; c < clients; c++) {
            final int client = c;
            fs.add(pool.submit(() -> {
                List<Double> lat = new ArrayList<>();
                for (int i = 0; System.nanoTime() < end; i++) {
                    String q = URLEncoder.encode(QUERIES[(client * 7 + i) % QUERIES.length], StandardCharsets.UTF_8);
                    long a = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + q)).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) errors.incrementAndGet();
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                    lat.add((System.nanoTime() - a) / 1e6);
                }
                return lat;
            }));
        }
        List<Double> all = new ArrayList<>();
        for (Future<List<Double>> f : fs) all.addAll(f.get());
        pool.shutdown();
        double[] lat = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT,
                "http %s, %d clients x %d s on loopback (k=10): %d requests, %d errors, %.1f req/s, latency p50 %.1f ms p99 %.1f ms max %.1f ms%n",
                label, clients, seconds, lat.length, errors.get(), lat.length / (double) seconds, io.github.taco.serve.ServerMetrics.percentile(lat, 0.5), io.github.taco.serve.ServerMetrics.percentile(lat, 0.99),
                lat.length == 0 ? 0 : lat[lat.length - 1]);
    }
}
