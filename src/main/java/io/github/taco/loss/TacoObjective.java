package io.github.taco.loss;

import ai.djl.ndarray.NDArray;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;

import java.util.Random;
import io.github.taco.model.Scalars;

/**
 * The training objective L = L1 + λ·L2 + L3 (docs/method.md §4) on one batch of K positive pairs, with the
 * loss switches of the paper's ablations ({@code useL1}, {@code useL2}, {@code useL3}).
 *
 * <p>The cascade's ranking score is r = s1 + s2 when L2 is trained, and s1 alone otherwise (an
 * untrained s2 would only add noise to the ranking) [ours]. With {@link TacoConfig#l3Detached} the
 * fusion sees detached encoder outputs, so L3 trains the fusion only.
 */
public final class TacoObjective {
    private final TacoModel model;
    private final TacoConfig config;
    private final NegativeSampler.Mode mode;

    public TacoObjective(TacoModel model) {
        this.model = model;
        this.config = model.config();
        this.mode = NegativeSampler.Mode.parse(config.negatives);
    }

    /** The loss terms of one step; unused terms are null. s1 and s2 are [K, K] (s2 null without L2). */
    public record Terms(NDArray total, NDArray l1, NDArray l2, NDArray l3, NDArray s1, NDArray s2,
            NegativeSampler.Selection selection) {}

    /**
     * Forward pass and losses. Call inside a GradientCollector to train, and within a per-batch
     * NDManager that owns {@code in}.
     *
     * @param random drives {@code random} negative selection
     * @param timer  receives the phases "text encoder", "video encoder", "L1+L2", "cascade selection", "fusion"
     */
    public Terms compute(TacoModel.Inputs in, Random random, PhaseTimer timer) {
        timer.reset();
        NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
        timer.lap("text encoder");
        NDArray x = model.encodeVideo(in.features(), in.frameMask());
        timer.lap("video encoder");

        NDArray s1 = model.s1(model.textVectors(y), model.videoVectors(x, in.frameMask()));
        NDArray total = null;
        NDArray l1 = null;
        if (config.useL1) {
            l1 = SentenceLoss.compute(s1, config.l1VideoToText);
            total = l1;
        }
        NDArray l2 = null;
        NDArray s2 = null;
        if (config.useL2) {
            NDArray tokenScores = model.tokenScores(y, x, in.frameMask());
            s2 = model.s2(tokenScores, in.tokenWeights());
            l2 = TokenLoss.compute(tokenScores, in.tokenWeights());
            NDArray weighted = Scalars.mul(l2, config.lambda);
            total = total == null ? weighted : total.add(weighted);
        }
        timer.lap("L1+L2");

        NDArray l3 = null;
        NegativeSampler.Selection sel = null;
        if (config.useL3) {
            int k = (int) s1.getShape().get(0);
            float[] r = mode == NegativeSampler.Mode.CASCADE ? (s2 == null ? s1 : s1.add(s2)).toFloatArray() : null;
            sel = NegativeSampler.select(mode, r, k, config.kPrime, random);
            timer.lap("cascade selection");
            // stopGradient: the diagnostic variant whose L3 cannot move the shared encoders
            NDArray yf = config.l3Detached ? y.stopGradient() : y;
            NDArray xf = config.l3Detached ? x.stopGradient() : x;
            l3 = FusionLoss.compute(model, yf, in.tokenMask(), xf, in.frameMask(), sel);
            total = total == null ? l3 : total.add(l3);
            timer.lap("fusion");
        }
        return new Terms(total, l1, l2, l3, s1, s2, sel);
    }
}
