package io.github.taco.eval;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.data.Split;
import io.github.taco.data.YouCook2Reader;
import io.github.taco.data.synth.BuiltInBenchmark;
import io.github.taco.data.synth.CaptionBenchmark;
import io.github.taco.io.AtomicFiles;
import io.github.taco.model.PretrainedText;
import io.github.taco.train.Preset;
import io.github.taco.train.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main job on the built-in data: write the benchmark (YouCook2's real captions with rendered
 * features, docs/benchmark.md), train TACo with the {@code cpu} preset (its objective, docs/method.md §4)
 * and, beside it, the same model with the sentence loss L1 only, then evaluate both on the validation
 * split, so a user sees what TACo's extra losses add at this budget.
 *
 * <p>The L1 run trains in a child JVM ({@link #main}) while this one trains TACo: the engine's random
 * seed is global to a process (the trainer re-seeds it every step for exact resume), so two trainings
 * in one JVM would not be reproducible. Give each one engine thread (one core each). The child also
 * evaluates L1, beside TACo's training or evaluation; TACo's evaluation takes every core once the child
 * has exited.
 */
public final class Demo {
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    public static final class Spec {
        public Path out = Path.of("runs", "demo");
        /** Seed of the benchmark and of both trainings. */
        public long seed = 42;
        /** Training steps (null: the cpu preset's). */
        public Long steps;
        /** Cascade re-scoring depth of the final evaluation. */
        public int topR = 10;
        public BuiltInBenchmark.Captions captions = BuiltInBenchmark.Captions.YOUCOOK2;
        /** Noise of the youcook2 benchmark (null: the default, docs/benchmark.md). */
        public Double noise;
        /** Also train L1 alone, in a child JVM, beside TACo. */
        public boolean baseline = true;
        /** Engine threads of the child JVM (the parent's are set by its caller). */
        public int baselineThreads = 1;
        /**
         * Start both text encoders from this Hugging Face BERT folder (e.g. the bundled MiniLM), or null: from scratch.
         */
        public Path bert;
    }

    /** Both trainings and their evaluations; the baseline's are null when it was not trained. */
    public record Result(Path synth, TrainingRun.Result training, RetrievalEvaluator.Report test,
            Path baselineCheckpoint, RetrievalEvaluator.Report baselineTest) {}

    private Demo() {}

    public static Result run(Spec spec, PrintStream out) throws IOException {
        Path synth = spec.out.resolve("synth");
        long t = System.nanoTime();
        if (BuiltInBenchmark.ensure(spec.captions, spec.seed, spec.noise, synth)) {
            LOG.info("benchmark ({}) written to {} in {} s",
                    BuiltInBenchmark.describe(spec.captions, spec.seed, spec.noise), synth,
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t) / 1e9));
        } else {
            LOG.info("reusing the benchmark in {}", synth);
        }
        long steps = spec.steps != null ? spec.steps : Preset.CPU.train().steps;
        Path baselineDir = spec.out.resolve("train-l1");
        Process baseline = spec.baseline
                ? startBaseline(synth, baselineDir, spec.seed, steps, spec.baselineThreads, spec.bert) : null;
        TrainingRun.Spec train = trainingSpec(synth, spec.out.resolve("train"), spec.seed, spec.bert);
        train.train.steps = steps;
        TrainingRun.Result trained;
        try {
            train.calibrator = CascadeCalibration.calibrator(train, spec.topR);
            trained = TrainingRun.run(train);
        } catch (IOException | RuntimeException e) {
            if (baseline != null) {
                baseline.destroy();
            }
            throw e;
        }
        if (baseline == null || !baseline.isAlive()) {
            useAllCores(); // nothing trains or evaluates beside this evaluation any more
        }
        if (trained.calibration() != null) {
            out.println(trained.calibration().summary());
        }
        RetrievalEvaluator.Report report = evaluate(trained.checkpoint(), synth, spec.topR);
        out.printf(Locale.ROOT,
                "%nTACo (%s, cpu preset, %d steps, %.0f s of training), validation clips of the built-in benchmark:%n",
                train.model.lossesName(), trained.steps(), trained.seconds());
        out.print(report.table());
        out.printf(Locale.ROOT, "checkpoint: %s%ncurves:     %s%n", trained.checkpoint(),
                spec.out.resolve("train").resolve("curves.png"));
        Path baselineCheckpoint = null;
        RetrievalEvaluator.Report baselineReport = null;
        if (baseline != null) {
            int code;
            try {
                code = baseline.waitFor();
            } catch (InterruptedException e) {
                baseline.destroy();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the L1 baseline", e);
            }
            if (code != 0) {
                throw new IOException("the L1 baseline's training failed (exit " + code + "): see "
                        + baselineDir.resolve("train.log"));
            }
            baselineCheckpoint = baselineDir.resolve("checkpoint");
            baselineReport = readReport(baselineDir.resolve(BASELINE_REPORT));
            out.printf(Locale.ROOT, "%nL1 alone (the same model and budget, sentence loss only):%n");
            out.print(baselineReport.table());
            double taco = report.rows().get(report.rows().size() - 1).textToVideo().r1();
            double l1 = baselineReport.row(RetrievalEvaluator.S1).textToVideo().r1();
            out.printf(Locale.ROOT, "%ntext→video R@1: TACo %.2f (%s) vs L1 %.2f (s1): %+.2f%n", taco,
                    report.rows().get(report.rows().size() - 1).method(), l1, taco - l1);
        }
        return new Result(synth, trained, report, baselineCheckpoint, baselineReport);
    }

    private static RetrievalEvaluator.Report evaluate(Path checkpoint, Path synth, int topR) throws IOException {
        EvalRun.Spec eval = new EvalRun.Spec();
        eval.checkpoint = checkpoint;
        eval.annotations = synth.resolve(YouCook2Reader.ANNOTATION_FILE);
        eval.features = synth.resolve(CaptionBenchmark.FEATURES_DIR);
        eval.split = Split.VALIDATION;
        eval.topR = topR;
        eval.exhaustiveLimit = 0;
        return EvalRun.run(eval);
    }

    /** The L1 baseline's evaluation, written by the child JVM into its run folder. */
    static final String BASELINE_REPORT = "eval.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RetrievalEvaluator.Report readReport(Path file) throws IOException {
        try {
            return JSON.readValue(file.toFile(), RetrievalEvaluator.Report.class);
        } catch (IOException e) {
            throw new IOException("the L1 baseline's evaluation " + file + " is missing or unreadable: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Gives this JVM's engine one intra-op thread per core: the demo starts with one (one core per
     * training), and TACo's evaluation would leave the other core idle once the L1 child has exited.
     */
    private static void useAllCores() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            int cores = Runtime.getRuntime().availableProcessors();
            if (JniUtils.getNumThreads() < cores) {
                LOG.info("evaluating with {} engine threads (the L1 baseline has finished)", cores);
                JniUtils.setNumThreads(cores);
            }
        }
    }

    /** Starts {@link #main} in a child JVM of the same class path; its log goes to {@code out/train.log}. */
    private static Process startBaseline(Path synth, Path out, long seed, long steps, int threads,
            Path bert) throws IOException {
        Files.createDirectories(out);
        String javaBin = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(javaBin,
                "-Xmx" + Math.max(1, Runtime.getRuntime().maxMemory() / 2 / (1 << 20)) + "m",
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=" + threads,
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"), Demo.class.getName(),
                synth.toAbsolutePath().toString(), out.toAbsolutePath().toString(), Long.toString(seed),
                Long.toString(steps)));
        if (bert != null) {
            cmd.add(bert.toAbsolutePath().toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolve("train.log").toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        LOG.info("training L1 beside TACo in a child JVM (log: {})", out.resolve("train.log"));
        return pb.start();
    }

    /**
     * The child JVM of the demo: trains the L1 baseline, then evaluates it into {@value #BASELINE_REPORT} of its run
     * folder. Arguments: benchmark folder, run folder,
     * seed, steps[, BERT folder]. Not a user command ({@code taco train --losses L1} is).
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true"); // before any DJL class loads
        TrainingRun.Spec s = trainingSpec(Path.of(args[0]), Path.of(args[1]), Long.parseLong(args[2]),
                args.length > 4 ? Path.of(args[4]) : null);
        s.model.losses("L1");
        s.train.steps = Long.parseLong(args[3]);
        TrainingRun.Result trained = TrainingRun.run(s);
        // evaluated here, on this JVM's core, while TACo still trains or evaluates in the parent
        RetrievalEvaluator.Report report = evaluate(trained.checkpoint(), Path.of(args[0]), 0);
        AtomicFiles.writeString(Path.of(args[1]).resolve(BASELINE_REPORT), JSON.writeValueAsString(report));
    }

    /** The demo's training: the cpu preset (its objective), periodic validation on 500 held-out clips. */
    public static TrainingRun.Spec trainingSpec(Path synth, Path outDir, long seed) {
        try {
            return trainingSpec(synth, outDir, seed, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // only reading a BERT folder can fail
        }
    }

    /** The same, with the text encoder started from a Hugging Face BERT folder (null: from scratch). */
    public static TrainingRun.Spec trainingSpec(Path synth, Path outDir, long seed, Path bert) throws IOException {
        TrainingRun.Spec s = new TrainingRun.Spec();
        s.dataset = "youcook2";
        s.annotations = synth.resolve("youcookii_annotations_trainval.json");
        s.features = synth.resolve(CaptionBenchmark.FEATURES_DIR);
        s.outDir = outDir;
        s.overwrite = true; // the demo's and the ablation's own folders: a re-run starts that run over
        s.model = Preset.CPU.model(0);
        s.train = Preset.CPU.train();
        s.train.seed = seed;
        s.evalEvery = 100;
        s.validationClips = 500;
        s.logEvery = 20;
        s.validator = RetrievalEvaluator.validator();
        if (bert != null) {
            s.model = PretrainedText.sizes(bert, s.model);
            s.bert = bert;
            s.vocabulary = PretrainedText.vocabulary(bert);
        }
        return s;
    }
}
