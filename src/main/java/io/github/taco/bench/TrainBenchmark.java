package io.github.taco.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.taco.data.Batch;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.train.TrainOptions;
import io.github.taco.train.Trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Times full training steps (forward, L1+L2, cascade selection, fusion, backward, AdamW) on random
 * batches of real size, and reports milliseconds per phase, pairs per second and peak RSS.
 */
public final class TrainBenchmark {
    public record Result(String name, TacoConfig config, int batchSize, int steps, Map<String, Double> msPerPhase,
            double msPerStep, double pairsPerSecond, long peakRssMb, long parameters) {

        public String report() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%s: d=%d heads=%d%s layers text/video/fusion=%d/%d/%d, K=%d, K'=%d, tokens=%d, frames=%d, D=%d, %.1fM parameters, %d timed steps%n",
                    name, config.hiddenSize, config.numAttentionHeads,
                    config.textProjected() || config.textHeads() != config.numAttentionHeads
                            ? String.format(" (text encoder %d wide, %d heads%s)", config.textWidth(), config.textHeads(),
                                    config.textProjected() ? ", projected to d" : "") : "",
                    config.textLayers, config.videoLayers, config.fusionLayers,
                    batchSize, Math.min(config.kPrime, batchSize - 1), config.maxTokens, config.maxFrames, config.featureDim,
                    parameters / 1e6, steps));
            msPerPhase.forEach((k, v) -> sb.append(String.format("  %-18s %10.1f ms%n", k, v)));
            sb.append(String.format("  %-18s %10.1f ms%n", "step (total)", msPerStep));
            sb.append(String.format("  pairs/s %.1f, peak RSS %d MB, engine threads %s%n", pairsPerSecond, peakRssMb,
                    System.getProperty("ai.djl.pytorch.num_threads", "default")));
            return sb.toString();
        }
    }

    private TrainBenchmark() {}

    /** Runs {@code warmup} untimed steps, then {@code steps} timed ones. */
    public static Result run(String name, TacoConfig config, int batchSize, int warmup, int steps) {
        TrainOptions o = new TrainOptions();
        o.steps = warmup + steps + 1;
        o.batchSize = batchSize;
        o.warmupSteps = 1;
        try (NDManager root = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
                TacoModel model = new TacoModel(config, root, 1);
                Trainer trainer = new Trainer(model, o)) {
            Batch batch = RandomBatches.of(batchSize, config.maxFrames, config.featureDim, config.maxTokens, config.vocabSize, 1);
            for (int s = 0; s < warmup; s++) {
                trainer.train(batch);
            }
            trainer.timer().clear();
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                trainer.train(batch);
            }
            double ms = (System.nanoTime() - t0) / 1e6 / steps;
            Map<String, Double> phases = new LinkedHashMap<>(trainer.timer().millisPerStep(steps));
            return new Result(name, config, batchSize, steps, phases, ms, batchSize / (ms / 1000), peakRssMb(),
                    model.weights().parameterCount());
        }
    }

    /** VmHWM of this process from /proc (Linux); -1 elsewhere. */
    public static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return -1;
    }
}
