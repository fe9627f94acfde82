package io.github.taco.bench;

import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.FrameStore;
import io.github.taco.index.IndexMeta;
import io.github.taco.index.IndexedClip;
import io.github.taco.index.SearchResult;
import io.github.taco.index.VideoIndex;
import io.github.taco.index.solr.SolrClipIndex;
import io.github.taco.model.Checkpoint;
import io.github.taco.serve.ServerMetrics;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * The cascade over a SolrCloud collection against the same clips in a local index: build rate, latency,
 * QPS and the first stage's recall. A benchmark, not a test.
 */
public final class SolrSearchBench {
    private SolrSearchBench() {}

    /** The same clips searched through a SolrCloud collection and a local index. */
    public record Result(CascadeSearchBench.Result local, int n, int shards, int replicas, String address, String build,
            int topN, int topR, int queries, double localP50, double localP99, double localQps, double localKnnMillis,
            double solrP50, double solrP99, double solrQps, double solrKnnMillis, int recallQueries,
            double solrRecallAt10, double localRecallAt10) {
        /** The local index's line, then Solr's three. */
        public String lines() {
            return local.line() + String.format(Locale.ROOT,
                    "solr n=%,d clips, %d shards x %d replicas at %s: %s%n"
                            + "  cascade N=%d R=%d, %d queries alternating, 1 thread: local p50 %.1f ms p99 %.1f ms "
                            + "QPS %.1f (knn %.2f ms); solr p50 %.1f ms p99 %.1f ms QPS %.1f (knn + fetch of N records "
                            + "%.2f ms)%n"
                            + "  first-stage recall@10 vs exact s1 (%d noisy-copy queries, ef %d): solr %.3f, local "
                            + "HNSW %.3f%n",
                    n, shards, replicas, address, build, topN, topR,
                    queries, localP50, localP99, localQps, localKnnMillis,
                    solrP50, solrP99, solrQps, solrKnnMillis, recallQueries, topN, solrRecallAt10, localRecallAt10);
        }
    }

    /**
     * The cascade over a SolrCloud collection against the same clips in a local index: build rate
     * (clips/s, batches of 2,000 committed each), query latency p50/p99 and QPS through the whole
     * cascade on both (alternating queries, one thread), and recall@10 of the first stage (Solr's
     * distributed kNN, and the local HNSW) against the exact top 10 by s1, on 200 queries that are
     * noisy copies of indexed vectors. The collection {@code taco-bench-<n>} is created on the
     * cluster (or reused when it holds n clips) and left there.
     */
    public static Result solr(int n, int queries, int topN, int topR, Path work, String address, String user,
            String password, int shards, int replicas) throws Exception {
        Path ckptDir = CascadeSearchBench.checkpoint(work.resolve("ckpt"));
        CascadeSearchBench.Result localBuild = CascadeSearchBench.cascade(n, 10, topN, topR, work,
                FrameStore.Encoding.FLOAT16); // builds or reuses the local index
        Path localDir = work.resolve("cascade-" + n + "-float16");
        var conn = new SolrClipIndex.Connection(address, "taco-bench-" + n, user, password);
        try (Checkpoint ck = Checkpoint.open(ckptDir)) {
            int d = ck.config().hiddenSize;
            IndexMeta meta = IndexMeta.forCheckpoint(ckptDir, ck.config());
            meta.frameEncoding = FrameStore.Encoding.FLOAT16;
            try (var solr = SolrClipIndex.openOrCreate(conn, meta, shards, replicas);
                    VideoIndex local = VideoIndex.open(localDir, true)) {
                String build = "(reused collection)";
                if (solr.size() != n) {
                    long t0 = System.nanoTime();
                    int batch = 2_000;
                    double genS = 0;
                    for (int from = 0; from < n; from += CascadeSearchBench.CASCADE_CHUNK) {
                        // generated as for the local index: the same clips
                        long g = System.nanoTime();
                        List<IndexedClip> cs = CascadeSearchBench.clips(from,
                                Math.min(CascadeSearchBench.CASCADE_CHUNK, n - from), d, 3);
                        genS += (System.nanoTime() - g) / 1e9;
                        for (int b = 0; b < cs.size(); b += batch) {
                            solr.add(cs.subList(b, Math.min(cs.size(), b + batch)));
                        }
                    }
                    double s = (System.nanoTime() - t0) / 1e9 - genS;
                    build = String.format(Locale.ROOT,
                            "built in %.1f s (%,.0f clips/s, batches of %,d committed each, no encoder)", s, n / s,
                            batch);
                }
                CascadeSearcher sl = new CascadeSearcher(local, ck);
                CascadeSearcher ss = new CascadeSearcher(solr, ck);
                var o = new CascadeSearcher.Options(10, topN, topR, topN);
                for (int i = 0; i < 10; i++) {
                    sl.search(CascadeSearchBench.QUERIES[i % CascadeSearchBench.QUERIES.length], o);
                    ss.search(CascadeSearchBench.QUERIES[i % CascadeSearchBench.QUERIES.length], o);
                }
                double[] latL = new double[queries];
                double[] latS = new double[queries];
                double knnL = 0;
                double knnS = 0;
                long busyL = 0;
                long busyS = 0;
                for (int i = 0; i < queries; i++) {
                    String q = CascadeSearchBench.QUERIES[i % CascadeSearchBench.QUERIES.length]
                            + (i >= CascadeSearchBench.QUERIES.length ? " " + i : "");
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
                for (int from = 0; from < n; from += CascadeSearchBench.CASCADE_CHUNK) {
                    List<IndexedClip> cs = CascadeSearchBench.clips(from,
                            Math.min(CascadeSearchBench.CASCADE_CHUNK, n - from), d, 3);
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
                    Set<String> exact = exactTop(vectors, q, 10);
                    for (IndexedClip c : solr.candidates(q, 10, topN)) if (exact.contains(c.clipId())) hitS++;
                    for (IndexedClip c : local.candidates(q, 10, topN)) if (exact.contains(c.clipId())) hitL++;
                }
                return new Result(localBuild, n, shards, replicas, address, build, topN, topR, queries,
                        ServerMetrics.percentile(latL, 0.5), ServerMetrics.percentile(latL, 0.99),
                        queries / (busyL / 1e9), knnL,
                        ServerMetrics.percentile(latS, 0.5), ServerMetrics.percentile(latS, 0.99),
                        queries / (busyS / 1e9), knnS, rq, hitS / (10.0 * rq), hitL / (10.0 * rq));
            }
        }
    }

    /** Ids ("c" + row) of the k vectors with the highest dot product with q. */
    private static Set<String> exactTop(float[][] vectors, float[] q, int k) {
        PriorityQueue<double[]> heap = new PriorityQueue<>(Comparator.comparingDouble(a -> a[0]));
        for (int j = 0; j < vectors.length; j++) {
            double dot = 0;
            for (int i = 0; i < q.length; i++) dot += q[i] * vectors[j][i];
            heap.add(new double[] {dot, j});
            if (heap.size() > k) heap.poll();
        }
        Set<String> out = new HashSet<>();
        for (double[] e : heap) out.add("c" + (int) e[1]);
        return out;
    }
}
