package io.github.taco.data;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.SharedData;
import io.github.taco.features.FeatureException;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.Npy;
import io.github.taco.features.NpyDirectoryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingTest {
    static final int DIM = 6;
    @TempDir Path dir;
    List<Clip> clips;
    FeatureStore store;
    final FakeEncoder enc = new FakeEncoder();

    /** Value of feature (t, d): lets a test see which frame landed where. */
    static float value(int t, int d) {
        return t * 100 + d + 1;
    }

    @BeforeEach
    void writeFeaturesForRealYouCook2Videos() throws IOException {
        Dataset yc = YouCook2Reader.read(SharedData.dir().resolve("youcook2"));
        clips = yc.clips(Split.TRAIN).subList(0, 40);
        for (String vid : new HashSet<>(clips.stream().map(Clip::videoId).toList())) {
            int frames = (int) Math.ceil(yc.durations().get(vid));
            float[] a = new float[frames * DIM];
            for (int t = 0; t < frames; t++) {
                for (int d = 0; d < DIM; d++) {
                    a[t * DIM + d] = value(t, d);
                }
            }
            Npy.writeFloat32(dir.resolve(vid + ".npy"), frames, DIM, a);
        }
        store = new NpyDirectoryStore(dir, 1.0, 0);
    }

    @Test
    void batchHasSlicedFramesPaddingAndMasks() throws IOException {
        List<Clip> some = clips.subList(0, 3); // GLd3aX16zBg [90,102], [114,127], [132,138]
        Batch b = new BatchBuilder(store, enc, 48, 12).build(some, new Random(1));
        assertEquals(3, b.size());
        assertEquals(48, b.maxFrames());
        assertEquals(DIM, b.featureDim());
        assertEquals(List.of("GLd3aX16zBg#0", "GLd3aX16zBg#1", "GLd3aX16zBg#2"), b.videoIds());
        // clip 0: frames 90..102 = 13 frames
        for (int i = 0; i < 48; i++) {
            assertEquals(i < 13 ? 1f : 0f, b.frameMask()[i]);
            assertEquals(i < 13 ? value(90 + i, 2) : 0f, b.features()[i * DIM + 2]);
        }
        // clip 2: frames 132..138 = 7
        assertEquals(7, (int) sum(b.frameMask(), 2 * 48, 48));
        // tokens: "[CLS] spread margarine on two slices of white bread [SEP]" = 10 of 12
        assertEquals(FakeEncoder.CLS, b.tokenIds()[0]);
        assertEquals(FakeEncoder.SEP, b.tokenIds()[9]);
        assertEquals(0, b.tokenIds()[10]);
        assertEquals(10, (int) sum(b.tokenMask(), 0, 12));
        for (int r = 0; r < 3; r++) {
            assertEquals(1f, sum(b.tokenWeights(), r * 12, 12), 1e-5);
        }
        assertEquals(0f, b.tokenWeights()[3]); // "on": not of interest
    }

    static float sum(float[] a, int off, int n) {
        float s = 0;
        for (int i = off; i < off + n; i++) {
            s += a[i];
        }
        return s;
    }

    @Test
    void longClipsAreThinnedAndLongCaptionsKeepSep() throws IOException {
        Clip longClip = new Clip("x#0", clips.get(0).videoId(), 0, 200, List.of("alpha beta gamma delta epsilon zeta"),
                Split.TRAIN);
        Batch b = new BatchBuilder(store, enc, 8, 5).build(List.of(longClip), new Random(0));
        assertEquals(8f, sum(b.frameMask(), 0, 8));
        assertEquals(value(12, 0), b.features()[0]); // centre of the first of 8 bins of 201 frames
        assertArrayEquals(new int[] {FakeEncoder.CLS, enc.id("alpha"), enc.id("beta"), enc.id("gamma"),
                FakeEncoder.SEP}, b.tokenIds());
        assertEquals(1f, sum(b.tokenWeights(), 0, 5), 1e-6);
        assertEquals(1f / 3, b.tokenWeights()[1], 1e-6);
        assertEquals(0f, b.tokenWeights()[4]);
    }

    @Test
    void trimPaddingShrinksToLongest() throws IOException {
        Batch b = new BatchBuilder(store, enc, 48, 30, true, MissingPolicy.FAIL)
                .build(clips.subList(1, 3), new Random(0));
        assertEquals(14, b.maxFrames()); // [114,127]
        assertTrue(b.maxTokens() < 30);
    }

    @Test
    void captionChoiceFollowsTheSeed() throws IOException {
        List<String> caps = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            caps.add("caption number" + i);
        }
        Clip multi = Clip.wholeVideo("m#0", clips.get(0).videoId(), caps, Split.TRAIN);
        BatchBuilder bb = new BatchBuilder(store, enc, 4, 6);
        Set<Integer> chosen = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            int a = bb.build(List.of(multi), new Random(seed)).tokenIds()[2];
            assertEquals(a, bb.build(List.of(multi), new Random(seed)).tokenIds()[2]);
            chosen.add(a);
        }
        assertTrue(chosen.size() > 3, "seeds should pick different captions: " + chosen);
    }

    @Test
    void missingFeaturesSkipOrFail() throws IOException {
        Files.delete(dir.resolve(clips.get(0).videoId() + ".npy"));
        long lost = clips.stream().filter(c -> c.videoId().equals(clips.get(0).videoId())).count();
        MissingFeatures m = MissingFeatures.filter(clips, store, MissingPolicy.SKIP);
        assertEquals(lost, m.skippedClips());
        assertEquals(List.of(clips.get(0).videoId()), m.missingVideos());
        assertEquals(clips.size() - lost, m.kept().size());
        assertTrue(m.toString().contains(clips.get(0).videoId()));
        FeatureException e = assertThrows(FeatureException.class,
                () -> MissingFeatures.filter(clips, store, MissingPolicy.FAIL));
        assertTrue(e.getMessage().contains(clips.get(0).videoId()));
        // at load time
        BatchBuilder skip = new BatchBuilder(store, enc, 8, 8, false, MissingPolicy.SKIP);
        Batch b = skip.build(clips.subList(0, (int) lost + 2), new Random(0));
        assertEquals(2, b.size());
        assertEquals(lost, skip.skippedClips());
        FeatureException f = assertThrows(FeatureException.class,
                () -> new BatchBuilder(store, enc, 8, 8).build(clips, new Random(0)));
        assertEquals(clips.get(0).videoId(), f.videoId());
    }

    @Test
    void samplerIsSeededAndEpochsArePermutations() {
        EpochBatchSampler s = new EpochBatchSampler(clips, 16, 7, true);
        assertEquals(2, s.batchesPerEpoch());
        List<BatchPlan> e0 = s.epoch(0);
        assertEquals(e0, new EpochBatchSampler(clips, 16, 7, true).epoch(0));
        assertNotEquals(e0, s.epoch(1));
        assertNotEquals(e0, new EpochBatchSampler(clips, 16, 8, true).epoch(0));
        Set<String> seen = new HashSet<>();
        e0.forEach(p -> p.clips().forEach(c -> assertTrue(seen.add(c.clipId()))));
        assertEquals(32, seen.size());
        assertEquals(3, new EpochBatchSampler(clips, 16, 7, false).batchesPerEpoch());
        var it = s.iterator(3);
        int n = 0;
        while (it.hasNext()) {
            BatchPlan p = it.next();
            assertEquals(n / 2, p.epoch());
            n++;
        }
        assertEquals(6, n);
    }

    @Test
    void prefetchLoaderMatchesSequentialBuild() throws Exception {
        LoaderConfig cfg = LoaderConfig.defaults(8, 3).withEpochs(2).withLimits(16, 12);
        EpochBatchSampler s = new EpochBatchSampler(clips, 8, 3, true);
        BatchBuilder bb = new BatchBuilder(store, enc, 16, 12);
        List<Batch> expected = new ArrayList<>();
        s.iterator(2).forEachRemaining(p -> {
            try {
                expected.add(bb.build(p.clips(), new Random(p.seed())));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        try (PrefetchLoader l = DataLoaders.open(clips, store, enc, cfg)) {
            int i = 0;
            while (l.hasNext()) {
                Batch b = l.next();
                assertEquals(expected.get(i).videoIds(), b.videoIds());
                assertArrayEquals(expected.get(i).features(), b.features());
                assertArrayEquals(expected.get(i).tokenIds(), b.tokenIds());
                i++;
            }
            assertEquals(10, i);
            assertEquals(1, l.lastPlan().epoch());
        }
    }

    @Test
    void prefetchLoaderPropagatesErrorsAndStopsOnClose() throws Exception {
        String broken = clips.get(20).videoId();
        Files.write(dir.resolve(broken + ".npy"), new byte[] {1, 2, 3});
        List<Clip> bad = List.of(clips.get(0), clips.get(20));
        EpochBatchSampler s = new EpochBatchSampler(bad, 1, 0, true);
        try (PrefetchLoader l = new PrefetchLoader(s.iterator(1), new BatchBuilder(store, enc, 8, 8), 2)) {
            Throwable err = null;
            for (int i = 0; i < 2 && err == null; i++) {
                try {
                    l.next();
                } catch (PrefetchLoader.LoaderException e) {
                    err = e;
                }
            }
            assertNotNull(err);
            assertInstanceOf(FeatureException.class, err.getCause());
            assertTrue(err.getMessage().contains(broken), err.getMessage());
        }
        // endless loader, never consumed: the worker blocks on the full queue until close(). It takes a
        // plan before building each batch: the third plan is taken once the two queued batches fill the queue.
        Iterator<BatchPlan> plans = new EpochBatchSampler(clips.subList(1, 5), 2, 0, true).iterator(0);
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch queueFull = new CountDownLatch(3);
        Iterator<BatchPlan> counted = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return plans.hasNext();
            }

            @Override
            public BatchPlan next() {
                taken.incrementAndGet();
                queueFull.countDown();
                return plans.next();
            }
        };
        PrefetchLoader endless = new PrefetchLoader(counted, new BatchBuilder(store, enc, 8, 8), 2);
        assertTrue(queueFull.await(60, TimeUnit.SECONDS), "the worker took " + taken.get() + " plans, not 3");
        assertTrue(endless.isWorkerAlive());
        endless.close();
        assertFalse(endless.isWorkerAlive());
        assertEquals(3, taken.get(), "the full queue held the worker: two batches queued, the third waiting for room");
    }
}
