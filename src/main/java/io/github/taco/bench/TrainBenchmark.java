package io.github.taco.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.taco.data.Batch;
import io.github.taco.loss.TacoObjective;
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
    public record Result(String name, TacoConfig config, int batchSize, int fusionChunk, int steps,
            Map<String, Double> msPerPhase, double msPerStep, double pairsPerSecond, long peakRssMb, long parameters,
            double stepFlops, double gemmPeakFlops) {

        public String report() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%s: d=%d heads=%d%s layers text/video/fusion=%d/%d/%d, K=%d, K'=%d, tokens=%d, "
                    + "frames=%d, D=%d, dropout %s, %.1fM parameters, fusion chunk %s, %d timed steps%n",
                    name, config.hiddenSize, config.numAttentionHeads,
                    config.textProjected() || config.textHeads() != config.numAttentionHeads
                            ? String.format(" (text encoder %d wide, %d heads%s)", config.textWidth(),
                                    config.textHeads(),
                                    config.textProjected() ? ", projected to d" : "") : "",
                    config.textLayers, config.videoLayers, config.fusionLayers,
                    batchSize, Math.min(config.kPrime, batchSize - 1),
                    config.maxTokens, config.maxFrames, config.featureDim,
                    config.dropout, parameters / 1e6,
                    fusionChunk == 0 ? "automatic, " + TacoObjective.autoChunkAnchors(config, batchSize,
                            Math.min(config.kPrime, batchSize - 1), config.maxTokens + config.maxFrames) + " anchors"
                            : fusionChunk >= batchSize ? "whole batch" : fusionChunk + " anchors", steps));
            msPerPhase.forEach((k, v) -> sb.append(String.format("  %-18s %10.1f ms%n", k, v)));
            sb.append(String.format("  %-18s %10.1f ms%n", "step (total)", msPerStep));
            sb.append(String.format("  pairs/s %.1f, peak RSS %d MB, engine threads %s%n", pairsPerSecond, peakRssMb,
                    System.getProperty("ai.djl.pytorch.num_threads", "default")));
            double achieved = stepFlops / (msPerStep / 1000);
            sb.append(String.format("  matmul work %.1f GFLOP/step, %.1f GFLOP/s = %.0f%% of this machine's float32 "
                    + "GEMM peak (%.1f GFLOP/s)%n", stepFlops / 1e9, achieved / 1e9, 100 * achieved / gemmPeakFlops,
                    gemmPeakFlops / 1e9));
            return sb.toString();
        }
    }

    private TrainBenchmark() {}

    /**
     * A named benchmark shape; {@code tools/parity/parity.py time --preset NAME} builds the same one in
     * PyTorch, so the two step times compare like with like.
     */
    public record Shape(String label, TacoConfig config, int batch) {
        /** cpu, paper, small or large; {@code featureDim} (may be null) overrides the shape's D. */
        public static Shape named(String name, Integer featureDim) {
            Shape s = switch (name) {
                case "cpu" -> new Shape("cpu preset", withKPrime(TacoConfig.cpu(1024), 4), 64);
                case "paper" -> new Shape("paper sizes", withKPrime(TacoConfig.paper(1024), 8), 128);
                case "small" -> {
                    TacoConfig c = withKPrime(TacoConfig.cpu(512), 4);
                    c.dropout = 0.1; // the shapes time a step with dropout on (the cpu preset has none)
                    c.maxFrames = 16;
                    c.maxTokens = 20;
                    yield new Shape("small shape", c, 64);
                }
                case "large" -> {
                    TacoConfig c = withKPrime(TacoConfig.cpu(512), 8);
                    c.dropout = 0.1;
                    c.hiddenSize = 256;
                    c.intermediateSize = 1024;
                    c.maxFrames = 32;
                    c.maxTokens = 24;
                    yield new Shape("large shape", c, 128);
                }
                default -> throw new IllegalArgumentException("--preset must be cpu, paper, both, small or large, got '"
                        + name + "'");
            };
            if (featureDim != null) {
                s.config.featureDim = featureDim;
            }
            return s;
        }

        private static TacoConfig withKPrime(TacoConfig c, int kPrime) {
            c.kPrime = kPrime;
            return c;
        }
    }

    /** Runs {@code warmup} untimed steps, then {@code steps} timed ones. */
    public static Result run(String name, TacoConfig config, int batchSize, int fusionChunk, int warmup, int steps) {
        TrainOptions o = new TrainOptions();
        o.fusionChunk = fusionChunk;
        o.steps = warmup + steps + 1;
        o.batchSize = batchSize;
        o.warmupSteps = 1;
        try (NDManager root = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
                TacoModel model = new TacoModel(config, root, 1);
                Trainer trainer = new Trainer(model, o)) {
            Batch batch = RandomBatches.of(batchSize, config.maxFrames, config.featureDim, config.maxTokens,
                    config.vocabSize, 1);
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
            return new Result(name, config, batchSize, fusionChunk, steps, phases, ms, batchSize / (ms / 1000),
                    peakRssMb(), model.weights().parameterCount(), stepFlops(config, batchSize), gemmPeak(root));
        }
    }

    /**
     * Floating-point operations of the matrix products of one training step, counted from the shapes
     * (2 per multiply-add; backward = 2 × forward): the encoders, s1 and the token scores, and the fusion on
     * K + 2K·K' pairs (its last layer at position 0 only). Element-wise work (LayerNorm, GELU, softmax, dropout) is not
     * counted, so the share of the GEMM peak is a lower bound of how busy the cores are.
     */
    public static double stepFlops(TacoConfig c, int k) {
        int kp = Math.min(c.kPrime, k - 1);
        double n = c.maxTokens;
        double m = c.maxFrames;
        double d = c.hiddenSize;
        double macs = layersMacs(k, n, c.textWidth(), c.textIntermediate(), c.textLayers)
                + (c.textProjected() ? k * n * c.textWidth() * d : 0)
                + k * m * c.featureDim * d + layersMacs(k, m, d, c.intermediateSize, c.videoLayers)
                + k * d * k + k * n * d * k * m // s1, token scores
                + fusionMacs(k + 2.0 * k * kp, n + m, d, c.intermediateSize, c.fusionLayers);
        return 3 * 2 * macs;
    }

    /**
     * The fusion's multiply-adds on b pairs: its last layer computes position 0 only (the head reads
     * z[0]): keys and values of every position, one query, one attention row, one feed-forward.
     */
    static double fusionMacs(double b, double len, double d, double inter, int layers) {
        if (layers == 0) {
            return 0;
        }
        return layersMacs(b, len, d, inter, layers - 1)
                + b * (2 * len * d * d + 2 * d * d + 2 * d * inter + 2 * len * d);
    }

    /**
     * Multiply-adds of {@code layers} BERT layers on b sequences of length len: Q, K, V, output, feed-forward,
     * attention.
     */
    private static double layersMacs(double b, double len, double d, double inter, int layers) {
        return layers * (b * len * (4 * d * d + 2 * d * inter) + 2 * b * len * len * d);
    }

    /**
     * This machine's float32 matrix-product rate through the engine at its thread setting: the best of
     * 25 products of two 1024 × 1024 matrices, after a warm-up. (Best of 5 once came out at 235 instead of
     * about 420 GFLOP/s on a virtual machine, which made the share look like 89 %.)
     */
    public static double gemmPeak(NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.randomNormal(new ai.djl.ndarray.types.Shape(1024, 1024));
            NDArray b = m.randomNormal(new ai.djl.ndarray.types.Shape(1024, 1024));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 27; i++) {
                long t0 = System.nanoTime();
                a.matMul(b).close();
                if (i >= 2) {
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
            }
            return 2.0 * 1024 * 1024 * 1024 / best;
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
