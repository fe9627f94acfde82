package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.data.YouCook2Reader;
import io.github.taco.data.synth.BenchmarkVariant;
import io.github.taco.data.synth.CaptionBenchmark;
import io.github.taco.model.Similarity;
import io.github.taco.train.Preset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ablation folder keeps its results: a second call skips finished runs instead of overwriting
 * results.json, folders trained in parallel merge into one table, and settings are never mixed.
 */
class AblationResultsTest {
    static final Ablation.Settings DEFAULT = Ablation.settings(new Ablation.Spec());

    static Ablation.Run run(String row, long seed, Ablation.Settings s, double r1) {
        return new Ablation.Run(row, seed, s, 10, "s1", r1, 99, 100, 1, r1, r1);
    }

    @Test
    void foldersTrainedInParallelMergeIntoOneTable(@TempDir Path tmp) throws IOException {
        Ablation.write(tmp.resolve("a"), List.of(run("L1", 1, DEFAULT, 80), run("L1", 2, DEFAULT, 82)));
        Ablation.write(tmp.resolve("b"),
                List.of(run("L1+L2+L3 cascade", 1, DEFAULT, 86), run("L1+L2+L3 cascade", 2, DEFAULT, 88)));
        Path out = tmp.resolve("all");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Ablation.Run> runs = Ablation.merge(out, List.of(tmp.resolve("a"), tmp.resolve("b")),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertEquals(4, runs.size());
        String table = Files.readString(out.resolve("table.md"));
        assertTrue(table.contains("| L1 | 2 | 81.0 ± 1.4 |"), table);
        assertTrue(table.contains("- TACo (L1+L2+L3 cascade) vs L1: +6.0 R@1, above by more than the spread (1.4)"),
                table);
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("| L1+L2+L3 cascade | 2 | 87.0 ± 1.4 |"));
        assertTrue(Files.exists(out.resolve("chart.png")));
        // merging a folder again adds nothing
        assertEquals(4,
                Ablation.merge(out, List.of(tmp.resolve("a")), new PrintStream(new ByteArrayOutputStream())).size());
        assertEquals(4, Ablation.read(out.resolve(Ablation.RESULTS_FILE)).size());
    }

    @Test
    void mergeRefusesOtherSettingsAndKeepsWhatIsThere(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("all");
        Ablation.write(out, List.of(run("L1", 1, DEFAULT, 80)));
        byte[] before = Files.readAllBytes(out.resolve(Ablation.RESULTS_FILE));
        Ablation.Spec k256 = new Ablation.Spec();
        k256.batch = 256;
        Ablation.write(tmp.resolve("k256"), List.of(run("L1", 2, Ablation.settings(k256), 90)));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Ablation.merge(out, List.of(tmp.resolve("k256")), new PrintStream(new ByteArrayOutputStream())));
        // the folder being merged is named with its own settings, then the table's
        assertTrue(e.getMessage().startsWith(tmp.resolve("k256").resolve(Ablation.RESULTS_FILE) + ": holds runs with "
                + Ablation.settings(k256).describe() + ", not " + DEFAULT.describe()), e.getMessage());
        assertTrue(e.getMessage().contains("K = 256") && e.getMessage().contains("K = 64"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(out.resolve(Ablation.RESULTS_FILE)));
    }

    @Test
    void aResultsFileThatMixesSettingsIsRefused(@TempDir Path tmp) throws IOException {
        Ablation.Spec dot = new Ablation.Spec();
        dot.similarity = Similarity.DOT;
        Ablation.write(tmp, List.of(run("L1", 1, DEFAULT, 80), run("L1", 2, Ablation.settings(dot), 79)));
        var e = assertThrows(IllegalArgumentException.class, () -> Ablation.existing(tmp));
        assertTrue(e.getMessage().contains("dot products"), e.getMessage());
    }

    @Test
    void mergeRefusesTwoDifferentResultsForOneRun(@TempDir Path tmp) throws IOException {
        Ablation.write(tmp.resolve("a"), List.of(run("L1", 1, DEFAULT, 80)));
        Ablation.write(tmp.resolve("b"), List.of(run("L1", 1, DEFAULT, 81)));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Ablation.merge(tmp.resolve("all"), List.of(tmp.resolve("a"), tmp.resolve("b")),
                        new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("'L1' seed 1"), e.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> Ablation.merge(tmp.resolve("all"), List.of(tmp.resolve("nowhere")),
                        new PrintStream(new ByteArrayOutputStream())));
        assertTrue(missing.getMessage().contains("nowhere") && missing.getMessage().contains("results.json"),
                missing.getMessage());
    }

    @Test
    void aSecondCallSkipsFinishedRunsInsteadOfOverwritingThem(@TempDir Path tmp) throws IOException {
        Ablation.write(tmp, List.of(run("L1", 1, DEFAULT, 80)));
        Ablation.Spec spec = new Ablation.Spec();
        spec.out = tmp;
        spec.rows = List.of(Ablation.table3().get(0));
        spec.seeds = List.of(1L);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Ablation.Run> runs = Ablation.run(spec, new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertEquals(List.of(run("L1", 1, DEFAULT, 80)), runs);
        assertFalse(Files.exists(tmp.resolve("synth")), "nothing to train, so no benchmark is written");
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("| L1 | 1 | 80.0 |"));
    }

    @Test
    void aSharedRenderingOfAnotherMemberIsRefusedBeforeTraining(@TempDir Path tmp) throws IOException {
        // --data: a folder holding the lowsnr rendering cannot serve a table of base
        Path data = tmp.resolve("lowsnr-render");
        Files.createDirectories(data);
        ObjectMapper json = new ObjectMapper();
        Files.writeString(data.resolve(CaptionBenchmark.TRUTH_FILE), json.writeValueAsString(
                Map.of("config", BenchmarkVariant.LOWSNR.renderConfig(42))));
        Files.writeString(data.resolve(YouCook2Reader.ANNOTATION_FILE), "{}");
        Ablation.Spec spec = new Ablation.Spec();
        spec.out = tmp.resolve("base-table");
        spec.variant = BenchmarkVariant.BASE;
        spec.data = data;
        spec.rows = List.of(Ablation.table3().get(0));
        spec.seeds = List.of(1L);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Ablation.run(spec, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains(data.toString()) && e.getMessage().contains("noise=3.5"), e.getMessage());
        assertFalse(Files.exists(spec.out.resolve("synth")), "no copy of its own either");
        assertFalse(Files.exists(spec.out.resolve(Ablation.RESULTS_FILE)));
    }

    @Test
    void aFolderWithOtherSettingsIsRefusedBeforeTraining(@TempDir Path tmp) throws IOException {
        Ablation.write(tmp, List.of(run("L1", 1, DEFAULT, 80)));
        byte[] before = Files.readAllBytes(tmp.resolve(Ablation.RESULTS_FILE));
        Ablation.Spec spec = new Ablation.Spec();
        spec.out = tmp;
        spec.temperature = 0.1;
        var e = assertThrows(IllegalArgumentException.class,
                () -> Ablation.run(spec, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("cosine τ = 0.05") && e.getMessage().contains("cosine τ = 0.1"),
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(tmp.resolve(Ablation.RESULTS_FILE)));
        assertFalse(Files.exists(tmp.resolve("synth")));
    }

    @Test
    void aResultsFileWithoutSettingsIsNamedInTheError(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve(Ablation.RESULTS_FILE);
        Files.writeString(file, "[{\"row\": \"L1\", \"seed\": 1, \"steps\": 1000, \"r1\": 80}]");
        var e = assertThrows(IOException.class, () -> Ablation.existing(tmp));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("settings"), e.getMessage());
        Files.writeString(file, "{not json");
        var bad = assertThrows(IOException.class, () -> Ablation.existing(tmp));
        assertTrue(bad.getMessage().contains(file.toString()), bad.getMessage());
    }

    @Test
    void theTextRateIsASettingRecordedOnlyWhenItDiffers(@TempDir Path tmp) throws IOException {
        Ablation.Spec spec = new Ablation.Spec();
        assertEquals(2e-3, Ablation.settings(spec).textLearningRate(), 1e-15,
                "from scratch: the cpu preset's 4 × 5e-4");
        spec.textLearningRate = 2e-3;
        assertEquals(DEFAULT, Ablation.settings(spec), "the preset's rate given explicitly is the same setting");
        // tables trained before the preset's change recorded no rate: --text-lr 5e-4 continues them
        spec.textLearningRate = Preset.CPU.train().learningRate;
        assertEquals(null, Ablation.settings(spec).textLearningRate(), "the main rate: as recorded before the option");
        spec.textLearningRate = null;
        spec.bert = tmp.resolve("bert");
        Ablation.Settings bert = Ablation.settings(spec);
        assertEquals(1e-4, bert.textLearningRate(), 1e-15, "with --bert: a fifth of the preset's 5e-4");
        assertTrue(bert.describe().contains("learning rate 1.0E-4"), bert.describe());
        spec.textLearningRate = 2e-5;
        assertEquals(2e-5, Ablation.settings(spec).textLearningRate(), 0.0);
        Ablation.write(tmp.resolve("t"), List.of(run("L1", 1, Ablation.settings(spec), 80)));
        assertTrue(Files.readString(tmp.resolve("t").resolve("table.md"))
                .contains("Text encoder trained at learning rate 2.00e-05"));

        // a results.json written before the text rate was recorded reads as the main rate, and a --bert
        // folder of that time (text encoder at the main rate) is not mixed with runs at a fifth of it
        Ablation.Settings oldBert = new Ablation.Settings(DEFAULT.steps(), DEFAULT.batch(), DEFAULT.similarity(),
                DEFAULT.temperature(), DEFAULT.evalClips(), DEFAULT.topR(), bert.bert(), null, DEFAULT.benchmark(),
                DEFAULT.dropout(), null);
        Path old = tmp.resolve("old");
        Ablation.write(old, List.of(run("L1", 1, oldBert, 80)));
        String json = Files.readString(old.resolve(Ablation.RESULTS_FILE))
                .replaceAll(",\\s*\"textLearningRate\"\\s*:\\s*null", "");
        assertFalse(json.contains("textLearningRate"), json);
        Files.writeString(old.resolve(Ablation.RESULTS_FILE), json);
        assertEquals(oldBert, Ablation.existing(old).get(0).settings());
        Ablation.Spec again = new Ablation.Spec();
        again.out = old;
        again.bert = tmp.resolve("bert");
        var e = assertThrows(IllegalArgumentException.class,
                () -> Ablation.run(again, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("at learning rate 1.0E-4"), e.getMessage());
    }

    @Test
    void theBundledMiniLmIsRecordedByItsContentNotItsCachePath(@TempDir Path tmp) throws IOException {
        Ablation.Spec spec = new Ablation.Spec();
        spec.bert = tmp.resolve("home-a/.cache/taco/all-minilm-l6-v2-759c3cd2b7fe");
        Ablation.Settings here = Ablation.settings(spec);
        assertEquals("all-minilm-l6-v2-759c3cd2b7fe", here.bert());
        spec.bert = Path.of("/elsewhere/cache/all-minilm-l6-v2-759c3cd2b7fe");
        assertEquals(here, Ablation.settings(spec), "another machine's cache: the same start");
        spec.bert = tmp.resolve("my-bert");
        assertEquals(tmp.resolve("my-bert").toAbsolutePath().normalize().toString(), Ablation.settings(spec).bert(),
                "a folder of the user's own: its path");

        // a results.json written when the cache path was recorded continues with this machine's MiniLM
        Ablation.Settings byPath = new Ablation.Settings(here.steps(), here.batch(), here.similarity(),
                here.temperature(), here.evalClips(), here.topR(), "/root/.cache/taco/all-minilm-l6-v2-759c3cd2b7fe",
                here.textLearningRate(), here.benchmark(), here.dropout(), null);
        Ablation.write(tmp.resolve("old"), List.of(run("L1", 1, byPath, 60)));
        assertEquals(here, Ablation.existing(tmp.resolve("old")).get(0).settings());
    }

    @Test
    void parallelProcessesOnOneFolderKeepEachOthersRuns(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("shared");
        // process A started first; process B, with its own (stale) list, finishes L1 seed 2 after A wrote seed 1
        List<Ablation.Run> staleB = List.of();
        Ablation.record(out, run("L1+L2+L3 cascade", 1, DEFAULT, 55));
        List<Ablation.Run> after = Ablation.record(out, run("L1", 2, DEFAULT, 57));
        assertEquals(2, after.size(), "B re-reads the file instead of writing its stale list " + staleB);
        assertEquals(2, Ablation.existing(out).size());
        // the same row and seed again replaces, never duplicates
        assertEquals(2, Ablation.record(out, run("L1", 2, DEFAULT, 58)).size());
    }

    @Test
    void runsOfTheOldDropoutAreNotMixedWithTheCurrentPreset(@TempDir Path tmp) throws Exception {
        assertEquals(0.0, DEFAULT.dropout(), "the cpu preset trains without dropout");
        // a results.json written before the dropout was recorded: its runs had the preset's 0.1
        Ablation.Settings legacy = new Ablation.Settings(DEFAULT.steps(), DEFAULT.batch(), DEFAULT.similarity(),
                DEFAULT.temperature(), DEFAULT.evalClips(), DEFAULT.topR(), DEFAULT.bert(), DEFAULT.textLearningRate(),
                DEFAULT.benchmark(), null, null);
        Path old = tmp.resolve("legacy");
        Ablation.write(old, List.of(run("L1", 1, legacy, 20)));
        String json = Files.readString(old.resolve(Ablation.RESULTS_FILE))
                .replaceAll(",\\s*\"dropout\"\\s*:\\s*null", "");
        assertFalse(json.contains("dropout"), json);
        Files.writeString(old.resolve(Ablation.RESULTS_FILE), json);
        assertEquals(0.1, Ablation.existing(old).get(0).settings().dropoutValue());
        Ablation.write(tmp.resolve("current"), List.of(run("L1", 1, DEFAULT, 33)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ablation.merge(tmp.resolve("both"), List.of(old, tmp.resolve("current")),
                        new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("dropout 0.1") && e.getMessage().contains("dropout 0.0"), e.getMessage());
        assertTrue(Files.readString(tmp.resolve("current").resolve("table.md")).contains("cpu preset (dropout 0)"));
    }

    @Test
    void anExperimentsOverridesAreRecordedAndNeverMixedWithThePlainTable(@TempDir Path tmp) throws Exception {
        Ablation.Spec lambda = new Ablation.Spec();
        lambda.overrides = List.of("train.clipNorm=0", "model.lambda=0.1");
        Ablation.Settings s = Ablation.settings(lambda);
        assertEquals(List.of("model.lambda=0.1", "train.clipNorm=0"), s.overrides(),
                "sorted, so the order never splits a table");
        Ablation.write(tmp.resolve("lambda"), List.of(run("L1+L2", 1, s, 28)));
        String table = Files.readString(tmp.resolve("lambda").resolve("table.md"));
        assertTrue(table.contains("Experiment: every row trained with model.lambda=0.1, train.clipNorm=0"), table);
        Ablation.write(tmp.resolve("plain"), List.of(run("L1", 1, DEFAULT, 33)));
        Ablation.Spec again = new Ablation.Spec();
        again.out = tmp.resolve("plain");
        again.overrides = lambda.overrides;
        var e = assertThrows(IllegalArgumentException.class,
                () -> Ablation.run(again, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("with model.lambda=0.1, train.clipNorm=0"), e.getMessage());
        // a row's own key, or one with an option of its own, is refused before anything trains
        Ablation.Spec rowKey = new Ablation.Spec();
        rowKey.overrides = List.of("model.negatives=random");
        e = assertThrows(IllegalArgumentException.class, () -> Ablation.settings(rowKey));
        assertTrue(e.getMessage().contains("model.negatives is decided by each row"), e.getMessage());
        Ablation.Spec invalid = new Ablation.Spec();
        invalid.overrides = List.of("model.l3Weight=-1");
        e = assertThrows(IllegalArgumentException.class, () -> Ablation.settings(invalid));
        assertTrue(e.getMessage().contains("l3Weight must be a finite number >= 0"), e.getMessage());
    }
}
