package io.github.taco.cli;

import io.github.taco.eval.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code taco demo}: the main job on the built-in synthetic benchmark. */
@Command(name = "demo", header = "The main job: synthesize the benchmark, train, evaluate, print the table.", mixinStandardHelpOptions = true,
        description = {"Synthesizes the built-in benchmark, trains the cpu preset with L1+L2+L3 (cascade), "
                + "evaluates text→video and video→text retrieval on held-out clips and prints the table.",
                "",
                "About 10 minutes on 2 CPU cores. Files go to --out (synth/, train/checkpoint, train/curves.png)."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).", defaultValue = "runs/demo")
    Path out;

    @Option(names = "--steps", description = "Training steps (default: the cpu preset's).")
    Long steps;

    @Option(names = "--seed", description = "Seed of the benchmark and the training (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Option(names = "--top-r", description = "Cascade depth of the final evaluation (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int topR;

    @Override
    public Integer call() throws Exception {
        Demo.Spec spec = new Demo.Spec();
        spec.out = out;
        spec.steps = steps;
        spec.seed = seed;
        spec.topR = topR;
        Demo.run(spec, System.out);
        return 0;
    }
}
