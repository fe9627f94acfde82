package io.github.taco.data.synth;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.taco.SharedData;
import io.github.taco.data.Clip;
import io.github.taco.data.Dataset;
import io.github.taco.data.Split;
import io.github.taco.data.YouCook2Reader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default built-in benchmark: real YouCook2 sentences, features rendered from their words. */
class CaptionBenchmarkTest {
    @TempDir static Path tmp;
    static Path subset;
    static Path out;
    static CaptionBenchmark.Summary summary;

    /** 40 training and 20 validation videos of the real file, so a test renders in seconds. */
    @BeforeAll
    static void renderASubset() throws IOException {
        subset = SmallAnnotations.write(tmp.resolve("subset.json"), 40, 20);
        out = tmp.resolve("bench");
        summary = CaptionBenchmark.generateTo(RenderConfig.defaults(), subset, out);
    }

    @Test
    void theBundledAnnotationsAreYouCook2sRealFile() throws IOException {
        byte[] bundled = CaptionBenchmark.bundledAnnotations();
        assertArrayEquals(Files.readAllBytes(SharedData.file("youcook2/youcookii_annotations_trainval.json")), bundled);
        Dataset all = YouCook2Reader.read(SharedData.file("youcook2/youcookii_annotations_trainval.json"));
        assertEquals(13_829, all.clips().size());
        assertEquals(10_337, all.clips(Split.TRAIN).size());
        assertEquals(3_492, all.clips(Split.VALIDATION).size());
    }

    @Test
    void theBenchmarksCaptionsAreTheSentencesVerbatim() throws IOException {
        assertArrayEquals(Files.readAllBytes(subset), Files.readAllBytes(out.resolve(YouCook2Reader.ANNOTATION_FILE)));
        List<String> sentences = new ArrayList<>();
        new ObjectMapper().readTree(subset.toFile()).get("database")
                .forEach(v -> v.get("annotations").forEach(a -> sentences.add(a.get("sentence").asText())));
        Dataset ds = YouCook2Reader.read(out);
        assertEquals(sentences, ds.clips().stream().map(c -> c.texts().get(0)).toList());
        assertEquals(sentences.size(), summary.clips());
        for (Clip c : ds.clips()) {
            assertTrue(Files.isRegularFile(out.resolve("features").resolve(c.videoId() + ".npy")), c.videoId());
        }
    }

    @Test
    void theRendererIsDeterministicPerSeed() throws IOException {
        RenderConfig small = RenderConfig.defaults().withDim(32);
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        CaptionBenchmark.generateTo(small, subset, a);
        CaptionBenchmark.generateTo(small, subset, b);
        CaptionBenchmark.generateTo(small.withSeed(43), subset, c);
        int same = 0;
        int differ = 0;
        try (var files = Files.list(a.resolve("features"))) {
            for (Path f : files.toList()) {
                byte[] x = Files.readAllBytes(f);
                assertArrayEquals(x, Files.readAllBytes(b.resolve("features").resolve(f.getFileName())), f.toString());
                same++;
                differ += Arrays.equals(x, Files.readAllBytes(c.resolve("features").resolve(f.getFileName()))) ? 0 : 1;
            }
        }
        assertEquals(60, same);
        assertEquals(60, differ, "another seed renders other features");
    }

    @Test
    void contentWordsAreEveryVisibleLemmaWhateverItsPartOfSpeech() {
        assertEquals(List.of("slowly", "pour", "2", "cup", "hot", "water", "over", "chop", "onion"),
                ContentWords.of("Slowly pour 2 cups of hot water over the chopped onions"));
        assertEquals(List.of("cut", "tomato", "slice", "set", "aside"),
                ContentWords.of("cut the tomatoes into slices and set them aside"));
        // the noun and the verb are one concept: "slice" said as either looks the same
        assertEquals(ContentWords.of("slice the bread").get(0), ContentWords.of("add the slices").get(1));
        assertEquals(List.of(), ContentWords.of("and then it is on the"));
    }

    @Test
    void synonymsShareTheirLookAndOtherWordsDoNot() throws IOException {
        CaptionBenchmark.Video v = new CaptionBenchmark.Video("x", "training", "r", 1,
                List.of(new CaptionBenchmark.Segment(0, 0, "", List.of("chop", "dice", "onion", "bake"))));
        CaptionBenchmark.CaptionWorld w = new CaptionBenchmark.CaptionWorld(RenderConfig.defaults(), List.of(v));
        double synonyms = dot(w.concept("chop"), w.concept("dice"));
        assertEquals(0.5, synonyms, 0.15, "synonymShare 0.5");
        assertEquals(0.0, dot(w.concept("chop"), w.concept("onion")), 0.25);
        assertEquals(0.0, dot(w.concept("chop"), w.concept("bake")), 0.25);
    }

    @Test
    void theSignalToNoiseIsMeasuredAndFollowsTheNoise() throws IOException {
        assertTrue(summary.snr() > 0.1 && summary.snr() < 10, "snr " + summary.snr());
        JsonNode truth = new ObjectMapper().readTree(out.resolve(CaptionBenchmark.TRUTH_FILE).toFile());
        assertEquals(summary.snr(), truth.get("snr").asDouble(), 1e-12);
        CaptionBenchmark.Summary twice = CaptionBenchmark.generateTo(RenderConfig.defaults().withDim(32)
                .withNoise(2 * RenderConfig.DEFAULT_NOISE), subset, tmp.resolve("noisier"));
        CaptionBenchmark.Summary once = CaptionBenchmark.generateTo(RenderConfig.defaults().withDim(32), subset,
                tmp.resolve("default32"));
        assertEquals(once.snr() / 4, twice.snr(), 1e-6 * once.snr(), "SNR = content power / noise²");
    }

    @Test
    void referenceScorersBracketALearnedModel() throws IOException {
        RenderedBaselines.Report r = RenderedBaselines.run(out, 0);
        System.out.printf("rendered benchmark (60-video subset, %d validation clips, chance %.4f): oracle %.3f, ridge "
                + "%.3f, text-blind %.4f%n", r.clips(), 1.0 / r.clips(), r.oracle(), r.ridge(), r.textBlind());
        assertTrue(r.clips() > 100, "clips " + r.clips());
        assertTrue(r.oracle() > 0.5, "the oracle knows the generative model: " + r.oracle());
        assertTrue(r.ridge() > 3.0 / r.clips(), "a linear model beats chance: " + r.ridge());
        assertTrue(r.ridge() < r.oracle(), "and stays below the oracle");
        assertTrue(r.textBlind() <= 2.0 / r.clips(), "a scorer that ignores the text is at chance: " + r.textBlind());
    }

    @Test
    void aFolderOfAnotherConfigIsRefusedNotOverwritten() throws IOException {
        byte[] before = Files.readAllBytes(out.resolve(CaptionBenchmark.TRUTH_FILE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CaptionBenchmark.ensure(RenderConfig.defaults().withNoise(9), out));
        assertTrue(e.getMessage().contains(out.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(out.resolve(CaptionBenchmark.TRUTH_FILE)));
        assertFalse(CaptionBenchmark.ensure(RenderConfig.defaults(), out), "the same config is reused");
    }

    @Test
    void twoFramesPerSecondDoubleTheFramesAndKeepTheClipsFindable() throws IOException {
        Path two = tmp.resolve("fps2");
        CaptionBenchmark.generateTo(RenderConfig.defaults().withDim(64).withFps(2), subset, two);
        Dataset ds = YouCook2Reader.read(subset);
        JsonNode truth = new ObjectMapper().readTree(two.resolve(CaptionBenchmark.TRUTH_FILE).toFile());
        assertEquals(2, truth.get("config").get("fps").asInt());
        for (String id : List.of(ds.clips(Split.TRAIN).get(0).videoId(), ds.clips(Split.VALIDATION).get(0).videoId())) {
            int once = new ObjectMapper().readTree(out.resolve(CaptionBenchmark.TRUTH_FILE).toFile()).get("videos")
                    .get(id).get("frames").asInt();
            int twice = truth.get("videos").get(id).get("frames").asInt();
            assertEquals(2 * once, twice, id + ": frames at 2 fps");
            long bytes = Files.size(two.resolve(CaptionBenchmark.FEATURES_DIR).resolve(id + ".npy"));
            assertTrue(bytes >= 4L * 64 * twice, id + ": " + bytes + " bytes for " + twice + " frames");
        }
        // read at its own rate, a step's frames are where its words were rendered: the oracle finds the clips
        RenderedBaselines.Report r = RenderedBaselines.run(two, 0);
        assertTrue(r.oracle() > 0.5, "oracle at 2 fps: " + r.oracle());
    }

    @Test
    void aVisibilitySpreadDimsSomeWordsAndLowersTheSignal() throws IOException {
        RenderConfig faint = RenderConfig.defaults().withDim(32).withVisibilitySpread(0.85);
        Path dir = tmp.resolve("faint");
        CaptionBenchmark.Summary s = CaptionBenchmark.generateTo(faint, subset, dir);
        CaptionBenchmark.Summary full = CaptionBenchmark.generateTo(RenderConfig.defaults().withDim(32), subset,
                tmp.resolve("full32"));
        assertTrue(s.snr() < 0.9 * full.snr(), "faint words carry less signal: " + s.snr() + " vs " + full.snr());
        CaptionBenchmark.CaptionWorld w = new CaptionBenchmark.CaptionWorld(faint,
                CaptionBenchmark.parse(Files.readAllBytes(subset), "subset"));
        double min = 1;
        double max = 0;
        for (String lemma : w.qConcepts.keySet()) {
            float v = w.visibility(lemma);
            assertTrue(v >= 0.15f - 1e-6 && v <= 1f, lemma + ": visibility " + v);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min < 0.3 && max > 0.85,
                "a wide spread over " + w.qConcepts.size() + " lemmas: " + min + ".." + max);
        CaptionBenchmark.CaptionWorld again = new CaptionBenchmark.CaptionWorld(faint,
                List.of(new CaptionBenchmark.Video("v", "training", "", 1,
                        List.of(new CaptionBenchmark.Segment(0, 0, "", List.of("onion"))))));
        assertEquals(w.visibility("onion"), again.visibility("onion"),
                "a word's visibility depends on its name, not on the vocabulary");
        assertEquals(1f, new CaptionBenchmark.CaptionWorld(RenderConfig.defaults().withDim(32), List.of())
                .visibility("onion"));
    }

    @Test
    void truthFilesWrittenBeforeVisibilityAndFpsReadAsTheDefaults() throws IOException {
        ObjectNode config = (ObjectNode) new ObjectMapper().valueToTree(RenderConfig.defaults());
        config.remove("visibilitySpread");
        config.remove("fps");
        assertEquals(RenderConfig.defaults(), new ObjectMapper().treeToValue(config, RenderConfig.class));
    }

    @Test
    void everyFamilyMemberHasItsOwnName() {
        assertEquals("youcook2 seed 42 noise 2.00", BuiltInBenchmark.describe(BenchmarkVariant.BASE.renderConfig(42)),
                "the base member keeps the name its earlier results were recorded under");
        assertEquals("youcook2 seed 42 noise 3.50",
                BuiltInBenchmark.describe(BuiltInBenchmark.Captions.YOUCOOK2, 42, 3.5));
        List<String> names = new ArrayList<>();
        for (BenchmarkVariant v : BenchmarkVariant.values()) {
            if (v.captions() == BuiltInBenchmark.Captions.YOUCOOK2) {
                names.add(BuiltInBenchmark.describe(v.renderConfig(42)));
            }
            assertEquals(v, BenchmarkVariant.parse(v.label().toUpperCase(Locale.ROOT)));
        }
        assertEquals(names.size(), names.stream().distinct().count(), names.toString());
        assertEquals(2, BenchmarkVariant.FPS2.fps());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkVariant.parse("noisy"));
        assertTrue(e.getMessage().contains("noisy") && e.getMessage().contains("lowsnr"), e.getMessage());
    }

    @Test
    void aFileThatIsNotYouCook2IsNamed() throws IOException {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"videos\": []}");
        IOException e = assertThrows(IOException.class,
                () -> CaptionBenchmark.generateTo(RenderConfig.defaults(), bad, tmp.resolve("never")));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("never")), "nothing written");
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
