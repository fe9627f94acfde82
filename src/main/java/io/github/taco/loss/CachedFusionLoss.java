package io.github.taco.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.taco.model.Scalars;
import io.github.taco.model.TacoModel;

/**
 * L3 with gradient caching: the same gradients as back-propagating {@link FusionLoss} over the whole
 * batch (up to float summation order), in the memory of one chunk of anchors' fusion pairs instead of all
 * K + 2K·K' of them.
 *
 * <p>The fusion's inputs u and v ({@link TacoModel#fusionInputs}: the encoder outputs y and x with the
 * fusion's embeddings and input LayerNorm) are computed once in the step's graph. The fusion then runs
 * chunk by chunk on detached leaf copies of u and v; each chunk's share of μ·L3 is back-propagated at once,
 * which fills the fusion layers' gradients and accumulates dL3/du and dL3/dv in the copies, and its
 * activations are freed. What is left for the caller is {@link Result#carried}, Σ(u ⊙ dL3/du) + Σ(v ⊙ dL3/dv):
 * added to the rest of the loss before its one backward, it carries L3's share through the fusion's input
 * and the encoders.
 */
final class CachedFusionLoss {
    private CachedFusionLoss() {}

    /**
     * @param l3      L3's value (not weighted)
     * @param carried the term that carries dL3/du and dL3/dv into the step's graph
     */
    record Result(double l3, NDArray carried) {}

    /**
     * @param f      the fusion's inputs, in the step's graph
     * @param chunk  anchors per chunk
     * @param weight μ, L3's weight in L
     * @param scope  the step's manager, which keeps the copies and the carried term
     */
    static Result backward(TacoModel model, TacoModel.FusionInputs f, NegativeSampler.Selection sel, int chunk,
            double weight, GradientCollector gc, StepTimer timer, NDManager scope) {
        int k = (int) f.texts().getShape().get(0);
        NDArray textLeaf = f.texts().stopGradient();
        NDArray videoLeaf = f.videos().stopGradient();
        textLeaf.setRequiresGradient(true);
        videoLeaf.setRequiresGradient(true);
        TacoModel.FusionInputs leaves = new TacoModel.FusionInputs(textLeaf, f.tokenMask(), videoLeaf, f.frameMask());
        double l3 = 0;
        for (int from = 0; from < k; from += chunk) {
            try (NDManager chunkScope = scope.newSubManager()) {
                NDArray share = FusionLoss.computeShare(model, leaves, sel, from, Math.min(k, from + chunk),
                        chunkScope);
                timer.lap("fusion");
                gc.backward(weight == 1.0 ? share : Scalars.mul(share, weight));
                l3 += share.getFloat();
                timer.lap("fusion backward");
            }
        }
        NDArray carried = f.texts().mul(textLeaf.getGradient()).sum()
                .add(f.videos().mul(videoLeaf.getGradient()).sum());
        return new Result(l3, carried);
    }
}
