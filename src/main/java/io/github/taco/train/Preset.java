package io.github.taco.train;

import io.github.taco.io.EnumNames;
import io.github.taco.model.TacoConfig;

/**
 * The two settings presets, each for the model and its training together (docs/method.md §6):
 * {@code paper} (BERT-base sizes; Adam lr 1e-4, 5k warm-up steps, weight decay 1e-5, batch 128, 30k steps)
 * and {@code cpu} (a small model that trains in minutes on two cores). {@code taco train --preset} and a
 * run config's {@code preset:} name one.
 */
public enum Preset {
    CPU, PAPER;

    /** cpu or paper (any case); anything else is an error naming them. */
    public static Preset parse(String name) {
        return EnumNames.parse(Preset.class, name, "preset");
    }

    /** The model's settings ({@code featureDim} 0: read from the features when training starts). */
    public TacoConfig model(int featureDim) {
        return this == CPU ? TacoConfig.cpu(featureDim) : TacoConfig.paper(featureDim);
    }

    /** The optimisation settings. */
    public TrainOptions train() {
        TrainOptions o = new TrainOptions();
        switch (this) {
            case PAPER -> {
                o.steps = 30_000;
                o.batchSize = 128;
                o.learningRate = 1e-4;
                o.warmupSteps = 5_000;
                o.weightDecay = 1e-5;
                o.checkpointEvery = 1_000;
            }
            case CPU -> {
                o.steps = 300;
                o.batchSize = 64;
                o.learningRate = 5e-4;
                o.warmupSteps = 30;
                o.weightDecay = 1e-5;
                o.clipNorm = 5.0;
                o.checkpointEvery = 100;
                // measured on the built-in benchmark, 300 steps: text encoder at 2e-3 L1 47.5 R@1 against
                // 34.0 at 5e-4, and 28.2 at 5e-3 (docs/ablation-youcook2.md)
                o.scratchTextRateRatio = 4.0;
            }
        }
        return o;
    }
}
