package io.github.taco.eval;

import io.github.taco.data.Split;
import io.github.taco.data.synth.SynthConfig;
import io.github.taco.data.synth.SyntheticBenchmark;
import io.github.taco.model.TacoConfig;
import io.github.taco.train.TrainOptions;
import io.github.taco.train.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The main job on the built-in data: synthesize the benchmark, train the {@code cpu} preset with
 * the full TACo objective, and evaluate text→video retrieval on the held-out split.
 */
public final class Demo {
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    public static final class Spec {
        public Path out = Path.of("runs", "demo");
        public long seed = 42;
        /** Training steps (null: the cpu preset's). */
        public Long steps;
        /** Cascade re-scoring depth of the final evaluation. */
        public int topR = 10;
    }

    public record Result(Path synth, TrainingRun.Result training, RetrievalEvaluator.Report test) {}

    private Demo() {}

    public static Result run(Spec spec, PrintStream out) throws IOException {
        Path synth = spec.out.resolve("synth");
        Path annotations = synth.resolve("youcookii_annotations_trainval.json");
        if (Files.exists(synth.resolve(SyntheticBenchmark.TRUTH_FILE)) && Files.exists(annotations)) {
            LOG.info("reusing the synthetic benchmark in {}", synth);
        } else {
            long t = System.nanoTime();
            SyntheticBenchmark.generateTo(SynthConfig.defaults().withSeed(spec.seed), synth);
            LOG.info("synthetic benchmark written to {} in {} s", synth, String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t) / 1e9));
        }
        TrainingRun.Spec train = trainingSpec(synth, spec.out.resolve("train"), spec.seed);
        if (spec.steps != null) {
            train.train.steps = spec.steps;
        }
        TrainingRun.Result trained = TrainingRun.run(train);

        EvalRun.Spec eval = new EvalRun.Spec();
        eval.checkpoint = trained.checkpoint();
        eval.annotations = annotations;
        eval.features = synth.resolve(SyntheticBenchmark.FEATURES_DIR);
        eval.split = Split.VALIDATION;
        eval.topR = spec.topR;
        eval.exhaustiveLimit = 0;
        RetrievalEvaluator.Report report = EvalRun.run(eval);
        out.printf(Locale.ROOT, "%nTACo (%s, cpu preset, %d steps, %.0f s of training) on the synthetic benchmark's held-out clips:%n",
                train.model.lossesName(), trained.steps(), trained.seconds());
        out.print(report.table());
        out.printf(Locale.ROOT, "checkpoint: %s%ncurves:     %s%n", trained.checkpoint(), spec.out.resolve("train").resolve("curves.png"));
        return new Result(synth, trained, report);
    }

    /** The demo's training: the cpu preset, full objective, periodic validation on 500 held-out clips. */
    public static TrainingRun.Spec trainingSpec(Path synth, Path outDir, long seed) {
        TrainingRun.Spec s = new TrainingRun.Spec();
        s.dataset = "youcook2";
        s.annotations = synth.resolve("youcookii_annotations_trainval.json");
        s.features = synth.resolve(SyntheticBenchmark.FEATURES_DIR);
        s.outDir = outDir;
        s.model = TacoConfig.cpu(0);
        s.train = TrainOptions.preset("cpu");
        s.train.seed = seed;
        s.evalEvery = 100;
        s.validationClips = 500;
        s.logEvery = 20;
        s.validator = RetrievalEvaluator.validator();
        return s;
    }
}
