package io.github.taco.index;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.taco.data.Clip;
import io.github.taco.data.Split;
import io.github.taco.features.FeatureException;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.features.FrameSampler;
import io.github.taco.features.VideoFeatures;
import io.github.taco.model.Checkpoint;
import io.github.taco.model.TacoModel;
import io.github.taco.text.EncodedText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CascadeSearcherTest {
    @TempDir Path tmp;

    record Exact(String clipId, double s1, double s2, double s3, double total) {}

    /** s1, s2, s3 and the total of every clip, one clip per forward pass (no padding, no index). */
    static List<Exact> exhaustive(Checkpoint ck, FeatureStore fs, List<Clip> clips, String query) throws IOException {
        TacoModel model = ck.model();
        EncodedText et = ck.text().encode(query);
        int n = et.length();
        long[] ids = new long[n];
        float[] ones = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = et.ids()[i];
            ones[i] = 1;
        }
        List<Exact> out = new ArrayList<>();
        try (NDManager m = model.weights().manager().newSubManager()) {
            NDArray mask = m.create(ones, new Shape(1, n));
            NDArray y = model.encodeText(m.create(ids, new Shape(1, n)), mask);
            NDArray w = m.create(et.weights(), new Shape(1, n));
            for (Clip c : clips) {
                VideoFeatures v = fs.load(c.videoId());
                int[] idx = FrameSampler.frameIndices(c.start(), c.end(), fs.fps(), v.frames(),
                        model.config().maxFrames, null);
                float[] f = new float[idx.length * v.dim()];
                for (int t = 0; t < idx.length; t++) System.arraycopy(v.data(), idx[t] * v.dim(), f, t * v.dim(),
                        v.dim());
                float[] fm1 = new float[idx.length];
                Arrays.fill(fm1, 1f);
                NDArray fm = m.create(fm1, new Shape(1, idx.length));
                NDArray x = model.encodeVideo(m.create(f, new Shape(1, idx.length, v.dim())), fm);
                double s1 = model.s1(model.textVectors(y), model.videoVectors(x, fm)).getFloat(0, 0);
                double s2 = model.s2(model.tokenScores(y, x, fm), w).getFloat(0, 0);
                double s3 = model.s3(y, mask, x, fm, new int[] {0}, new int[] {0}).getFloat(0);
                out.add(new Exact(c.clipId(), s1, s2, s3, s1 + 0.5 * s2 + s3));
            }
        }
        out.sort(Comparator.comparingDouble(Exact::total).reversed());
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cosine", "dot"})
    void cascadeCoveringEverythingEqualsExhaustiveRanking(String similarity) throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 6, 3, 1);
        try (Checkpoint ck = Checkpoint.open(TestIndexes.checkpoint(tmp.resolve("ckpt"), similarity, 3))) {
            TestIndexes.build(tmp.resolve("index"), ck, data, FrameStore.Encoding.FLOAT32);
            List<Clip> clips = TestIndexes.clips(data);
            try (VideoIndex index = VideoIndex.open(tmp.resolve("index"), true);
                    FeatureStore fs = TestIndexes.features(data)) {
                assertEquals(18, index.size());
                CascadeSearcher searcher = new CascadeSearcher(index, ck);
                for (String q : new String[] {"chop the onion", "stir the sauce in the pan", "boil water"}) {
                    List<Exact> exact = exhaustive(ck, fs, clips, q);
                    SearchResult r = searcher.search(q, new CascadeSearcher.Options(18, 18, 18, 100));
                    assertEquals(18, r.hits().size());
                    assertEquals(18, r.rescored());
                    for (int i = 0; i < exact.size(); i++) {
                        SearchHit h = r.hits().get(i);
                        Exact e = exact.get(i);
                        assertEquals(e.clipId(), h.clipId(), q + " rank " + (i + 1));
                        assertEquals(e.s1(), h.s1(), 1e-4 * Math.max(1, Math.abs(e.s1())), "s1 of " + h.clipId());
                        assertEquals(e.s2(), h.s2(), 1e-4 * Math.max(1, Math.abs(e.s2())), "s2 of " + h.clipId());
                        assertEquals(e.s3(), h.s3(), 1e-4 * Math.max(1, Math.abs(e.s3())), "s3 of " + h.clipId());
                        assertEquals(e.total(), h.score(), 1e-4 * Math.max(1, Math.abs(e.total())));
                    }
                }
            }
        }
    }

    @Test
    void cascadeKeepsUnrescoredBelowAndExplainsTokens() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 6, 3, 2);
        try (Checkpoint ck = Checkpoint.open(TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 4))) {
            TestIndexes.build(tmp.resolve("index"), ck, data, FrameStore.Encoding.FLOAT32);
            try (VideoIndex index = VideoIndex.open(tmp.resolve("index"), true)) {
                CascadeSearcher s = new CascadeSearcher(index, ck);
                SearchResult r = s.search("  cut the tomatoes and fry the chicken  ",
                        new CascadeSearcher.Options(12, 12, 5, 100));
                assertEquals("cut the tomatoes and fry the chicken", r.query());
                assertEquals(5, r.rescored());
                List<String> words = r.tokens().stream().map(SearchResult.QueryToken::word).toList();
                assertTrue(words.containsAll(List.of("cut", "tomatoes", "fry", "chicken")), words.toString());
                assertFalse(words.contains("the"), words.toString());
                for (int i = 0; i < r.hits().size(); i++) {
                    SearchHit h = r.hits().get(i);
                    assertEquals(i < 5, h.rescored());
                    assertEquals(i < 5, h.s3() != null);
                    if (i > 5) { // the un-rescored tail is in s1 + 0.5·s2 order
                        assertTrue(r.hits().get(i - 1).score() >= h.score());
                    }
                    if (i > 0 && i < 5) {
                        assertTrue(r.hits().get(i - 1).score() >= h.score());
                    }
                    double s2 = 0;
                    for (SearchHit.TokenMatch t : h.tokens()) {
                        int argmax = IntStream.range(0, t.perFrame().length)
                                .reduce((a, b) -> t.perFrame()[b] > t.perFrame()[a] ? b : a).getAsInt();
                        assertEquals(argmax, t.bestFrame());
                        assertEquals(t.frameTimes()[argmax], t.bestSecond(), 1e-6);
                        assertTrue(t.bestSecond() >= Math.floor(h.start()) && t.bestSecond() <= h.end() + 1,
                                t.bestSecond() + " outside " + h.start() + "-" + h.end());
                        s2 += t.weight() * t.score();
                    }
                    assertEquals(h.s2(), s2, 1e-3 * Math.max(1, Math.abs(s2)),
                            "s2 = Σ w·max over frames for " + h.clipId());
                }
            }
        }
    }

    @Test
    void float16FramesChangeScoresOnlySlightly() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 6, 3, 5);
        try (Checkpoint ck = Checkpoint.open(TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 6))) {
            TestIndexes.build(tmp.resolve("i32"), ck, data, FrameStore.Encoding.FLOAT32);
            TestIndexes.build(tmp.resolve("i16"), ck, data, FrameStore.Encoding.FLOAT16);
            long b32 = Files.size(tmp.resolve("i32").resolve(FrameStore.FILE));
            long b16 = Files.size(tmp.resolve("i16").resolve(FrameStore.FILE));
            assertTrue(b16 < 0.7 * b32, b16 + " vs " + b32);
            try (VideoIndex i32 = VideoIndex.open(tmp.resolve("i32"), true);
                    VideoIndex i16 = VideoIndex.open(tmp.resolve("i16"), true)) {
                assertEquals(FrameStore.Encoding.FLOAT16, i16.frameEncoding());
                var o = new CascadeSearcher.Options(18, 18, 18, 100);
                var a = new CascadeSearcher(i32, ck).search("fry the chicken in oil", o);
                var b = new CascadeSearcher(i16, ck).search("fry the chicken in oil", o);
                double maxS2 = 0, maxS3 = 0;
                for (SearchHit ha : a.hits()) {
                    SearchHit hb = b.hits().stream().filter(h -> h.clipId().equals(ha.clipId())).findFirst()
                            .orElseThrow();
                    maxS2 = Math.max(maxS2, Math.abs(ha.s2() - hb.s2()) / Math.max(1, Math.abs(ha.s2())));
                    maxS3 = Math.max(maxS3, Math.abs(ha.s3() - hb.s3()) / Math.max(1, Math.abs(ha.s3())));
                    assertEquals(ha.s1(), hb.s1(), 0.0, "s1 uses the float32 vector in both");
                    // cosine/τ=0.1 scores are up to 10; half precision moves them by ~1e-3 relative at most
                    assertEquals(ha.s2(), hb.s2(), 2e-3 * Math.max(1, Math.abs(ha.s2())));
                    assertEquals(ha.s3(), hb.s3(), 5e-3 * Math.max(1, Math.abs(ha.s3())));
                }
                System.out.printf(
                        "float16 frames: largest relative change s2 %.2e, s3 %.2e; frame store %d vs %d bytes%n", maxS2,
                        maxS3, b16, b32);
            }
        }
    }

    @Test
    void indexRefusesAnotherCheckpoint() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 2, 2, 7);
        Path good = TestIndexes.checkpoint(tmp.resolve("good"), "cosine", 1);
        Path other = TestIndexes.checkpoint(tmp.resolve("other"), "cosine", 2);
        try (Checkpoint ck = Checkpoint.open(good)) {
            TestIndexes.build(tmp.resolve("index"), ck, data, FrameStore.Encoding.FLOAT16);
        }
        try (Checkpoint ck = Checkpoint.open(other); VideoIndex index = VideoIndex.open(tmp.resolve("index"), true)) {
            var e = assertThrows(IndexMeta.IndexMismatchException.class, () -> new CascadeSearcher(index, ck));
            assertTrue(e.getMessage().contains(good.toAbsolutePath().normalize().toString())
                    && e.getMessage().contains("sha256") && e.getMessage().contains("rebuild"), e.getMessage());
        }
        try (Checkpoint ck = Checkpoint.open(other)) {
            var e = assertThrows(IndexMeta.IndexMismatchException.class,
                    () -> TestIndexes.build(tmp.resolve("index"), ck, data, FrameStore.Encoding.FLOAT16));
            assertTrue(e.getMessage().contains("sha256"), e.getMessage());
        }
        try (VideoIndex index = VideoIndex.open(tmp.resolve("index"), true)) {
            assertEquals(4, index.size(), "a refused write leaves the index as it was");
        }
    }

    @Test
    void badInputsNameTheProblemAndLoseNothing() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 3, 2, 8);
        try (Checkpoint ck = Checkpoint.open(TestIndexes.checkpoint(tmp.resolve("ckpt"), "dot", 1))) {
            Path idx = tmp.resolve("index");
            TestIndexes.build(idx, ck, data, FrameStore.Encoding.FLOAT16);
            // a clip whose video has no feature file: the error names it, the index keeps its 6 clips
            List<Clip> more = List.of(new Clip("ghost#0", "ghost", 0, 5, List.of("stir the soup"), Split.VALIDATION));
            try (FeatureStore fs = TestIndexes.features(data)) {
                var e = assertThrows(FeatureException.class,
                        () -> Indexer.build(idx, ck, fs, null, more, Indexer.Options.defaults(), null));
                assertTrue(e.getMessage().contains("ghost"), e.getMessage());
            }
            // features of the wrong dimension
            Path wrong = Files.createDirectories(tmp.resolve("wrong"));
            TestIndexes.writeFeatures(wrong, "v0", 10, 12, new Random(1));
            try (FeatureStore fs = FeatureStores.open(wrong, 1)) {
                var e = assertThrows(IllegalArgumentException.class, () ->
                        Indexer.build(idx, ck, fs, wrong, TestIndexes.clips(data), Indexer.Options.defaults(), null));
                assertTrue(e.getMessage().contains("12") && e.getMessage().contains("featureDim=8"), e.getMessage());
            }
            try (VideoIndex index = VideoIndex.open(idx, true)) {
                assertEquals(6, index.size());
                CascadeSearcher s = new CascadeSearcher(index, ck);
                var e = assertThrows(IllegalArgumentException.class,
                        () -> s.search("   ", CascadeSearcher.Options.of(5)));
                assertTrue(e.getMessage().contains("query"), e.getMessage());
                assertThrows(IllegalArgumentException.class,
                        () -> s.search("x".repeat(501), CascadeSearcher.Options.of(5)));
                assertThrows(IllegalArgumentException.class, () -> new CascadeSearcher.Options(0, 10, 5, 10));
                assertEquals(5, s.search("stir", CascadeSearcher.Options.of(5)).hits().size());
            }
            var e = assertThrows(IOException.class, () -> VideoIndex.open(tmp.resolve("nothing"), true));
            assertTrue(e.getMessage().contains(IndexMeta.FILE), e.getMessage());
        }
    }
}
