package io.github.taco.cli;

import io.github.taco.data.synth.SyntheticTasks;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco synth-tasks}: CrossTask and COIN stand-ins from a synthetic benchmark. */
@Command(name = "synth-tasks", header = "Write synthetic CrossTask and COIN stand-ins from a 'taco synth' folder.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write synthetic CrossTask (crosstask_release/ layout) and COIN (COIN.json) stand-ins from a "
                + "folder written by 'taco synth': tasks = dominant ingredient, steps = (verb, object) concepts named "
                + "like \"chop onion\", intervals from synth_truth.json; its training videos train, its validation "
                + "videos test; narration is left out.",
                "",
                "Use the benchmark's features/ folder as --features of 'taco crosstask' and 'taco coin'.",
                "",
                "Example: taco synth-tasks --synth synth \\",
                "           --crosstask-out synth/crosstask_release --coin-out synth/coin"})
final class SynthTasksCommand implements Callable<Integer> {
    @Option(names = "--synth", required = true,
            description = "A folder written by 'taco synth --out' (holds synth_truth.json).")
    Path synth;

    @Option(names = "--crosstask-out", description = "Write the CrossTask stand-in into this folder.")
    Path crossTaskOut;

    @Option(names = "--coin-out", description = "Write COIN.json into this folder.")
    Path coinOut;

    @Option(names = "--max-task-steps",
            description = "Cap on a CrossTask task's step list (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + SyntheticTasks.DEFAULT_MAX_TASK_STEPS)
    int maxTaskSteps;

    @Override
    public Integer call() throws Exception {
        if (crossTaskOut == null && coinOut == null) {
            throw new IllegalArgumentException("nothing to do: give --crosstask-out and/or --coin-out");
        }
        if (crossTaskOut != null) {
            SyntheticTasks.Summary s = SyntheticTasks.writeCrossTask(synth, crossTaskOut, maxTaskSteps);
            System.out.printf("CrossTask: %d tasks (%d steps), %d videos (%d validation), %d annotated -> %s%n",
                    s.tasks(), s.steps(), s.videos(), s.validationVideos(), s.annotatedVideos(), crossTaskOut);
        }
        if (coinOut != null) {
            SyntheticTasks.Summary s = SyntheticTasks.writeCoin(synth, coinOut);
            System.out.printf("COIN: %d step classes, %d videos (%d testing) -> %s%n", s.steps(), s.videos(),
                    s.validationVideos(), coinOut.resolve("COIN.json"));
        }
        return 0;
    }
}
