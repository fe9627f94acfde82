package io.github.taco.cli;

import io.github.taco.data.synth.BuiltInBenchmark;
import io.github.taco.eval.Demo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco demo}: the main job on the built-in synthetic benchmark. */
@Command(name = "demo", header = "The main job: write the benchmark, train TACo and L1, evaluate, print both tables.",
        mixinStandardHelpOptions = true,
        description = {"Writes the built-in benchmark (YouCook2's real captions with features rendered from their "
                + "words, docs/benchmark.md), trains TACo with the cpu preset (its objective: L1 trains the encoders, "
                + "L3 the fusion, and the cascade's weights are chosen on 50 held-out training videos; docs/method.md "
                + "§4) and, beside it in a second JVM, the same model with L1 only; evaluates text→video and "
                + "video→text retrieval on the 3,492 validation clips and prints both tables and the difference.",
                "",
                "Each training takes one core (one engine thread). Files go to --out (synth/, train/checkpoint, "
                + "train/curves.png, train-l1/)."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).", defaultValue = "runs/demo")
    Path out;

    @Option(names = "--steps", description = "Training steps (default: the cpu preset's).")
    Long steps;

    @Option(names = "--seed", description = "Seed of the benchmark and the training (default: ${DEFAULT-VALUE}).",
            defaultValue = "42")
    long seed;

    @Option(names = "--top-r", description = "Cascade depth of the final evaluation (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int topR;

    @Option(names = "--captions",
            description = "youcook2 (real sentences, the default) or template (the earlier generated captions).",
            defaultValue = "youcook2")
    String captions;

    @Option(names = "--noise", description = "Noise of the youcook2 benchmark (default: docs/benchmark.md's).")
    Double noise;

    @Option(names = "--bert", description = "Start both text encoders from this Hugging Face BERT folder (default: "
            + "from scratch)." + BertFolder.HELP + " About 1.4 × the step time of the scratch encoder.",
            converter = BertFolder.class)
    Path bert;

    @Option(names = "--no-baseline", negatable = false, description = "Train TACo only (no L1 run beside it).")
    boolean noBaseline;

    @Override
    public Integer call() throws Exception {
        Demo.Spec spec = new Demo.Spec();
        spec.out = out;
        spec.steps = steps;
        spec.seed = seed;
        spec.topR = topR;
        spec.captions = BuiltInBenchmark.Captions.parse(captions);
        spec.noise = noise;
        spec.baseline = !noBaseline;
        spec.bert = bert;
        if (spec.baseline) { // one core per training; must be set before the engine starts
            EngineThreads.forTraining(1);
        }
        Demo.run(spec, System.out);
        return 0;
    }
}
