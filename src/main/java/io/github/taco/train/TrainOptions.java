package io.github.taco.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.model.TacoConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Optimisation settings of a run (docs/method.md §6); saved in a checkpoint's {@code trainer_state.json}
 * so {@code --resume} continues with the same schedule.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class TrainOptions {
    public long steps = 1000;
    public int batchSize = 128;
    public double learningRate = 1e-4;
    /**
     * Peak learning rate of the text encoder proper (the {@code text.} embeddings and layers; not the
     * projection {@code text.proj}, which is new and trains at {@link #learningRate}). It follows the
     * same warm-up and decay, scaled by {@code textLearningRate / learningRate}. Null (absent from the
     * saved settings) = {@link #learningRate}. The paper fine-tunes its pretrained BERT at a lower rate
     * than it trains from scratch (docs/method.md §6: 2e-5 vs 1e-4); a run started with a pretrained
     * text encoder ({@code --bert}) defaults to {@link #PRETRAINED_TEXT_RATE_RATIO} × learningRate, one
     * from scratch to {@link #scratchTextRateRatio} × learningRate. 0 freezes the text encoder.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Double textLearningRate;
    /**
     * The text encoder's rate relative to {@link #learningRate} when {@link #textLearningRate} is unset
     * (a text encoder from scratch; {@code --bert} sets the rate itself). 1 in the {@code paper} preset,
     * 4 in {@code cpu}: at 300 steps a from-scratch text encoder learns too slowly at the main rate
     * (docs/ablation-youcook2.md, "the text encoder's learning rate").
     */
    public double scratchTextRateRatio = 1.0;
    public long warmupSteps = 100;
    public double weightDecay = 1e-5;
    /** Global gradient-norm clipping; 0 turns it off. */
    public double clipNorm = 0;
    public double beta1 = 0.9;
    public double beta2 = 0.999;
    public double eps = 1e-8;
    public long seed = 42;
    /** Write a checkpoint every N steps (0: only at the end). */
    public long checkpointEvery = 0;
    /**
     * Anchors per chunk of L3's fusion pairs (gradient caching, {@code TacoObjective#computeAndBackward}):
     * the fusion's activations of only {@code fusionChunk·(2K'+1)} pairs are alive at a time. It changes
     * memory and speed, not the gradients (up to float summation order). 0 (the default): sized
     * automatically ({@code TacoObjective.AUTO_CHUNK_BYTES}); ≥ K: the whole batch at once.
     */
    public int fusionChunk = 0;
    /**
     * [ours] For the first this many steps L3 takes random negatives instead of the model's
     * ({@code model.negatives}; a warm-up: before s1 and s2 have learned, the cascade's "hardest"
     * negatives are an untrained ranking's). 0 (the default): never.
     */
    public long randomNegativesSteps = 0;
    /**
     * [ours] L3 joins the objective only once s1 has learned: from the step at which s1's in-batch
     * text→video top-1 accuracy, averaged over the last {@link #GATE_WINDOW} steps, first reaches this
     * share; it then stays on. Before that the step is L1 + λ·L2 alone. Against the early phase issue 31
     * saw, where the fusion learns from untrained encoders' random "hard" negatives while L1 has not left
     * chance. 0 (the default, the paper): L3 from step 1.
     */
    public double l3StartAccuracy = 0;

    /**
     * [ours, a candidate of docs/benchmark-family.md] As {@link #l3StartAccuracy}, for L2: the step is L1 (+ L3)
     * until s1's in-batch accuracy over the last {@link #GATE_WINDOW} steps reaches this share, then L2 joins with
     * its weight λ ({@code model.lambda}). L2 is still computed and logged while its gate is closed. 0 (the
     * default, the paper): L2 from step 1.
     */
    public double l2StartAccuracy = 0;

    /**
     * [ours] Training videos held out of training (chosen by their ids: {@code data.CalibrationVideos}) so
     * that the inference cascade's weights of s2 and s3 can be chosen after training on their captions
     * ({@code eval.CascadeCalibration}, which {@code taco train} and {@code taco ablate} run) instead of the
     * paper's fixed 0.5 and 1. At most 10 % of the training videos are held out, and none when that is fewer than
     * 10 ({@code CalibrationVideos.count}). Ignored by a run without L3 (nothing to calibrate). 50 in the cpu
     * preset; 0 (here, the paper preset and {@code --objective paper}): none held out, the configured weights.
     */
    public int calibrationVideos = 0;

    /**
     * [ours, a candidate of docs/benchmark-family.md] The share of the steps, at the end of the run, for which
     * the videos held out by {@link #calibrationVideos} rejoin training once the cascade's weights have been
     * chosen on them (the weights chosen are kept). 0 (the default): they stay out of training.
     */
    public double calibrationRefit = 0;

    /**
     * [ours, 2.8 in the cpu preset: docs/benchmark-family.md] The calibration keeps s1 alone unless the best
     * weight pair beats it on the held-out captions by at least this z (the mean per-caption gain in hits@1 over its
     * standard error): against choosing weights by noise. 2.8 is a 5 % one-sided test over the grid's 19 other pairs
     * (Bonferroni). 0 (here, the paper preset and {@code --objective paper}): the best pair, whatever its margin.
     */
    public double calibrationGuard = 0;

    /** Steps the in-batch accuracy of {@link #l3StartAccuracy} and {@link #l2StartAccuracy} is averaged over. */
    public static final int GATE_WINDOW = 20;

    /**
     * The text encoder's rate relative to the main one when it starts pretrained: the paper's 2e-5 / 1e-4
     * (docs/method.md §6).
     */
    public static final double PRETRAINED_TEXT_RATE_RATIO = 0.2;

    public LearningRateSchedule schedule() {
        return new LearningRateSchedule(learningRate, warmupSteps, steps);
    }

    /**
     * The text encoder's peak rate: {@link #textLearningRate}, or {@link #scratchTextRateRatio} × {@link #learningRate}
     * when that is unset.
     */
    public double effectiveTextLearningRate() {
        return textLearningRate != null ? textLearningRate : learningRate * scratchTextRateRatio;
    }

    /**
     * The factor the text encoder's rate is the main schedule's at every step ({@link #scratchTextRateRatio}
     * when unset; exactly 1.0 when equal, so such a run updates bit for bit as one without the option).
     */
    public double textRateScale() {
        return textLearningRate == null ? scratchTextRateRatio : textLearningRate / learningRate;
    }

    /** λ of the paper's objective (docs/method.md §4). */
    public static final double PAPER_LAMBDA = 0.5;

    /**
     * Resets every setting of the objective that is ours, not the paper's, to the paper's value (docs/method.md
     * §4: L = L1 + 0.5·L2 + L3, every loss reaching every module it uses, L3 from step 1 on the model's
     * negatives, the cascade's fixed weights): {@code --objective paper}. K', the negatives' mode and the
     * similarity are settings the paper has too, and are kept.
     */
    public void usePaperObjective(TacoConfig m) {
        m.lambda = PAPER_LAMBDA;
        m.l3Weight = 1.0;
        m.l3Detached = false;
        m.l2MaskSharedTokens = false;
        m.l2DetachedFrom = TacoConfig.L2Detach.NONE;
        m.l1VideoToText = false;
        l3StartAccuracy = 0;
        l2StartAccuracy = 0;
        randomNegativesSteps = 0;
        calibrationVideos = 0;
        calibrationRefit = 0;
        calibrationGuard = 0;
    }

    /**
     * The settings of the objective in which these depart from the paper's ({@link #usePaperObjective}),
     * as {@code section.key=value}, sorted; empty for the paper's objective.
     */
    public List<String> objectiveDepartures(TacoConfig m) {
        List<String> d = new ArrayList<>();
        if (l3StartAccuracy != 0) d.add("train.l3StartAccuracy=" + l3StartAccuracy);
        if (l2StartAccuracy != 0) d.add("train.l2StartAccuracy=" + l2StartAccuracy);
        if (randomNegativesSteps != 0) d.add("train.randomNegativesSteps=" + randomNegativesSteps);
        if (calibrationVideos != 0) d.add("train.calibrationVideos=" + calibrationVideos);
        // the refit and the guard act only on held-out videos
        if (calibrationVideos != 0 && calibrationRefit != 0) d.add("train.calibrationRefit=" + calibrationRefit);
        if (calibrationVideos != 0 && calibrationGuard != 0) d.add("train.calibrationGuard=" + calibrationGuard);
        if (m.lambda != PAPER_LAMBDA) d.add("model.lambda=" + m.lambda);
        if (m.l1VideoToText) d.add("model.l1VideoToText=true");
        if (m.l2DetachedFrom != TacoConfig.L2Detach.NONE) d.add("model.l2DetachedFrom="
                + m.l2DetachedFrom.configName());
        if (m.l2MaskSharedTokens) d.add("model.l2MaskSharedTokens=true");
        if (m.l3Detached) d.add("model.l3Detached=true");
        if (m.l3Weight != 1.0) d.add("model.l3Weight=" + m.l3Weight);
        Collections.sort(d);
        return d;
    }

    /** A copy (the settings a trainer keeps are then not changed by its caller). */
    public TrainOptions copy() {
        return new ObjectMapper().convertValue(this, TrainOptions.class);
    }

    public TrainOptions validate() {
        if (steps <= 0) throw new IllegalArgumentException("steps must be > 0");
        if (batchSize < 2) throw new IllegalArgumentException(
                "batchSize must be >= 2 (contrastive losses need negatives)");
        if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0");
        if (textLearningRate != null && !(textLearningRate >= 0 && Double.isFinite(textLearningRate))) {
            throw new IllegalArgumentException("textLearningRate must be >= 0 (0 freezes the text encoder), got "
                    + textLearningRate);
        }
        if (!(scratchTextRateRatio >= 0 && Double.isFinite(scratchTextRateRatio))) {
            throw new IllegalArgumentException("scratchTextRateRatio must be >= 0, got " + scratchTextRateRatio);
        }
        if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps must be >= 0");
        if (weightDecay < 0) throw new IllegalArgumentException("weightDecay must be >= 0");
        if (clipNorm < 0) throw new IllegalArgumentException("clipNorm must be >= 0");
        if (fusionChunk < 0) throw new IllegalArgumentException("fusionChunk must be >= 0 (0: automatic), got "
                + fusionChunk);
        if (calibrationVideos < 0) throw new IllegalArgumentException(
                "calibrationVideos must be >= 0 (0: none held out), got " + calibrationVideos);
        if (!(calibrationGuard >= 0 && Double.isFinite(calibrationGuard))) {
            throw new IllegalArgumentException("calibrationGuard must be >= 0 (0: off), got " + calibrationGuard);
        }
        if (!(calibrationRefit >= 0 && calibrationRefit < 1)) {
            throw new IllegalArgumentException("calibrationRefit must be in [0, 1) (a share of the steps; 0: the "
                    + "held-out videos never rejoin training), got " + calibrationRefit);
        }
        if (!(l3StartAccuracy >= 0 && l3StartAccuracy <= 1)) {
            throw new IllegalArgumentException("l3StartAccuracy must be in [0, 1] (0: L3 from step 1), got "
                    + l3StartAccuracy);
        }
        if (!(l2StartAccuracy >= 0 && l2StartAccuracy <= 1)) {
            throw new IllegalArgumentException("l2StartAccuracy must be in [0, 1] (0: L2 from step 1), got "
                    + l2StartAccuracy);
        }
        if (randomNegativesSteps < 0) throw new IllegalArgumentException(
                "randomNegativesSteps must be >= 0 (0: off), got " + randomNegativesSteps);
        return this;
    }
}
