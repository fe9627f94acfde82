package io.github.taco.index;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.data.Clip;
import io.github.taco.data.Split;
import io.github.taco.features.FeatureStore;
import io.github.taco.io.Float16;
import io.github.taco.model.Checkpoint;
import io.github.taco.model.Similarity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoIndexTest {
    @TempDir Path tmp;

    static IndexMeta meta(int dim, String similarity) {
        IndexMeta m = new IndexMeta();
        m.checkpointPath = "none";
        m.checkpointSha256 = "0";
        m.dim = dim;
        m.similarity = Similarity.parse(similarity);
        m.temperature = 0.05;
        m.frameEncoding = FrameStore.Encoding.FLOAT32;
        return m;
    }

    /** A clip whose single frame is its vector (enough for the vector index). */
    static IndexedClip vectorClip(String id, float[] v) {
        return new IndexedClip(id, "vid-" + id, 0, 1, "clip " + id, new float[] {0}, v, 1, v.clone());
    }

    static float[] random(Random r, int d, boolean unit) {
        float[] v = new float[d];
        double n = 0;
        for (int i = 0; i < d; i++) {
            v[i] = (float) r.nextGaussian();
            n += v[i] * v[i];
        }
        if (unit) for (int i = 0; i < d; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    @Test
    void hnswRecallAt10AgainstExactSearch() throws Exception {
        int n = 3000, d = 32, queries = 100;
        Random r = new Random(11);
        for (String sim : new String[] {"cosine", "dot"}) {
            boolean unit = sim.equals("cosine");
            float[][] data = new float[n][];
            List<IndexedClip> clips = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                data[i] = random(r, d, unit);
                clips.add(vectorClip("c" + i, data[i]));
            }
            try (VideoIndex index = VideoIndex.create(tmp.resolve(sim), meta(d, sim))) {
                index.add(clips);
                double hit = 0;
                for (int q = 0; q < queries; q++) {
                    float[] query = random(r, d, unit);
                    Integer[] order = new Integer[n];
                    for (int i = 0; i < n; i++) order[i] = i;
                    double[] dots = new double[n];
                    for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) dots[i] += query[k] * data[i][k];
                    Arrays.sort(order, (a, b) -> Double.compare(dots[b], dots[a]));
                    Set<String> truth = Arrays.stream(order, 0, 10).map(i -> "c" + i).collect(Collectors.toSet());
                    for (VideoIndex.ClipRef c : index.nearest(query, 10, 100)) {
                        if (truth.contains(c.clipId())) hit++;
                    }
                }
                double recall = hit / (10.0 * queries);
                assertTrue(recall >= 0.95, sim + " recall@10 " + recall);
            }
        }
    }

    @Test
    void vectorsAbove1024DimensionsAreIndexedAndReopened() throws Exception {
        int d = 1536;
        Random r = new Random(3);
        List<IndexedClip> clips = new ArrayList<>();
        for (int i = 0; i < 50; i++) clips.add(vectorClip("c" + i, random(r, d, true)));
        try (VideoIndex index = VideoIndex.create(tmp.resolve("big"), meta(d, "cosine"))) {
            index.add(clips);
        }
        try (VideoIndex index = VideoIndex.open(tmp.resolve("big"), true)) { // read back through the SPI names
            assertEquals(50, index.size());
            for (int i : new int[] {0, 17, 49}) {
                List<VideoIndex.ClipRef> top = index.nearest(clips.get(i).vector(), 3, 50);
                assertEquals("c" + i, top.get(0).clipId());
                assertArrayEquals(clips.get(i).x(), index.vectors(top.get(0)).x(), 0f);
            }
        }
    }

    @Test
    void addAndDeleteWithoutRebuild() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 4, 2, 21);
        Path dir = tmp.resolve("index");
        try (Checkpoint ck = Checkpoint.open(TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 5))) {
            TestIndexes.build(dir, ck, data, FrameStore.Encoding.FLOAT16);
            // a new video arrives: only its clips are embedded and added
            TestIndexes.writeFeatures(data.resolve("features"), "fresh", 30, TestIndexes.FEATURE_DIM, new Random(9));
            List<Clip> fresh = List.of(
                    new Clip("fresh#0", "fresh", 2, 9, List.of("slice the fresh bread"), Split.VALIDATION),
                    new Clip("fresh#1", "fresh", 10, 20, List.of("toast the bread"), Split.VALIDATION));
            try (FeatureStore fs = TestIndexes.features(data)) {
                Indexer.Report rep = Indexer.build(dir, ck, fs, null, fresh, Indexer.Options.defaults(), null);
                assertEquals(2, rep.clipsAdded());
                assertEquals(10, rep.indexSize());
                assertEquals(0, rep.clipsReplaced());
                // re-adding the same clip replaces it (no duplicate), and says so with the dead bytes it left
                Indexer.Report again = Indexer.build(dir, ck, fs, null, fresh, Indexer.Options.defaults(), null);
                assertEquals(10, again.indexSize());
                assertEquals(0, again.clipsAdded());
                assertEquals(2, again.clipsReplaced());
                assertTrue(again.deadBytesAdded() > 0);
                assertEquals(again.deadBytesAdded(), again.stats().deadFrameBytes());
            }
            try (VideoIndex index = VideoIndex.open(dir, false)) {
                CascadeSearcher s = new CascadeSearcher(index, ck);
                VideoIndex.ClipRef f0 = index.clip("fresh#0").orElseThrow();
                assertEquals("fresh", f0.videoId());
                assertEquals(2.0, f0.start());
                assertEquals(List.of("fresh#0", "fresh#1"),
                        index.clipsOfVideo("fresh").stream().map(VideoIndex.ClipRef::clipId).toList());
                assertTrue(ids(s.search("bread", new CascadeSearcher.Options(10, 10, 3, 10))).contains("fresh#1"));

                assertEquals(2, index.deleteVideos(List.of("v0")));
                assertEquals(8, index.size());
                assertTrue(index.clip("v0#0").isEmpty());
                Set<String> after = ids(s.search("bread", new CascadeSearcher.Options(10, 10, 3, 10)));
                assertEquals(8, after.size());
                assertTrue(after.stream().noneMatch(id -> id.startsWith("v0#")), after.toString());
                assertTrue(index.stats().deadFrameBytes() > 0, "replaced and deleted records are dead space");
                assertEquals(1, index.deleteClips(List.of("fresh#1")));
            }
            try (VideoIndex index = VideoIndex.open(dir, true)) { // every change was committed
                assertEquals(7, index.size());
                assertTrue(index.clip("fresh#0").isPresent());
                assertTrue(index.clip("fresh#1").isEmpty());
                assertThrows(IllegalStateException.class, () -> index.deleteVideos(List.of("v1")));
            }
        }
    }

    @Test
    void failedOrInterruptedWritesLeaveTheCommittedIndexIntact() throws Exception {
        Random r = new Random(4);
        Path dir = tmp.resolve("atomic");
        try (VideoIndex index = VideoIndex.create(dir, meta(8, "dot"))) {
            index.add(List.of(vectorClip("a", random(r, 8, false)), vectorClip("b", random(r, 8, false))));
            // one bad clip in a batch: nothing of the batch is written
            List<IndexedClip> batch = List.of(vectorClip("c", random(r, 8, false)),
                    vectorClip("d", random(r, 9, false)));
            var e = assertThrows(IllegalArgumentException.class, () -> index.add(batch));
            assertTrue(e.getMessage().contains("clip d") && e.getMessage().contains("dimension 9"), e.getMessage());
            assertEquals(2, index.size());
            assertTrue(index.clip("c").isEmpty());
        }
        // a crash after appending frames but before the Lucene commit leaves unreferenced bytes at the end
        Files.write(dir.resolve(FrameStore.FILE), new byte[] {1, 2, 3, 4, 5, 6, 7}, StandardOpenOption.APPEND);
        try (VideoIndex index = VideoIndex.open(dir, false)) {
            assertEquals(2, index.size());
            IndexedClip e = vectorClip("e", random(r, 8, false));
            index.add(List.of(e));
            assertArrayEquals(e.x(), index.vectors(index.clip("e").orElseThrow()).x(), 0f);
            assertArrayEquals(index.vectors(index.clip("a").orElseThrow()).vector(),
                    index.vectors(index.clip("a").orElseThrow()).x(), 0f);
            assertTrue(index.stats().deadFrameBytes() >= 7);
        }
    }

    private static Set<String> ids(SearchResult r) {
        return r.hits().stream().map(SearchHit::clipId).collect(Collectors.toSet());
    }

    @Test
    void halfPrecisionRoundTripsAndRoundsToNearestEven() {
        for (int h = 0; h < 65536; h++) {
            float f = Float16.toFloat((short) h);
            if (Float.isNaN(f)) continue;
            assertEquals((short) h, Float16.fromFloat(f), "half bits " + Integer.toHexString(h));
        }
        assertEquals(1.0f, Float16.toFloat(Float16.fromFloat(1.0f)));
        assertEquals(65504f, Float16.toFloat(Float16.fromFloat(65504f)));
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat(Float16.fromFloat(70000f)));
        assertEquals(1.0f, Float16.toFloat(Float16.fromFloat(1.0f + 0x1p-11f)), "a tie rounds to the even neighbour");
        assertEquals(1.0f + 0x1p-9f, Float16.toFloat(Float16.fromFloat(1.0f + 0x1p-10f + 0x1p-11f)));
        Random r = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            float v = (float) (r.nextGaussian() * 10);
            if (Math.abs(v) < 1e-4f) continue;
            assertEquals(v, Float16.toFloat(Float16.fromFloat(v)), Math.abs(v) * 0x1p-11f * 1.0001f);
        }
    }
}
