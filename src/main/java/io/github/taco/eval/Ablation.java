package io.github.taco.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.taco.data.Split;
import io.github.taco.data.synth.BenchmarkVariant;
import io.github.taco.data.synth.BuiltInBenchmark;
import io.github.taco.data.synth.CaptionBenchmark;
import io.github.taco.data.synth.RenderConfig;
import io.github.taco.io.AtomicFiles;
import io.github.taco.model.Negatives;
import io.github.taco.model.PretrainedText;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.text.TagSet;
import io.github.taco.train.Preset;
import io.github.taco.train.RunConfigFile;
import io.github.taco.train.TrainOptions;
import io.github.taco.train.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's ablations on the synthetic benchmark: Table 3 (which losses, which negatives) and
 * Table 4 (which tokens of interest), each row trained with several seeds. Each model is scored
 * with what it trained: s1 (L1), + 0.5·s2 (L2), and the cascade re-scoring with s3 (L3).
 */
public final class Ablation {
    private static final Logger LOG = LoggerFactory.getLogger(Ablation.class);

    /** One row: a name and the change it makes to the cpu preset. */
    public record Row(String table, String name, Consumer<TacoConfig> change) {}

    public static List<Row> table3() {
        return List.of(
                new Row("3", "L1", c -> c.losses("L1")),
                new Row("3", "L3 (random)", c -> { c.losses("L3"); c.negatives = Negatives.RANDOM; }),
                new Row("3", "L1+L3 random", c -> { c.losses("L1+L3"); c.negatives = Negatives.RANDOM; }),
                new Row("3", "L1+L3 cascade", c -> { c.losses("L1+L3"); c.negatives = Negatives.CASCADE; }),
                new Row("3", "L1+L2+L3 cascade", c -> { c.losses("L1+L2+L3"); c.negatives = Negatives.CASCADE; }));
    }

    /** Table 4 without its noun+verb row, which is Table 3's last row (the default tag set). */
    public static List<Row> table4() {
        List<Row> rows = new ArrayList<>();
        for (TagSet tags : List.of(TagSet.NONE, TagSet.DET_ADP, TagSet.NOUN, TagSet.VERB)) {
            rows.add(new Row("4", "tokens " + tags,
                    c -> { c.losses("L1+L2+L3"); c.negatives = Negatives.CASCADE; c.tagSet = tags; }));
        }
        return rows;
    }

    /**
     * Rows that take TACo apart when Table 3 does not come out as in the paper: the token loss
     * without the fusion (with the paper's and the control's tokens of interest), and TACo whose
     * L3 trains the fusion only ({@link TacoConfig#l3Detached}).
     */
    public static List<Row> diagnostics() {
        return List.of(
                new Row("d", "L1+L2", c -> c.losses("L1+L2")),
                new Row("d", "L1+L2 det+adp", c -> { c.losses("L1+L2"); c.tagSet = TagSet.DET_ADP; }),
                new Row("d", "L1+L2+L3 cascade (L3 detached)",
                        c -> { c.losses("L1+L2+L3"); c.negatives = Negatives.CASCADE; c.l3Detached = true; }));
    }

    public static final class Spec {
        public Path out = Path.of("runs", "ablate");
        public List<Row> rows = new ArrayList<>(table3());
        public List<Long> seeds = List.of(1L, 2L);
        public Long steps;
        public int evalClips = 1000;
        public int topR = 10;
        public Similarity similarity;
        /** τ of cosine similarity for every row, or null: the cpu preset's. */
        public Double temperature;
        /** K, pairs per batch, for every row, or null: the cpu preset's. */
        public Integer batch;
        /**
         * A Hugging Face BERT folder to start every row's text encoder from (sizes follow it), or null: from scratch.
         */
        public Path bert;
        /** The built-in benchmark every row trains and is evaluated on (unless {@link #variant} is given). */
        public BuiltInBenchmark.Captions captions = BuiltInBenchmark.Captions.YOUCOOK2;
        /** Noise of the youcook2 benchmark, or null: the default (docs/benchmark.md). */
        public Double noise;
        /**
         * A member of the benchmark family (docs/benchmark-family.md) instead of {@link #captions} and
         * {@link #noise}, or null.
         */
        public BenchmarkVariant variant;
        /**
         * The folder of the rendered benchmark, or null: {@code <out>/synth}. Rendered there when it is empty; a
         * youcook2 rendering already there must have been rendered with this table's settings (checked), so that
         * several tables of one member can share one rendering instead of a copy each.
         */
        public Path data;
        /** Seed of the benchmark (the rows' seeds are {@link #seeds}). */
        public long benchmarkSeed = 42;
        /**
         * Peak learning rate of every row's text encoder (docs/method.md §6), or null: the main rate from
         * scratch, {@link TrainOptions#PRETRAINED_TEXT_RATE_RATIO} × the main rate with {@link #bert}.
         */
        public Double textLearningRate;
        /**
         * Changes to every row's run config, {@code section.key=value} as {@code taco train --config}'s keys
         * (e.g. {@code model.lambda=0.1}, {@code train.clipNorm=0}): an experiment on the whole table.
         * Keys that the rows or the other fields decide are refused ({@link #ROW_KEYS}).
         */
        public List<String> overrides = List.of();
        /**
         * Train every row with the paper's exact objective ({@link TrainOptions#usePaperObjective}; the default: these
         * are the paper's tables) instead of the cpu preset's, whose λ = 0 and detached L3 would make the rows with L2
         * or without L1 mean something else.
         */
        public boolean paperObjective = true;
    }

    /** Keys an override may not change: each row sets them, or a {@link Spec} field of its own does. */
    public static final List<String> ROW_KEYS = List.of("model.useL1", "model.useL2", "model.useL3", "model.negatives",
            "model.tagSet", "model.l3Detached", "model.similarity", "model.temperature", "train.steps",
            "train.batchSize", "train.textLearningRate", "train.seed");

    /**
     * What every run of one table shares. A table never mixes settings: {@link #run} and {@link #merge}
     * refuse runs whose settings differ from those already in the output folder. {@code textLearningRate}
     * is the text encoder's peak rate when it differs from the main one, else null (as in files written
     * before it was recorded). {@code dropout} is the model's when it differs from 0.1, else null: runs
     * recorded before it was (with the cpu preset's dropout of that time, 0.1) read as 0.1, and are
     * never mixed with runs of the present preset (dropout 0).
     */
    public record Settings(long steps, int batch, Similarity similarity, double temperature, int evalClips, int topR,
            String bert, Double textLearningRate, String benchmark, Double dropout, List<String> overrides,
            List<String> objective) {
        /**
         * bert is kept as {@link PretrainedText#identity}; files that recorded the MiniLM's cache path of their machine
         * read the same.
         * objective: where the preset's objective departs from the paper's ({@link TrainOptions#objectiveDepartures}),
         * null for the paper's, as every file written before the preset departed holds.
         */
        public Settings {
            bert = bert == null ? null : PretrainedText.identity(Path.of(bert));
            objective = objective == null || objective.isEmpty() ? null : List.copyOf(objective);
        }

        /** Settings of the paper's objective (as files written before the objective was recorded). */
        public Settings(long steps, int batch, Similarity similarity, double temperature, int evalClips, int topR,
                String bert, Double textLearningRate, String benchmark, Double dropout, List<String> overrides) {
            this(steps, batch, similarity, temperature, evalClips, topR, bert, textLearningRate, benchmark, dropout,
                    overrides, null);
        }

        /** The dropout the rows trained with. */
        public double dropoutValue() {
            return dropout == null ? LEGACY_DROPOUT : dropout;
        }

        String describe() {
            return String.format(Locale.ROOT,
                    "%s, %d steps, K = %d, %s, dropout %s, %s eval clips, cascade top %d, text encoder %s%s",
                    benchmark == null ? "template benchmark" : benchmark + " benchmark", steps, batch,
                    similarity == Similarity.DOT ? "dot products" : "cosine τ = " + temperature, dropoutValue(),
                    evalClips == 0 ? "all" : Integer.toString(evalClips), topR,
                    bert == null ? "from scratch" : "from " + bert,
                    textLearningRate == null ? "" : " at learning rate " + textLearningRate)
                    + (overrides == null ? "" : ", with " + String.join(", ", overrides))
                    + (objective == null ? ", the paper's objective"
                            : ", objective departing from the paper's by " + String.join(", ", objective));
        }
    }

    /** The cpu preset's dropout before it became 0: what a results file without a dropout was trained with. */
    static final double LEGACY_DROPOUT = 0.1;

    /** Metrics of one trained model. */
    /**
     * @param stall the stall the training showed ({@link io.github.taco.train.StallDetector}), e.g. "collapse since
     *              step 34", or null
     */
    public record Run(String row, long seed, Settings settings, double trainSeconds, String method, double r1,
            double r5, double r10, double medR, double r1s1, double r1s12, String stall) {
        /** A run without a stall (as in files written before stalls were detected). */
        public Run(String row, long seed, Settings settings, double trainSeconds, String method, double r1, double r5,
                double r10, double medR, double r1s1, double r1s12) {
            this(row, seed, settings, trainSeconds, method, r1, r5, r10, medR, r1s1, r1s12, null);
        }
    }

    public static final String RESULTS_FILE = "results.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Ablation() {}

    /** The settings a call with this spec trains with: the cpu preset's, changed by the spec's overrides. */
    public static Settings settings(Spec spec) {
        TrainingRun.Spec preset = new TrainingRun.Spec();
        preset.model = Preset.CPU.model(0);
        preset.train = Preset.CPU.train();
        if (spec.paperObjective) {
            preset.train.usePaperObjective(preset.model);
        }
        // the preset's own departures; those of --set are in the overrides
        List<String> objective = preset.train.objectiveDepartures(preset.model);
        List<String> overrides = checkedOverrides(spec.overrides, preset);
        TacoConfig model = preset.model;
        TrainOptions train = preset.train;
        // The text rate the rows train at, chosen by TrainingRun's own rule (preset ratio from scratch, a
        // fifth with --bert); null when it is the main rate, so such runs compare equal to those recorded
        // before the option existed.
        preset.bert = spec.bert;
        double textRate = spec.textLearningRate != null ? spec.textLearningRate
                : TrainingRun.trainOptions(preset).effectiveTextLearningRate();
        return new Settings(spec.steps != null ? spec.steps : train.steps,
                spec.batch != null ? spec.batch : train.batchSize,
                spec.similarity != null ? spec.similarity : model.similarity,
                spec.temperature != null ? spec.temperature : model.temperature, spec.evalClips, spec.topR,
                spec.bert == null ? null : spec.bert.toString(),
                textRate == train.learningRate ? null : textRate,
                // results written before the youcook2 benchmark existed have none: they were on the template one
                render(spec) == null ? null : BuiltInBenchmark.describe(render(spec)),
                model.dropout == LEGACY_DROPOUT ? null : model.dropout, overrides, objective);
    }

    /** The youcook2 benchmark's render settings, or null for the template captions. */
    static RenderConfig render(Spec spec) {
        if (spec.variant != null) {
            if (spec.noise != null) {
                throw new IllegalArgumentException("a benchmark variant fixes its noise: give the variant alone");
            }
            return spec.variant.captions() == BuiltInBenchmark.Captions.TEMPLATE ? null
                    : spec.variant.renderConfig(spec.benchmarkSeed);
        }
        return spec.captions == BuiltInBenchmark.Captions.TEMPLATE ? null
                : BuiltInBenchmark.renderConfig(spec.benchmarkSeed, spec.noise);
    }

    /**
     * The overrides sorted (so that their order never splits a table), after applying them to
     * {@code preset} and validating the result; null when there are none, as in files written before
     * they were recorded.
     *
     * @throws IllegalArgumentException for a malformed or unknown key, a key in {@link #ROW_KEYS}, or an invalid value
     */
    private static List<String> checkedOverrides(List<String> overrides, TrainingRun.Spec preset) {
        if (overrides == null || overrides.isEmpty()) {
            return null;
        }
        for (String o : overrides) {
            String key = o.contains("=") ? o.substring(0, o.indexOf('=')).trim() : o;
            if (ROW_KEYS.contains(key)) {
                throw new IllegalArgumentException("--set " + o + ": " + key
                        + " is decided by each row or by an option of its own (--steps, --batch, --similarity, "
                        + "--temperature, --text-lr, --seeds); overrides may not change "
                        + String.join(", ", ROW_KEYS));
            }
        }
        RunConfigFile.applyOverrides(preset, overrides);
        try {
            TacoConfig model = preset.model.copy();
            model.featureDim = Math.max(1, model.featureDim); // the benchmark's width is set when a row trains
            model.validate();
            preset.train.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--set " + String.join(" ", overrides) + ": " + e.getMessage(), e);
        }
        return overrides.stream().map(String::trim).sorted().toList();
    }

    /**
     * Trains and evaluates every (row, seed) of the spec that is not yet in {@code out/results.json},
     * so a stopped ablation continues where it left off (the run in progress starts over) and rows or
     * seeds can be added later. Results, table and chart are rewritten after every run.
     *
     * @throws IllegalArgumentException before anything is trained, if the folder holds runs with other settings
     */
    public static List<Run> run(Spec spec, PrintStream out) throws IOException {
        if (spec.similarity != null) {
            TacoConfig.checkTemperatureApplies(spec.temperature, spec.similarity);
        }
        Settings settings = settings(spec);
        List<Run> runs = existing(spec.out);
        requireSettings(runs, settings, spec.out.resolve(RESULTS_FILE));
        Path synth = spec.data != null ? spec.data : spec.out.resolve("synth");
        for (Row row : spec.rows) {
            for (long seed : spec.seeds) {
                if (find(runs, row.name, seed) != null) {
                    LOG.info("ablation row '{}' seed {}: already in {}, skipped", row.name, seed,
                            spec.out.resolve(RESULTS_FILE));
                    continue;
                }
                RenderConfig render = render(spec);
                if (render != null) {
                    CaptionBenchmark.ensure(render, synth);
                } else {
                    BuiltInBenchmark.ensure(BuiltInBenchmark.Captions.TEMPLATE, spec.benchmarkSeed, spec.noise, synth);
                }
                double fps = render == null ? 1 : render.fps();
                String dir = row.name.replaceAll("[^A-Za-z0-9+]+", "-") + "-seed" + seed;
                TrainingRun.Spec t = Demo.trainingSpec(synth, spec.out.resolve(dir), seed, spec.bert);
                t.fps = fps;
                if (spec.paperObjective) {
                    t.train.usePaperObjective(t.model);
                }
                if (settings.overrides() != null) {
                    RunConfigFile.applyOverrides(t, settings.overrides());
                }
                row.change.accept(t.model);
                t.model.similarity = settings.similarity;
                t.model.temperature = settings.temperature;
                t.train.steps = settings.steps;
                t.train.batchSize = settings.batch;
                // explicit even when it is the main rate, so that TrainingRun's default for --bert does not apply
                t.train.textLearningRate = settings.textLearningRate != null ? settings.textLearningRate
                        : t.train.learningRate;
                t.evalEvery = 0;
                t.validator = null;
                LOG.info("ablation row '{}' seed {}: {} steps", row.name, seed, t.train.steps);
                t.onStall = TrainingRun.OnStall.WARN; // a table counts its stalls rather than stopping at the first
                t.calibrator = CascadeCalibration.calibrator(t, spec.topR);
                TrainingRun.Result trained = TrainingRun.run(t);
                EvalRun.Spec e = new EvalRun.Spec();
                e.checkpoint = trained.checkpoint();
                e.annotations = t.annotations;
                e.features = t.features;
                e.fps = fps;
                if (trained.calibration() != null) {
                    t.model.weightS2 = trained.calibration().weightS2();
                    t.model.weightS3 = trained.calibration().weightS3();
                }
                e.split = Split.VALIDATION;
                e.maxClips = spec.evalClips;
                e.topR = t.model.useL3 ? spec.topR : 0;
                e.exhaustiveLimit = 0;
                RetrievalEvaluator.Report r = EvalRun.run(e);
                String method = t.model.useL3 ? r.rows().get(r.rows().size() - 1).method()
                        : t.model.useL2 ? RetrievalEvaluator.s1PlusS2(t.model) : RetrievalEvaluator.S1;
                var m = r.row(method).textToVideo();
                Run run = new Run(row.name, seed, settings, trained.seconds(), method, m.r1(), m.r5(), m.r10(),
                        m.medianRank(), r.row(RetrievalEvaluator.S1).textToVideo().r1(),
                        r.row(RetrievalEvaluator.s1PlusS2(t.model)).textToVideo().r1(), trained.stall() == null ? null
                                : trained.stall().kind().label() + " since step " + trained.stall().since());
                LOG.info("{}", run);
                runs = record(spec.out, run);
            }
        }
        out.print(AblationReport.markdown(runs));
        return runs;
    }

    /**
     * Adds the runs of other ablation folders (each one's results.json) to {@code out} and writes one
     * table and chart, for rows trained in parallel (one process per core or machine). Nothing is trained.
     *
     * @throws IllegalArgumentException if the settings differ, or one (row, seed) has two different results
     */
    public static List<Run> merge(Path out, List<Path> from, PrintStream print) throws IOException {
        List<Run> runs = existing(out);
        for (Path dir : from) {
            Path file = dir.resolve(RESULTS_FILE);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(dir + ": no " + RESULTS_FILE
                        + " (is it a taco ablate --out folder?)");
            }
            List<Run> more = read(file);
            if (!runs.isEmpty()) { // the runs gathered so far set the table's settings
                requireSettings(more, runs.get(0).settings, file);
            }
            for (Run r : more) {
                Run same = find(runs, r.row, r.seed);
                if (same == null) {
                    runs.add(r);
                } else if (!same.equals(r)) {
                    throw new IllegalArgumentException(file + ": row '" + r.row + "' seed " + r.seed
                            + " is already merged with other results (R@1 " + same.r1 + " vs " + r.r1
                            + "); leave one of the folders out");
                }
            }
        }
        write(out, runs);
        print.print(AblationReport.markdown(runs));
        return runs;
    }

    /** The runs in {@code dir/results.json}, or none if there is no such file. */
    static List<Run> existing(Path dir) throws IOException {
        Path file = dir.resolve(RESULTS_FILE);
        return Files.exists(file) ? read(file) : new ArrayList<>();
    }

    static List<Run> read(Path file) throws IOException {
        List<Run> runs;
        try {
            runs = new ArrayList<>(JSON.readValue(file.toFile(), new TypeReference<List<Run>>() {}));
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not an ablation " + RESULTS_FILE + " (" + e.getOriginalMessage() + ")", e);
        }
        for (Run r : runs) {
            if (r.row == null || r.settings == null) {
                throw new IOException(file + ": a run has no " + (r.row == null ? "row name" : "settings")
                        + " (written before taco ablate recorded them?); move the file away or use another folder");
            }
        }
        if (!runs.isEmpty()) {
            requireSettings(runs, runs.get(0).settings, file);
        }
        return runs;
    }

    /** Refuses {@code runs} (read from {@code where}) unless all have the {@code wanted} settings. */
    private static void requireSettings(List<Run> runs, Settings wanted, Path where) {
        for (Run r : runs) {
            if (!r.settings.equals(wanted)) {
                throw new IllegalArgumentException(where + ": holds runs with " + r.settings.describe() + ", not "
                        + wanted.describe() + "; a table never mixes settings, so use another folder");
            }
        }
    }

    private static Run find(List<Run> runs, String row, long seed) {
        return runs.stream().filter(r -> r.row.equals(row) && r.seed == seed).findFirst().orElse(null);
    }

    /** Writes results.json, table.md and chart.png (each atomically) after every run, so partial results survive. */
    /**
     * Adds a finished run to the folder's results under a file lock, re-reading the file first: rows
     * run in parallel as separate {@code taco ablate} processes on one {@code --out} then keep each
     * other's runs (before, the last process to finish wrote its own list over the others').
     *
     * @return every run of the folder, this one included
     */
    static List<Run> record(Path out, Run run) throws IOException {
        Files.createDirectories(out);
        try (FileChannel ch = FileChannel.open(out.resolve(".results.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.lock()) {
            List<Run> runs = new ArrayList<>(existing(out));
            runs.removeIf(r -> r.row().equals(run.row()) && r.seed() == run.seed());
            runs.add(run);
            write(out, runs);
            return runs;
        }
    }

    static void write(Path out, List<Run> runs) throws IOException {
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve(RESULTS_FILE), JSON.writeValueAsString(runs));
        AtomicFiles.writeString(out.resolve("table.md"), AblationReport.markdown(runs));
        AblationReport.writeChart(out.resolve("chart.png"), runs);
    }
}
