package io.github.taco.cli;

import io.github.taco.bench.ParityExport;
import io.github.taco.bench.TrainBenchmark;
import io.github.taco.model.TacoConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code taco bench ...}: measured performance figures. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: time a training step on random batches of real size.",
        subcommands = {BenchCommand.Train.class, BenchCommand.ExportParity.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: try 'taco bench train'.");
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Times training steps and prints ms/step split into text encoder, video encoder, L1+L2,",
                    "cascade selection, fusion, backward and optimizer; pairs/s; peak RSS.",
                    "Example: taco bench train --preset cpu --steps 5"})
    static final class Train implements Callable<Integer> {
        @Option(names = "--preset", description = "cpu, paper or both (default: ${DEFAULT-VALUE}).", defaultValue = "both")
        String preset;

        @Option(names = "--batch", description = "K, pairs per batch (default: 64 for cpu, 128 for paper).")
        Integer batch;

        @Option(names = "--kprime", description = "K', hard negatives per anchor (default: 4 for cpu, 8 for paper).")
        Integer kPrime;

        @Option(names = "--steps", description = "Timed steps (default: ${DEFAULT-VALUE}).", defaultValue = "3")
        int steps;

        @Option(names = "--warmup", description = "Untimed steps first (default: ${DEFAULT-VALUE}).", defaultValue = "1")
        int warmup;

        @Option(names = "--feature-dim", description = "D of the random features (default: ${DEFAULT-VALUE}).", defaultValue = "1024")
        int featureDim;

        @Option(names = "--hidden", description = "Override d (intermediate size follows as 4d).") Integer hidden;
        @Option(names = "--frames", description = "Override frames per clip.") Integer frames;
        @Option(names = "--tokens", description = "Override tokens per caption.") Integer tokens;
        @Option(names = "--text-layers", description = "Override text layers.") Integer textLayers;
        @Option(names = "--fusion-layers", description = "Override fusion layers.") Integer fusionLayers;

        private TacoConfig override(TacoConfig c) {
            if (hidden != null) { c.hiddenSize = hidden; c.intermediateSize = 4 * hidden; }
            if (frames != null) c.maxFrames = frames;
            if (tokens != null) c.maxTokens = tokens;
            if (textLayers != null) c.textLayers = textLayers;
            if (fusionLayers != null) c.fusionLayers = fusionLayers;
            return c;
        }

        @Override
        public Integer call() {
            if (preset.equals("cpu") || preset.equals("both")) {
                TacoConfig c = override(TacoConfig.cpu(featureDim));
                c.kPrime = kPrime != null ? kPrime : 4;
                System.out.print(TrainBenchmark.run("cpu preset", c, batch != null ? batch : 64, warmup, steps).report());
            }
            if (preset.equals("paper") || preset.equals("both")) {
                TacoConfig c = override(TacoConfig.paper(featureDim));
                c.kPrime = kPrime != null ? kPrime : 8;
                System.out.print(TrainBenchmark.run("paper sizes", c, batch != null ? batch : 128, warmup, steps).report());
            }
            if (!preset.matches("cpu|paper|both")) {
                throw new IllegalArgumentException("--preset must be cpu, paper or both, got '" + preset + "'");
            }
            return 0;
        }
    }

    /** Export for tools/parity/parity.py; hidden because it is a developer tool, not a user feature. */
    @Command(name = "export-parity", hidden = true, mixinStandardHelpOptions = true,
            description = {"Writes a random checkpoint, a padded random batch, its scores, losses and a few gradients",
                    "(eval mode) as safetensors, for tools/parity/parity.py to check against PyTorch.",
                    "Example: taco bench export-parity --out /tmp/parity --preset tiny --similarity cosine"})
    static final class ExportParity implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Output folder.")
        Path out;

        @Option(names = "--preset", description = "tiny, cpu or paper (default: ${DEFAULT-VALUE}).", defaultValue = "cpu")
        String preset;

        @Option(names = "--batch", description = "K (default: 8 tiny, 64 cpu, 128 paper).")
        Integer batch;

        @Option(names = "--kprime", description = "K' (default: 3 tiny, 4 cpu, 8 paper).")
        Integer kPrime;

        @Option(names = "--similarity", description = "dot or cosine (default: ${DEFAULT-VALUE}).", defaultValue = "dot")
        String similarity;

        @Option(names = "--seed", description = "Seed of the weights and the batch (default: ${DEFAULT-VALUE}).", defaultValue = "1")
        long seed;

        @Option(names = "--feature-dim", description = "D (default: ${DEFAULT-VALUE}; the tiny preset caps it at 24).", defaultValue = "1024")
        int featureDim;

        @Option(names = "--l1-video-to-text", description = "Also the video->text direction in L1.")
        boolean l1VideoToText;

        @Override
        public Integer call() throws Exception {
            if (!preset.matches("tiny|cpu|paper")) {
                throw new IllegalArgumentException("--preset must be tiny, cpu or paper, got '" + preset + "'");
            }
            ParityExport.Result r = ParityExport.run(new ParityExport.Options(out, preset, batch, kPrime, similarity, seed,
                    featureDim, l1VideoToText));
            System.out.printf("exported %s preset (d=%d, K=%d, K'=%d, %s) to %s%n", preset, r.config().hiddenSize,
                    r.batchSize(), r.kPrime(), r.config().similarity, out);
            r.losses().forEach((k, v) -> System.out.printf("  %-6s %.6f%n", k, v));
            System.out.printf("  gradients of %d parameters%n", r.gradNames().size());
            return 0;
        }
    }
}
