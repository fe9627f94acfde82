package io.github.taco.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.taco.model.Negatives;
import io.github.taco.model.Scalars;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.util.Random;

/**
 * The training objective L = L1 + λ·L2 + L3 (docs/method.md §4; μ·L3 with the experiment knob
 * {@link TacoConfig#l3Weight}) on one batch of K positive pairs, with the
 * loss switches of the paper's ablations ({@code useL1}, {@code useL2}, {@code useL3}).
 *
 * <p>With {@link TacoConfig#l3Detached} the fusion sees detached encoder outputs, so L3 trains the fusion
 * only. The cascade's ranking score is {@link NegativeSampler}'s.
 */
public final class TacoObjective {
    private final TacoModel model;
    private final TacoConfig config;

    public TacoObjective(TacoModel model) {
        this.model = model;
        this.config = model.config();
    }

    /** The loss terms of one step; unused terms are null. s1 and s2 are [K, K] (s2 null without L2). */
    public record Terms(NDArray total, NDArray l1, NDArray l2, NDArray l3, NDArray s1, NDArray s2,
            NegativeSampler.Selection selection) {}

    /**
     * Forward pass and losses in one autograd graph (the reference path: every pair's fusion
     * activations are alive until the backward). Call inside a GradientCollector to train, and
     * within a per-batch NDManager that owns {@code in}.
     *
     * @param random drives {@code random} negative selection
     * @param timer  receives the phases "text encoder", "video encoder", "L1+L2", "cascade selection", "fusion"
     */
    public Terms compute(TacoModel.Inputs in, Random random, StepTimer timer) {
        return compute(in, random, timer, Integer.MAX_VALUE);
    }

    /**
     * As {@link #compute(TacoModel.Inputs, Random, StepTimer)}, running the fusion in chunks of
     * {@code chunkAnchors} anchors as {@link #computeAndBackward} does (so that with dropout on both
     * draw the same masks), all in one graph.
     */
    public Terms compute(TacoModel.Inputs in, Random random, StepTimer timer, int chunkAnchors) {
        Encoded e = encode(in, timer);
        NDArray l3 = null;
        NegativeSampler.Selection sel = null;
        if (config.useL3) {
            sel = select(e, random, config.negatives);
            timer.lap("cascade selection");
            TacoModel.FusionInputs f = fusionInputs(e, in);
            int k = (int) e.y.getShape().get(0);
            int chunk = chunkSize(chunkAnchors, k, sel.kPrime(), in);
            for (int from = 0; from < k; from += chunk) {
                NDArray share = FusionLoss.computeShare(model, f, sel, from, Math.min(k, from + chunk),
                        e.y.getManager());
                l3 = l3 == null ? share : l3.add(share);
            }
            timer.lap("fusion");
        }
        return new Terms(total(e.l1, e.l2, l3), e.l1, e.l2, l3, e.s1, e.s2, sel);
    }

    /**
     * L = L1 + λ·L2 + μ·L3 (docs/method.md §4; μ = 1 in the paper): the one place the terms are combined.
     * Terms not in use are null; null when none is.
     */
    NDArray total(NDArray l1, NDArray l2, NDArray l3) {
        NDArray total = l1;
        if (l2 != null) {
            NDArray weighted = Scalars.mul(l2, config.lambda);
            total = total == null ? weighted : total.add(weighted);
        }
        if (l3 != null) {
            NDArray weighted = config.l3Weight == 1.0 ? l3 : Scalars.mul(l3, config.l3Weight);
            total = total == null ? weighted : total.add(weighted);
        }
        return total;
    }

    /**
     * Forward and backward of L with gradient caching for L3: the same gradients as
     * {@code gc.backward(compute(...).total())} (up to float summation order), in the memory of one
     * chunk of {@code chunkAnchors} anchors' fusion pairs instead of all K + 2K·K' of them.
     *
     * <p>The fusion's inputs u and v ({@link TacoModel#fusionInputs}: the encoder outputs y and x with the
     * fusion's embeddings and input LayerNorm, per text and per video) are computed once in the step's
     * graph. The fusion then runs chunk by chunk on detached leaf copies of u and v; each chunk's share
     * of L3 is back-propagated at once, which fills the fusion layers' gradients and accumulates dL3/du
     * and dL3/dv in the copies, and its activations are freed. Then one backward of
     * L1 + λ·L2 + Σ(u ⊙ dL3/du) + Σ(v ⊙ dL3/dv) carries L3's share through the fusion's input and the encoders.
     * Dropout masks are drawn in the same order as by {@link #compute(TacoModel.Inputs, Random, StepTimer, int)}
     * with the same chunks, so the two paths also agree with dropout on (the chunk size decides which
     * masks are drawn, not how they are distributed).
     *
     * @param chunkAnchors anchors per chunk (≥ K: the whole batch as one chunk); 0 sizes the chunks by
     *                     {@link #AUTO_CHUNK_BYTES}
     * @return the terms (their arrays hold values; the graph has been consumed)
     */
    public Terms computeAndBackward(TacoModel.Inputs in, Random random, StepTimer timer, GradientCollector gc,
            int chunkAnchors) {
        return computeAndBackward(in, random, timer, gc, chunkAnchors, config.negatives);
    }

    /**
     * As {@link #computeAndBackward(TacoModel.Inputs, Random, StepTimer, GradientCollector, int)} with
     * this step's negatives instead of the model's (the trainer's warm-up with random ones,
     * {@code TrainOptions#randomNegativesSteps}).
     */
    public Terms computeAndBackward(TacoModel.Inputs in, Random random, StepTimer timer, GradientCollector gc,
            int chunkAnchors, Negatives negatives) {
        return computeAndBackward(in, random, timer, gc, chunkAnchors, negatives, true, true);
    }

    /**
     * As above, with the trainer's gates ({@code TrainOptions#l2StartAccuracy}, {@code TrainOptions#l3StartAccuracy}):
     * with {@code withL2} false L2 is computed (and returned, for the log) but not in L; with {@code withL3} false
     * the step trains L1 + λ·L2 alone, and L3 is null in the terms.
     */
    public Terms computeAndBackward(TacoModel.Inputs in, Random random, StepTimer timer, GradientCollector gc,
            int chunkAnchors, Negatives negatives, boolean withL2, boolean withL3) {
        Encoded e = encode(in, timer);
        NDArray encoderLoss = total(e.l1, withL2 ? e.l2 : null, null); // L1 + λ·L2
        if (!config.useL3 || !withL3) {
            gc.backward(encoderLoss);
            timer.lap("backward");
            return new Terms(encoderLoss, e.l1, e.l2, null, e.s1, e.s2, null);
        }
        NegativeSampler.Selection sel = select(e, random, negatives);
        timer.lap("cascade selection");
        int chunk = chunkSize(chunkAnchors, (int) e.y.getShape().get(0), sel.kPrime(), in);
        NDManager scope = e.y.getManager();
        CachedFusionLoss.Result l3 = CachedFusionLoss.backward(model, fusionInputs(e, in), sel, chunk, config.l3Weight,
                gc, timer, scope);
        // Always carried: besides the encoders (unless detached) it trains the fusion's input embeddings and LayerNorm.
        gc.backward(encoderLoss == null ? l3.carried() : encoderLoss.add(l3.carried()));
        timer.lap("backward");
        NDArray l3Value = scope.create((float) l3.l3());
        NDArray weightedValue = scope.create((float) (config.l3Weight * l3.l3()));
        NDArray totalValue = encoderLoss == null ? weightedValue : encoderLoss.stopGradient().add(weightedValue);
        return new Terms(totalValue, e.l1, e.l2, l3Value, e.s1, e.s2, sel);
    }

    /**
     * The automatic chunk (chunkAnchors = 0) keeps the fusion's largest activation, its feed-forward's
     * [pairs, n + m, intermediate] in float32, under this many bytes: 32 MiB, glibc's largest mmap
     * threshold, so that freed blocks are reused instead of being mapped and zeroed afresh at every step.
     * Up to there, larger chunks are faster on two threads, beyond it much slower (docs/performance.md).
     */
    public static final long AUTO_CHUNK_BYTES = 32L << 20;

    /**
     * ... and holds at most this many positions (pairs × (n + m), the rows of its matrix products): enough
     * for two threads to share each product; more only costs memory (docs/performance.md, "chunk size").
     */
    public static final long AUTO_CHUNK_POSITIONS = 8192;

    private int chunkSize(int chunkAnchors, int k, int kPrime, TacoModel.Inputs in) {
        if (chunkAnchors > 0) {
            return Math.min(chunkAnchors, k);
        }
        return autoChunkAnchors(config, k, kPrime, in.tokenMask().getShape().get(1) + in.frameMask().getShape().get(1));
    }

    /**
     * The automatic chunk: anchors whose pairs' feed-forward activation fits {@link #AUTO_CHUNK_BYTES} and
     * whose positions stay within {@link #AUTO_CHUNK_POSITIONS} (at least 1 anchor).
     */
    public static int autoChunkAnchors(TacoConfig c, int k, int kPrime, long positions) {
        long positionsPerAnchor = (1 + 2L * kPrime) * positions;
        long bytesPerAnchor = positionsPerAnchor * c.intermediateSize * Float.BYTES;
        long anchors = Math.min(AUTO_CHUNK_BYTES / bytesPerAnchor, AUTO_CHUNK_POSITIONS / positionsPerAnchor);
        return (int) Math.max(1, Math.min(k, anchors));
    }

    /** The encoders' outputs and the terms computed from them: L1 and L2 (null when not in use). */
    private record Encoded(NDArray y, NDArray x, NDArray s1, NDArray s2, NDArray l1, NDArray l2) {}

    private Encoded encode(TacoModel.Inputs in, StepTimer timer) {
        timer.reset();
        NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
        timer.lap("text encoder");
        NDArray x = model.encodeVideo(in.features(), in.frameMask());
        timer.lap("video encoder");

        NDArray s1 = model.s1(model.textVectors(y), model.videoVectors(x, in.frameMask()));
        NDArray l1 = null;
        if (config.useL1) {
            l1 = SentenceLoss.compute(s1, config.l1VideoToText);
        }
        NDArray l2 = null;
        NDArray s2 = null;
        if (config.useL2) {
            // stopGradient: the diagnostic whose L2 cannot move one of the encoders (TacoConfig#l2DetachedFrom)
            NDArray tokenScores = model.tokenScores(
                    config.l2DetachedFrom == TacoConfig.L2Detach.TEXT ? y.stopGradient() : y,
                    config.l2DetachedFrom == TacoConfig.L2Detach.VIDEO ? x.stopGradient() : x, in.frameMask());
            s2 = model.s2(tokenScores, in.tokenWeights());
            l2 = TokenLoss.compute(tokenScores, in.tokenWeights(),
                    config.l2MaskSharedTokens ? TokenLoss.sharedTokens(in) : null);
        }
        timer.lap("L1+L2");
        return new Encoded(y, x, s1, s2, l1, l2);
    }

    /**
     * The fusion's inputs of the batch, in the step's graph. stopGradient: the diagnostic variant
     * ({@link TacoConfig#l3Detached}) whose L3 cannot move the shared encoders.
     */
    private TacoModel.FusionInputs fusionInputs(Encoded e, TacoModel.Inputs in) {
        return model.fusionInputs(config.l3Detached ? e.y.stopGradient() : e.y, in.tokenMask(),
                config.l3Detached ? e.x.stopGradient() : e.x, in.frameMask());
    }

    /** The negatives L3 takes unless a step says otherwise ({@code model.negatives}). */
    public Negatives negatives() {
        return config.negatives;
    }

    private NegativeSampler.Selection select(Encoded e, Random random, Negatives negatives) {
        return NegativeSampler.select(negatives, e.s1, e.s2, config.kPrime, random);
    }
}
