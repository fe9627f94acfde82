package io.github.taco.data.synth;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.data.Clip;
import io.github.taco.data.DataLoaders;
import io.github.taco.data.Dataset;
import io.github.taco.data.LoaderConfig;
import io.github.taco.data.Split;
import io.github.taco.data.YouCook2Reader;
import io.github.taco.features.CachedFeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.features.FrameSampler;
import io.github.taco.features.NpyDirectoryStore;
import io.github.taco.features.VideoFeatures;
import io.github.taco.text.CaptionEncoder;
import io.github.taco.text.EncodedText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticBenchmarkTest {
    @TempDir static Path out;
    static SynthData data;
    static Dataset dataset;

    /** Default config (≈10k clips, 512-d), generated once for the whole class. */
    @BeforeAll
    static void generateDefault() throws IOException {
        long t0 = System.nanoTime();
        data = SyntheticBenchmark.generateTo(SynthConfig.defaults(), out);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("synth: " + data.clipCount() + " clips, " + data.videos().size() + " videos in " + millis
                + " ms");
        dataset = YouCook2Reader.read(out);
    }

    /** R@1 with docs/method.md §7 ranks: rank = 1 + #{j ≠ g : s_j ≥ s_g}; ties count against the scorer. */
    static double recallAt1(int n, BiFunction<Integer, Integer, Double> score) {
        return RenderedBaselines.recallAt1(n, score);
    }

    @Test
    void aboutTenThousandClips() {
        assertTrue(data.clipCount() >= 9000 && data.clipCount() <= 11000, "clips: " + data.clipCount());
    }

    @Test
    void readsBackThroughTheYouCook2Reader() throws IOException {
        assertEquals(data.clipCount(), dataset.clips().size());
        for (Split s : List.of(Split.TRAIN, Split.VALIDATION, Split.NARRATION)) {
            assertEquals(data.videos(s).size(), dataset.videoIds(s).size());
        }
        assertEquals(1100, dataset.videoIds(Split.TRAIN).size());
        assertEquals(250, dataset.videoIds(Split.VALIDATION).size());
        assertEquals(350, dataset.videoIds(Split.NARRATION).size());
        NpyDirectoryStore store = new NpyDirectoryStore(out.resolve("features"), 1, 0);
        SynthVideo v = data.videos().get(3);
        VideoFeatures f = store.load(v.videoId());
        assertEquals(v.frames(), f.frames());
        assertEquals(512, f.dim());
        assertEquals(v.frames(), dataset.durations().get(v.videoId()), 1e-9);
        JsonNode truth = new ObjectMapper().readTree(out.resolve(SyntheticBenchmark.TRUTH_FILE).toFile());
        JsonNode tv = truth.path("videos").path(v.videoId());
        assertEquals(v.steps().size(), tv.path("steps").size());
        assertEquals(v.steps().get(0).verb(), tv.path("steps").get(0).path("verb").asInt());
        assertEquals(v.videoId() + "#1", tv.path("clips").get(1).path("clipId").asText());
        assertEquals("cut", truth.path("concepts").path("verb").get(0).asText());
    }

    @Test
    void fastFramePathEqualsTheDocumentedMapAndInverts() {
        SynthWorld w = data.world();
        Step s = data.videos().get(0).steps().get(0);
        float[] bg = new float[w.latentDim()];
        bg[3] = 0.4f;
        float[] fast = new float[w.dim()];
        w.frame(w.project(bg), s, 0.25, 0.0, new SplittableRandom(1), fast, 0);
        float[] z = bg.clone();
        w.addStep(s, 0.25, z);
        float[] slow = new float[w.dim()];
        w.map(z, slow, 0);
        for (int d = 0; d < w.dim(); d++) {
            assertEquals(slow[d], fast[d], 1e-4);
        }
        float[] back = w.invert(fast, 0);
        for (int i = 0; i < w.latentDim(); i++) {
            assertEquals(z[i], back[i], 1e-2); // float32 tanh saturates: atanh of values near ±1 loses digits
        }
    }

    @Test
    void truthFileReadsBackWithStepsLabelsAndClips() throws IOException {
        SynthTruth t = SynthTruth.read(out);
        SynthTruth mem = SynthTruth.of(data);
        assertEquals(data.videos().size(), t.steps().size());
        assertEquals(data.clipCount(), t.clips().size());
        for (SynthVideo v : List.of(data.videos().get(0), data.videos(Split.NARRATION).get(3))) {
            assertEquals(v.steps(), t.steps().get(v.videoId()));
            int[] labels = t.frameLabels(v.videoId());
            assertArrayEquals(mem.frameLabels(v.videoId()), labels);
            assertEquals(v.frames(), labels.length);
            Step s1 = v.steps().get(1);
            assertEquals(1, labels[s1.start()]);
            assertEquals(1, labels[s1.end()]);
            for (int i = 0; i < v.captions().size(); i++) {
                SynthTruth.ClipTruth c = t.clip(v.videoId() + "#" + i);
                assertEquals(v.captionSteps()[i], c.captionStep());
                assertArrayEquals(v.steps().get(i).concepts(), c.concepts());
            }
        }
        // idle seconds exist and are labelled -1
        long idle = data.videos(Split.TRAIN).stream().limit(50).mapToLong(v -> Arrays.stream(t.frameLabels(v.videoId()))
                .filter(l -> l < 0).count()).sum();
        long total = data.videos(Split.TRAIN).stream().limit(50).mapToLong(SynthVideo::frames).sum();
        assertEquals(0.2, idle / (double) total, 0.08, "idle fraction");
    }

    @Test
    void trainerPathFromTheWrittenFolderToBatches() throws Exception {
        var store = new CachedFeatureStore(
                FeatureStores.open(out.resolve("features"), 1.0), 64L << 20);
        CaptionEncoder enc = caption -> {
            String[] w = caption.split(" ");
            int n = w.length + 2;
            int[] ids = new int[n];
            float[] weights = new float[n];
            boolean[] interest = new boolean[n];
            ids[0] = 101;
            ids[n - 1] = 102;
            for (int i = 0; i < w.length; i++) {
                ids[i + 1] = 1000 + Math.floorMod(w[i].hashCode(), 5000);
                interest[i + 1] = w[i].length() > 3;
            }
            int k = 0;
            for (boolean b : interest) {
                k += b ? 1 : 0;
            }
            for (int i = 0; i < n; i++) {
                weights[i] = interest[i] ? 1f / k : 0f;
            }
            return new EncodedText(caption, List.of(), ids, new int[n], List.of(), interest, weights);
        };
        var cfg = LoaderConfig.defaults(32, 5).withEpochs(1);
        try (var batches = DataLoaders.open(dataset.clips(Split.TRAIN), store, enc, cfg)) {
            var b = batches.next();
            assertEquals(32, b.size());
            assertEquals(48, b.maxFrames());
            assertEquals(512, b.featureDim());
            assertEquals(30, b.maxTokens());
            int frames = 0;
            for (float m : b.frameMask()) {
                frames += (int) m;
            }
            assertTrue(frames >= 32 * 4 && frames <= 32 * 10, "clean steps last 4-10 s: " + frames);
            int n = 1;
            while (batches.hasNext()) {
                batches.next();
                n++;
            }
            assertEquals(dataset.clips(Split.TRAIN).size() / 32, n);
            assertEquals(0, batches.builder().fixups().total());
        }
    }

    @Test
    void deterministicFromTheSeed() throws IOException {
        SynthConfig small = SynthConfig.defaults().withVideos(20).withDim(32);
        SynthData a = SyntheticBenchmark.generate(small);
        SynthData b = SyntheticBenchmark.generate(small);
        SynthData c = SyntheticBenchmark.generate(small.withSeed(7));
        List<String> capsA = a.videos().stream().flatMap(v -> v.captions().stream()).toList();
        assertEquals(capsA, b.videos().stream().flatMap(v -> v.captions().stream()).toList());
        assertNotEquals(capsA, c.videos().stream().flatMap(v -> v.captions().stream()).toList());
        assertArrayEquals(SyntheticBenchmark.features(a, a.videos().get(5)),
                SyntheticBenchmark.features(b, b.videos().get(5)));
        Path d1 = out.resolve("d1");
        Path d2 = out.resolve("d2");
        SyntheticBenchmark.write(a, d1);
        SyntheticBenchmark.write(b, d2);
        for (String f : List.of("youcookii_annotations_trainval.json", "synth_truth.json", "features/synv00004.npy")) {
            assertArrayEquals(Files.readAllBytes(d1.resolve(f)), Files.readAllBytes(d2.resolve(f)), f);
        }
    }

    @Test
    void cleanCaptionsNameExactlyTheirConceptsAndFunctionWordsNone() {
        int synonyms = 0;
        int words = 0;
        for (SynthVideo v : data.videos()) {
            if (v.split() == Split.NARRATION) {
                continue;
            }
            for (int i = 0; i < v.captions().size(); i++) {
                String cap = v.captions().get(i);
                assertArrayEquals(v.steps().get(i).concepts(), Lexicon.parse(cap), cap);
                for (String w : cap.split(" ")) {
                    words++;
                    Lexicon.Word c = Lexicon.lookup(w);
                    if (c != null && !w.equals(Lexicon.name(c.kind(), c.id())) && !w.endsWith("ing")) {
                        synonyms++;
                    }
                }
            }
        }
        assertTrue(synonyms > 2000, "synonyms used: " + synonyms);
        // fillers and articles make up a good part of the text
        long content = data.videos().stream().flatMap(v -> v.captions().stream())
                .flatMap(c -> List.of(c.split(" ")).stream()).filter(w -> Lexicon.lookup(w) != null).count();
        assertTrue(content < 0.75 * words, content + " content words of " + words);
    }

    @Test
    void conceptsRecurSoMostNegativesShareSome() {
        List<Step> steps = data.videos(Split.TRAIN).stream().flatMap(v -> v.steps().stream()).toList();
        Random r = new Random(1);
        int share = 0;
        int n = 20000;
        for (int k = 0; k < n; k++) {
            int[] a = steps.get(r.nextInt(steps.size())).concepts();
            int[] b = steps.get(r.nextInt(steps.size())).concepts();
            boolean any = false;
            for (int i = 0; i < 6; i++) {
                any |= a[i] >= 0 && a[i] == b[i];
            }
            share += any ? 1 : 0;
        }
        double frac = share / (double) n;
        System.out.println("synth: random clip pairs sharing a concept: " + frac);
        assertTrue(frac > 0.5, "share fraction " + frac);
    }

    @Test
    void narrationIsNoisyAsConfigured() {
        int shifted = 0;
        int offTopic = 0;
        int n = 0;
        for (SynthVideo v : data.videos(Split.NARRATION)) {
            for (int i = 0; i < v.captionSteps().length; i++) {
                n++;
                shifted += v.captionSteps()[i] >= 0 && v.captionSteps()[i] != i ? 1 : 0;
                offTopic += v.captionSteps()[i] < 0 ? 1 : 0;
            }
        }
        assertEquals(0.15, offTopic / (double) n, 0.03);
        assertEquals(0.30, shifted / (double) n, 0.04);
        for (SynthVideo v : data.videos(Split.VALIDATION)) {
            for (int i = 0; i < v.captionSteps().length; i++) {
                assertEquals(i, v.captionSteps()[i]);
            }
        }
    }

    /** The clean test split: clips as the reader gives them, with their true steps. */
    private List<Clip> testClips() {
        return dataset.clips(Split.VALIDATION);
    }

    private Step truthOf(Clip c, Map<String, SynthVideo> byId) {
        int i = Integer.parseInt(c.clipId().substring(c.clipId().indexOf('#') + 1));
        return byId.get(c.videoId()).steps().get(i);
    }

    @Test
    void conceptOracleRetrievesAndTextBlindScorerIsAtChance() {
        Map<String, SynthVideo> byId = new HashMap<>();
        data.videos().forEach(v -> byId.put(v.videoId(), v));
        List<Clip> clips = testClips();
        int n = clips.size();
        int[][] parsed = new int[n][];
        int[][] truth = new int[n][];
        for (int i = 0; i < n; i++) {
            parsed[i] = Lexicon.parse(clips.get(i).texts().get(0));
            truth[i] = truthOf(clips.get(i), byId).concepts();
        }
        double oracle = recallAt1(n, (q, j) -> {
            double s = 0;
            for (int k = 0; k < 6; k++) {
                s += parsed[q][k] == truth[j][k] ? 1 : 0;
            }
            return s;
        });
        double[] blind = new double[n];
        Random r = new Random(3);
        for (int j = 0; j < n; j++) {
            blind[j] = r.nextDouble(); // any video-only score: the same ranking for every caption
        }
        double chance = recallAt1(n, (q, j) -> blind[j]);
        System.out.printf("synth: %d test clips, concept oracle R@1 %.4f, text-blind R@1 %.4f (chance %.4f)%n", n,
                oracle, chance, 1.0 / n);
        assertTrue(n > 1000);
        assertTrue(oracle >= 0.95, "oracle R@1 " + oracle);
        assertTrue(chance <= 2.0 / n, "text-blind R@1 " + chance);
    }

    @Test
    void featureOracleInvertsTheMapAndRetrieves() throws IOException {
        NpyDirectoryStore store = new NpyDirectoryStore(out.resolve("features"), 1, 0);
        List<Clip> clips = testClips();
        int n = clips.size();
        SynthWorld w = data.world();
        int latent = w.latentDim();
        float[][] zbar = new float[n][];
        float[][] proto = new float[n][];
        for (int j = 0; j < n; j++) {
            Clip c = clips.get(j);
            VideoFeatures f = store.load(c.videoId());
            int[] idx = FrameSampler.frameIndices(c.start(), c.end(), 1, f.frames(), 48, null);
            float[] m = new float[latent];
            for (int t : idx) {
                float[] z = w.invert(f.data(), t * f.dim());
                for (int i = 0; i < latent; i++) {
                    m[i] += z[i] / idx.length;
                }
            }
            zbar[j] = m;
            proto[j] = w.prototype(Lexicon.parse(c.texts().get(0)));
        }
        double r1 = recallAt1(n, (q, j) -> {
            double s = 0;
            for (int i = 0; i < latent; i++) {
                s += proto[q][i] * zbar[j][i];
            }
            return s;
        });
        System.out.printf("synth: feature oracle (inverted map) R@1 %.4f over %d clips%n", r1, n);
        assertTrue(r1 >= 0.95, "feature oracle R@1 " + r1);
        // without the caption's content words the same scorer is at chance
        float[] empty = w.prototype(new int[] {-1, -1, -1, -1, -1, -1});
        double blind = recallAt1(n, (q, j) -> {
            double s = 0;
            for (int i = 0; i < latent; i++) {
                s += empty[i] * zbar[j][i];
            }
            return s;
        });
        assertTrue(blind <= 2.0 / n, "blind " + blind);
    }
}
