package io.github.taco.index.solr;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.cli.TacoCli;
import io.github.taco.features.FeatureStore;
import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.FrameStore;
import io.github.taco.index.IndexMeta;
import io.github.taco.index.Indexer;
import io.github.taco.index.SearchHit;
import io.github.taco.index.SearchResult;
import io.github.taco.index.TestIndexes;
import io.github.taco.index.VideoIndex;
import io.github.taco.model.Checkpoint;
import io.github.taco.serve.SearchServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The SolrCloud backend against the local index, on a real cluster: 2 Solr nodes and a collection of
 * 2 shards × 2 replicas (each node holds one replica of each shard).
 */
class SolrClipIndexTest {
    static final int SHARDS = 2;
    static final int REPLICAS = 2;
    @TempDir static Path tmp;
    static SolrTestCluster cluster;
    static Checkpoint checkpoint;
    static Path data;
    static VideoIndex local;
    static SolrClipIndex solr;
    static List<String> queries;

    @BeforeAll
    static void startClusterAndIndexBoth() throws Exception {
        long t0 = System.nanoTime();
        cluster = SolrTestCluster.start(Path.of(System.getProperty("taco.solr.dir", tmp.resolve("solr").toString())),
                2);
        System.out.printf("cluster of 2 nodes up in %.1f s: zk %s, nodes %s%n", (System.nanoTime() - t0) / 1e9,
                cluster.zkAddress(), cluster.nodeUrls());
        checkpoint = Checkpoint.open(TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 11));
        data = TestIndexes.data(tmp.resolve("data"), 24, 5, 5);
        TestIndexes.build(tmp.resolve("local"), checkpoint, data, FrameStore.Encoding.FLOAT16);
        local = VideoIndex.open(tmp.resolve("local"), true);
        solr = create("clips");
        queries = queries(50);
        System.out.printf("both indexes built (%d clips) %.1f s after start%n", local.size(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** A new collection holding every clip of the test data. */
    static SolrClipIndex create(String collection) throws Exception {
        Indexer.Options o = new Indexer.Options(8, 40, FrameStore.Encoding.FLOAT16, 16, 100);
        try (FeatureStore fs = TestIndexes.features(data)) {
            SolrClipIndex idx = SolrClipIndex.openOrCreate(
                    new SolrClipIndex.Connection(cluster.zkAddress(), collection),
                    Indexer.newMeta(checkpoint, fs, null, o), SHARDS, REPLICAS);
            Indexer.add(idx, checkpoint, fs, TestIndexes.clips(data), o, null);
            return idx;
        }
    }

    /** The captions themselves, then random two- and three-word mixes of their words. */
    static List<String> queries(int n) {
        List<String> q = new ArrayList<>(List.of(TestIndexes.CAPTIONS));
        Random r = new Random(3);
        while (q.size() < n) {
            String[] a = TestIndexes.CAPTIONS[r.nextInt(TestIndexes.CAPTIONS.length)].split(" ");
            String[] b = TestIndexes.CAPTIONS[r.nextInt(TestIndexes.CAPTIONS.length)].split(" ");
            q.add(a[r.nextInt(a.length)] + " " + b[r.nextInt(b.length)] + (r.nextBoolean() ? " " + a[0] : ""));
        }
        return q;
    }

    @AfterAll
    static void stop() throws Exception {
        if (solr != null) solr.close();
        if (local != null) local.close();
        if (checkpoint != null) checkpoint.close();
        if (cluster != null) cluster.close();
    }

    /** N covers the index, so both first stages return every clip and the rankings must agree. */
    static CascadeSearcher.Options all() throws Exception {
        int n = local.size();
        return new CascadeSearcher.Options(10, n, 10, n, CascadeSearcher.Order.CASCADE);
    }

    static void assertSameTop10(CascadeSearcher a, CascadeSearcher b, String query) throws Exception {
        SearchResult ra = a.search(query, all());
        SearchResult rb = b.search(query, all());
        assertEquals(10, ra.hits().size(), query);
        assertEquals(ra.candidates(), rb.candidates(), query + ": candidates");
        for (int i = 0; i < 10; i++) {
            SearchHit ha = ra.hits().get(i);
            SearchHit hb = rb.hits().get(i);
            assertEquals(ha.clipId(), hb.clipId(), query + ": rank " + (i + 1));
            // same float16 frames and float32 s1 vectors on both sides: only summation order may differ
            assertEquals(ha.score(), hb.score(), 1e-4 * Math.max(1, Math.abs(ha.score())),
                    query + ": score at rank " + (i + 1));
            assertEquals(ha.s1(), hb.s1(), 1e-5, query + ": s1 at rank " + (i + 1));
        }
    }

    @Test
    void sameTop10RankingAndScoresAsTheLocalIndexFor50Queries() throws Exception {
        assertEquals(local.size(), solr.size());
        assertEquals(120, solr.size());
        CascadeSearcher l = new CascadeSearcher(local, checkpoint);
        CascadeSearcher s = new CascadeSearcher(solr, checkpoint);
        for (String q : queries) {
            assertSameTop10(l, s, q);
        }
    }

    @Test
    void knnFirstStageFindsTheExactTopCandidates() throws Exception {
        // N below the index size: Solr's per-shard HNSW + merge against an exhaustive s1 ranking
        CascadeSearcher s = new CascadeSearcher(solr, checkpoint);
        CascadeSearcher l = new CascadeSearcher(local, checkpoint);
        int found = 0;
        int total = 0;
        for (String q : queries.subList(0, 20)) {
            List<String> exact = l.search(q,
                    new CascadeSearcher.Options(10, local.size(), 0, local.size(), CascadeSearcher.Order.S1))
                    .hits().stream().map(SearchHit::clipId).toList();
            List<String> knn = s.search(q, new CascadeSearcher.Options(10, 10, 0, 40, CascadeSearcher.Order.S1))
                    .hits().stream().map(SearchHit::clipId).toList();
            for (String id : knn) if (exact.contains(id)) found++;
            total += exact.size();
        }
        double recall = found / (double) total;
        System.out.printf("Solr kNN recall@10 vs exact s1, 20 queries: %.3f%n", recall);
        assertTrue(recall >= 0.95, "recall@10 " + recall);
    }

    @Test
    void aStoppedNodeStillAnswersFromTheReplicas() throws Exception {
        CascadeSearcher l = new CascadeSearcher(local, checkpoint);
        try (SolrClipIndex viaZk = SolrClipIndex.open(new SolrClipIndex.Connection(cluster.zkAddress(), "clips"))) {
            CascadeSearcher s = new CascadeSearcher(viaZk, checkpoint);
            assertSameTop10(l, s, queries.get(0));
            cluster.stopNode(1);
            try {
                for (String q : queries.subList(0, 10)) {
                    assertSameTop10(l, s, q);
                }
                assertEquals(120, viaZk.size());
            } finally {
                cluster.startNode(1);
            }
        }
    }

    @Test
    void deletesAreVisibleAfterCommitAndAddsReplaceById() throws Exception {
        try (SolrClipIndex idx = create("deletes")) {
            assertEquals(120, idx.size());
            assertEquals(5, idx.clipsOfVideo("v3").size());
            assertEquals(5, idx.deleteVideos(List.of("v3", "no-such-video")));
            assertEquals(115, idx.size());
            assertTrue(idx.clipsOfVideo("v3").isEmpty());
            String clip = idx.clipsOfVideo("v4").get(0).clipId();
            assertTrue(idx.clip(clip).isPresent());
            assertEquals(1, idx.deleteClips(List.of(clip)));
            assertTrue(idx.clip(clip).isEmpty());
            CascadeSearcher s = new CascadeSearcher(idx, checkpoint);
            for (SearchHit h : s.search("stir the sauce", new CascadeSearcher.Options(10, 200, 10, 200)).hits()) {
                assertNotEquals("v3", h.videoId());
                assertNotEquals(clip, h.clipId());
            }
            // adding the same clips again replaces them by id: no duplicates
            try (FeatureStore fs = TestIndexes.features(data)) {
                Indexer.Added again = Indexer.add(idx, checkpoint, fs, TestIndexes.clips(data),
                        new Indexer.Options(8, 200, FrameStore.Encoding.FLOAT16, 16, 100), null);
                assertEquals(6, again.clipsAdded());
                assertEquals(114, again.clipsReplaced());
            }
            assertEquals(120, idx.size());
        }
    }

    @Test
    void aCollectionOfAnotherCheckpointIsRefused() throws Exception {
        try (Checkpoint other = Checkpoint.open(TestIndexes.checkpoint(tmp.resolve("other"), "cosine", 12));
                FeatureStore fs = TestIndexes.features(data)) {
            IndexMeta.IndexMismatchException e = assertThrows(IndexMeta.IndexMismatchException.class,
                    () -> new CascadeSearcher(solr, other));
            assertTrue(e.getMessage().contains("sha256"), e.getMessage());
            assertThrows(IndexMeta.IndexMismatchException.class, () -> Indexer.checkBelongs(solr, other, fs));
        }
    }

    @Test
    void opensByNodeUrlsAndNamesWhatIsMissing() throws Exception {
        String urls = String.join(",", cluster.nodeUrls());
        try (SolrClipIndex byUrl = SolrClipIndex.open(new SolrClipIndex.Connection(urls, "clips"))) {
            assertEquals(120, byUrl.size());
            assertEquals(checkpoint.config().hiddenSize, byUrl.meta().dim);
            var sample = byUrl.sample(10, 1);
            assertEquals(10, sample.stream().map(SolrClipIndex.SolrClip::clipId).distinct().count());
            assertTrue(sample.stream().allMatch(c -> !c.caption().isBlank() && c.frames() > 0), sample.toString());
            assertEquals(120, byUrl.sample(1000, 1).size());
        }
        IOException e = assertThrows(IOException.class,
                () -> SolrClipIndex.open(new SolrClipIndex.Connection(urls, "nope")));
        assertTrue(e.getMessage().contains("collection 'nope'") && e.getMessage().contains("does not exist"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SolrClipIndex.Connection(urls, "bad name"));
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = TacoCli.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void cliIndexesAndSearchesACollectionAndTheServerAnswersFromIt() throws Exception {
        String ann = data.resolve("youcookii_annotations_trainval.json").toString();
        Run r = run("index", "--solr", cluster.zkAddress(), "--collection", "cli", "--shards", "2", "--replicas", "1",
                "--checkpoint", checkpoint.dir().toString(), "--annotations", ann, "--features",
                data.resolve("features").toString(), "--split", "validation");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("the collection has 120 clips"), r.out());
        assertTrue(r.out().contains("calibrated on 120 of the index's captions"), r.out()); // stored in the collection

        String urls = String.join(",", cluster.nodeUrls());
        Run s = run("search", "--solr", urls, "--collection", "cli", "--checkpoint", checkpoint.dir().toString(),
                "stir the sauce", "-k", "3");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("120 clips indexed"), s.out());
        assertTrue(s.out().lines().anyMatch(l -> l.startsWith("   3  ")), s.out());
        assertFalse(s.out().contains("no calibration"), s.out());
        // a confidence
        assertTrue(s.out().lines().anyMatch(l -> l.startsWith("   1  ") && l.matches(".*\\d+%.*")), s.out());

        Path other = TestIndexes.checkpoint(tmp.resolve("other-cli"), "cosine", 13);
        Run bad = run("search", "--solr", urls, "--collection", "cli", "--checkpoint", other.toString(), "stir");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("sha256"), bad.err());
        Run both = run("search", "somewhere", "--solr", urls, "--collection", "cli", "stir");
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().contains("not both"), both.err());
        Run compact = run("index", "--solr", urls, "--collection", "cli", "--compact");
        assertEquals(2, compact.code(), compact.err());
        Run delete = run("index", "--solr", urls, "--collection", "cli", "--delete-video", "v23");
        assertEquals(0, delete.code(), delete.err());
        assertTrue(delete.out().contains("deleted 5 clips; 115 clips left"), delete.out());
        Run missing = run("search", "--solr", urls, "--collection", "nope", "stir");
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());

        try (SolrClipIndex idx = SolrClipIndex.open(new SolrClipIndex.Connection(urls, "cli"));
                SearchServer server = new SearchServer(new CascadeSearcher(idx, checkpoint),
                        SearchServer.Options.defaults()).start("127.0.0.1", 0)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            var search = http.send(HttpRequest.newBuilder(URI.create(base + "/api/search?q=stir+the+sauce&k=5"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, search.statusCode(), search.body());
            var tree = new ObjectMapper().readTree(search.body());
            assertEquals(5, tree.get("hits").size());
            assertTrue(tree.get("hits").get(0).get("confidence").isNumber(), search.body());
            assertEquals(115, tree.get("indexSize").asInt());
            var gone = http.send(HttpRequest.newBuilder(URI.create(base + "/api/videos/v23")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, gone.statusCode(), gone.body());
            var video = http.send(HttpRequest.newBuilder(URI.create(base + "/api/videos/v2")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, video.statusCode(), video.body());
            assertEquals(5, new ObjectMapper().readTree(video.body()).get("clips").size());
            var health = http.send(HttpRequest.newBuilder(URI.create(base + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(health.body().contains("Solr collection 'cli'"), health.body());
        }
    }
}
