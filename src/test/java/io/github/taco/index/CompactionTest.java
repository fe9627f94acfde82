package io.github.taco.index;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.data.Clip;
import io.github.taco.data.Split;
import io.github.taco.features.FeatureStore;
import io.github.taco.io.Float16;
import io.github.taco.model.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link VideoIndex#compact()}: reclaiming the frame store's dead space without rebuilding the HNSW graph. */
class CompactionTest {
    @TempDir Path tmp;

    /** A clip of 1–6 random frames; its s1 vector is the first frame. */
    static IndexedClip clip(String id, String video, int d, Random r) {
        int m = 1 + r.nextInt(6);
        float[] x = new float[m * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] times = new float[m];
        for (int k = 0; k < m; k++) times[k] = k + 0.5f;
        return new IndexedClip(id, video, 0, m, "clip " + id, times, Arrays.copyOf(x, d), m, x);
    }

    static IndexMeta meta(int d, String encoding) {
        IndexMeta m = VideoIndexTest.meta(d, "dot");
        m.frameEncoding = FrameStore.Encoding.parse(encoding);
        return m;
    }

    /** Every clip's vectors as read back, by clip id. */
    static Map<String, FrameStore.Record> records(VideoIndex index) throws IOException {
        Map<String, FrameStore.Record> out = new HashMap<>();
        for (VideoIndex.ClipRef c : index.clips()) out.put(c.clipId(), index.vectors(c));
        return out;
    }

    static void assertSameRecords(Map<String, FrameStore.Record> expected, Map<String, FrameStore.Record> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (var e : expected.entrySet()) {
            FrameStore.Record a = actual.get(e.getKey());
            assertEquals(e.getValue().frames(), a.frames(), e.getKey());
            // no delta: compares the float bits, so this is bit-identical
            assertArrayEquals(e.getValue().times(), a.times(), e.getKey());
            assertArrayEquals(e.getValue().vector(), a.vector(), e.getKey());
            assertArrayEquals(e.getValue().x(), a.x(), e.getKey());
        }
    }

    static long liveBytes(VideoIndex index) throws IOException {
        long fp16 = index.frameEncoding() == FrameStore.Encoding.FLOAT16 ? 2 : 4;
        long sum = FrameStore.HEADER_BYTES;
        for (VideoIndex.ClipRef c : index.clips()) sum += 4L + 4L * c.frames() + 4L * index.meta().dim
                + fp16 * c.frames() * index.meta().dim;
        return sum;
    }

    @Test
    void compactionShrinksToLiveRecordsAndKeepsVectorsAndSearchResults() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 5, 2, 31);
        Path dir = tmp.resolve("index");
        try (Checkpoint ck = Checkpoint.open(TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 7))) {
            TestIndexes.build(dir, ck, data, FrameStore.Encoding.FLOAT16);
            TestIndexes.writeFeatures(data.resolve("features"), "fresh", 30, TestIndexes.FEATURE_DIM, new Random(9));
            List<Clip> fresh = List.of(
                    new Clip("fresh#0", "fresh", 2, 9, List.of("slice the fresh bread"), Split.VALIDATION),
                    new Clip("fresh#1", "fresh", 10, 20, List.of("toast the bread"), Split.VALIDATION));
            try (FeatureStore fs = TestIndexes.features(data)) {
                Indexer.build(dir, ck, fs, null, fresh, Indexer.Options.defaults(), null);
                Indexer.build(dir, ck, fs, null, fresh.subList(0, 1), Indexer.Options.defaults(), null); // replace
                Indexer.build(dir, ck, fs, null, TestIndexes.clips(data).subList(2, 5), Indexer.Options.defaults(),
                        null); // replace
            }
            CascadeSearcher.Options all = new CascadeSearcher.Options(11, 11, 11, 11);
            CascadeSearcher.Options hnsw = new CascadeSearcher.Options(3, 5, 2, 5);
            String[] queries = {"stir the sauce", "toast the bread", "cut the tomatoes"};
            try (VideoIndex index = VideoIndex.open(dir, false)) {
                assertEquals(5, index.deleteVideos(List.of("v0", "v1")) + index.deleteClips(List.of("fresh#1")));
                assertEquals(7, index.size());
                VideoIndex.Stats before = index.stats();
                assertTrue(before.deadFrameBytes() > 0);
                assertEquals(FrameStore.FILE, before.frameFile());
                Map<String, FrameStore.Record> recs = records(index);
                VideoIndex.ClipRef stale = index.clip("v3#1").orElseThrow();
                CascadeSearcher s = new CascadeSearcher(index, ck);
                List<List<SearchHit>> results = new ArrayList<>();
                for (String q : queries) {
                    results.add(s.search(q, all).hits());
                    results.add(s.search(q, hnsw).hits());
                }

                VideoIndex.CompactionReport rep;
                try (VideoIndex.Hold hold = index.hold()) { // a search in flight across the compaction
                    rep = index.compact();
                    assertEquals(2, index.openFrameFiles(), "the old file stays open while a search holds the index");
                    // a ref read before the compaction still reads its own (old, still open) file
                    assertArrayEquals(recs.get("v3#1").x(), index.vectors(stale).x());
                }
                assertEquals(1, index.openFrameFiles(), "the last hold closes the superseded file");

                assertEquals(7, rep.clips());
                assertEquals("frames-1.bin", rep.frameFile());
                assertEquals(before.frameStoreBytes(), rep.bytesBefore());
                assertEquals(liveBytes(index), rep.bytesAfter());
                assertEquals(before.frameStoreBytes() - before.deadFrameBytes(), rep.bytesAfter());
                assertEquals(rep.bytesAfter(), Files.size(dir.resolve("frames-1.bin")),
                        "header + live records, nothing else");
                assertFalse(Files.exists(dir.resolve(FrameStore.FILE)), "the old frame file is deleted");
                VideoIndex.Stats after = index.stats();
                assertEquals(0, after.deadFrameBytes());
                assertEquals("frames-1.bin", after.frameFile());
                assertTrue(index.clips().stream().allMatch(c -> c.frameFile().equals("frames-1.bin")));
                assertSameRecords(recs, records(index));
                assertThrows(IllegalArgumentException.class, () -> index.vectors(stale),
                        "a stale ref outside any hold is refused");
                assertNotEquals(stale.offset(), index.clip("v3#1").orElseThrow().offset(), "the records moved");
                int i = 0;
                for (String q : queries) {
                    assertSameHits(results.get(i++), s.search(q, all).hits());
                    assertSameHits(results.get(i++), s.search(q, hnsw).hits());
                }
            }
            // appends go to the new file, and a second compaction moves on to the next generation
            try (FeatureStore fs = TestIndexes.features(data)) {
                Indexer.build(dir, ck, fs, null, fresh, Indexer.Options.defaults(), null);
            }
            try (VideoIndex index = VideoIndex.open(dir, false)) {
                assertEquals(8, index.size());
                assertEquals("frames-1.bin", index.stats().frameFile());
                assertTrue(index.stats().deadFrameBytes() > 0, "fresh#0 was replaced in frames-1.bin");
                Map<String, FrameStore.Record> recs = records(index);
                VideoIndex.CompactionReport rep = index.compact();
                assertEquals("frames-2.bin", rep.frameFile());
                assertFalse(Files.exists(dir.resolve("frames-1.bin")));
                assertEquals(liveBytes(index), Files.size(dir.resolve("frames-2.bin")));
                assertSameRecords(recs, records(index));
            }
            try (VideoIndex index = VideoIndex.open(dir, true)) { // the commit names the new file
                assertEquals("frames-2.bin", index.stats().frameFile());
                assertEquals(0, index.stats().deadFrameBytes());
                assertEquals(8, index.size());
                assertTrue(index.clips().stream().map(VideoIndex.ClipRef::clipId).collect(Collectors.toSet())
                        .contains("fresh#1"));
            }
        }
    }

    private static void assertSameHits(List<SearchHit> expected, List<SearchHit> actual) {
        assertEquals(expected.stream().map(SearchHit::clipId).toList(),
                actual.stream().map(SearchHit::clipId).toList());
        for (int i = 0; i < expected.size(); i++) {
            SearchHit e = expected.get(i), a = actual.get(i);
            assertEquals(e.score(), a.score(), 0.0, e.clipId());
            assertEquals(e.s2(), a.s2(), 0.0, e.clipId());
            assertEquals(e.s3(), a.s3(), e.clipId());
        }
    }

    @Test
    void readOnlyInstanceSwitchesToTheCompactedFileOnRefresh() throws Exception {
        int d = 8;
        Random r = new Random(5);
        Path dir = tmp.resolve("shared");
        try (VideoIndex writer = VideoIndex.create(dir, meta(d, "float16"))) {
            List<IndexedClip> clips = new ArrayList<>();
            for (int i = 0; i < 40; i++) clips.add(clip("c" + i, "v" + (i % 8), d, r));
            writer.add(clips);
            writer.add(clips.subList(0, 10)); // replaced: dead records
            writer.deleteVideos(List.of("v7"));
            try (VideoIndex reader = VideoIndex.open(dir, true)) {
                Map<String, FrameStore.Record> recs = records(reader);
                assertEquals(35, recs.size());
                assertEquals(FrameStore.FILE, reader.stats().frameFile());

                writer.compact();
                assertFalse(Files.exists(dir.resolve(FrameStore.FILE)));
                // not refreshed yet: still the old snapshot, read from the old (deleted, still open) file
                assertEquals(FrameStore.FILE, reader.stats().frameFile());
                assertSameRecords(recs, records(reader));

                reader.refresh();
                assertEquals(1, reader.openFrameFiles(),
                        "a server closes the old frame file after its refresh (disk freed)");
                assertEquals("frames-1.bin", reader.stats().frameFile());
                assertEquals(0, reader.stats().deadFrameBytes());
                assertSameRecords(recs, records(reader));
                Map<String, Long> writerOffsets = writer.clips().stream()
                        .collect(Collectors.toMap(VideoIndex.ClipRef::clipId, VideoIndex.ClipRef::offset));
                for (VideoIndex.ClipRef c : reader.clips()) {
                    assertEquals("frames-1.bin", c.frameFile());
                    assertEquals(writerOffsets.get(c.clipId()), c.offset(), c.clipId());
                }

                IndexedClip late = clip("late", "v9", d, r);
                writer.add(List.of(late));
                writer.add(List.of(clips.get(12))); // a replacement, so there is dead space to compact
                writer.compact();
                reader.refresh();
                assertEquals("frames-2.bin", reader.stats().frameFile());
                assertEquals(36, reader.size());
                FrameStore.Record lr = reader.vectors(reader.clip("late").orElseThrow());
                assertArrayEquals(half(late.x()), lr.x());
                assertArrayEquals(late.vector(), lr.vector());
            }
        }
    }

    static float[] half(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Float16.toFloat(Float16.fromFloat(v[i]));
        return out;
    }

    @Test
    void searchesDuringCompactionReadTheRightRecords() throws Exception {
        int d = 8;
        Random r = new Random(6);
        Path dir = tmp.resolve("busy");
        try (VideoIndex index = VideoIndex.create(dir, meta(d, "float32"))) {
            List<IndexedClip> clips = new ArrayList<>();
            for (int i = 0; i < 60; i++) clips.add(clip("c" + i, "v" + i, d, r));
            index.add(clips);
            Map<String, IndexedClip> byId = clips.stream().collect(Collectors.toMap(IndexedClip::clipId, c -> c));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger reads = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Random qr = new Random(100 + t);
                Thread th = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            try (VideoIndex.Hold hold = index.hold()) { // as a search does: look-up to last read
                                for (VideoIndex.ClipRef c : index.nearest(VideoIndexTest.random(qr, d, false), 5, 20)) {
                                    FrameStore.Record rec = index.vectors(c);
                                    assertArrayEquals(byId.get(c.clipId()).x(), rec.x(),
                                            c.clipId() + " in " + c.frameFile());
                                    reads.incrementAndGet();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                th.start();
                threads.add(th);
            }
            for (int round = 0; round < 4; round++) {
                index.add(clips.subList(round * 10, round * 10 + 10)); // same content, new records: dead space
                index.compact();
            }
            stop.set(true);
            for (Thread th : threads) th.join();
            assertTrue(errors.isEmpty(), () -> errors.peek().toString());
            assertTrue(reads.get() > 0);
            assertEquals("frames-4.bin", index.stats().frameFile());
            assertEquals(1, index.openFrameFiles(), "every superseded frame file was closed once its searches ended");
        }
    }

    /** Stands for the process dying: not an IOException or RuntimeException, so compact() runs no cleanup. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String phase) {
            super("simulated crash at " + phase);
        }
    }

    /** The index's visible state: every ref (with offset and frame file) and the frame file's bytes. */
    static List<String> state(VideoIndex index) throws IOException {
        List<String> out = new ArrayList<>();
        for (VideoIndex.ClipRef c : index.clips()) out.add(c.toString());
        out.add(index.stats().frameFile() + " "
                + HexFormat.of().formatHex(Files.readAllBytes(index.dir().resolve(index.stats().frameFile()))));
        return out;
    }

    @Test
    void failureOrCrashBeforeCommitLeavesTheIndexAsItWasAndOrphansAreDeleted() throws Exception {
        int d = 8;
        Random r = new Random(9);
        Path dir = tmp.resolve("crash");
        List<IndexedClip> clips = new ArrayList<>();
        for (int i = 0; i < 20; i++) clips.add(clip("c" + i, "v" + (i % 5), d, r));
        List<String> before;
        Map<String, FrameStore.Record> recs;
        try (VideoIndex index = VideoIndex.create(dir, meta(d, "float16"))) {
            index.add(clips);
            index.deleteVideos(List.of("v0"));
            before = state(index);
            recs = records(index);
            // a handled failure: the writer rolls back and the new file is removed at once
            index.compactionHook(phase -> {
                if (phase.equals("before-commit")) throw new IOException("disk full (injected)");
            });
            IOException e = assertThrows(IOException.class, index::compact);
            assertTrue(e.getMessage().contains("injected"));
            assertFalse(Files.exists(dir.resolve("frames-1.bin")));
            assertThrows(IllegalStateException.class, () -> index.add(clips.subList(0, 1)),
                    "closed for writing after a failed write");
            assertEquals(before, state(index));
        }
        try (VideoIndex index = VideoIndex.open(dir, false)) {
            assertEquals(before, state(index));
            // a crash after the new file is written and synced, before the commit
            index.compactionHook(phase -> {
                if (phase.equals("before-commit")) throw new SimulatedCrash(phase);
            });
            assertThrows(SimulatedCrash.class, index::compact);
        }
        assertTrue(Files.exists(dir.resolve("frames-1.bin")), "the crash left the new file behind");
        try (VideoIndex index = VideoIndex.open(dir, true)) { // readers ignore the orphan and never delete
            assertEquals(before, state(index));
            assertSameRecords(recs, records(index));
        }
        assertTrue(Files.exists(dir.resolve("frames-1.bin")));
        try (VideoIndex index = VideoIndex.open(dir, false)) {
            assertFalse(Files.exists(dir.resolve("frames-1.bin")), "a writable open deletes the orphan");
            assertEquals(before, state(index));
            // a crash after the commit, before the old file is deleted: the new index is complete
            index.compactionHook(phase -> {
                if (phase.equals("after-commit")) throw new SimulatedCrash(phase);
            });
            assertThrows(SimulatedCrash.class, index::compact);
        }
        assertTrue(Files.exists(dir.resolve(FrameStore.FILE)));
        try (VideoIndex index = VideoIndex.open(dir, true)) {
            assertEquals("frames-1.bin", index.stats().frameFile());
            assertSameRecords(recs, records(index));
        }
        try (VideoIndex index = VideoIndex.open(dir, false)) {
            assertFalse(Files.exists(dir.resolve(FrameStore.FILE)), "the superseded file is an orphan now");
            assertSameRecords(recs, records(index));
            assertEquals(0, index.stats().deadFrameBytes());
        }
    }
}
