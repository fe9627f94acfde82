package io.github.taco.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.taco.model.Scalars;
import io.github.taco.model.TacoModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * L2, the token-level contrastive loss (docs/method.md §4): for each text i and token of interest p,
 * softmax cross-entropy over the videos j of s(x_j, y_i^p) with target i, weighted by w_ip
 * (docs/method.md §3, Σ_p w_ip = 1). Texts without a token of interest are left out of the mean.
 */
public final class TokenLoss {
    private TokenLoss() {}

    /** Subtracted from a left-out logit: exp(-1e4) is 0 in float32, and no NaN arises as with -inf. */
    private static final float MASKED = 1e4f;

    /**
     * @param tokenScores  [K, n, K] = s(x_j, y_i^p) indexed [i, p, j]
     * @param tokenWeights [K, n] = w_ip, 0 for tokens that are not of interest (and padding)
     */
    public static NDArray compute(NDArray tokenScores, NDArray tokenWeights) {
        return compute(tokenScores, tokenWeights, null);
    }

    /**
     * As {@link #compute(NDArray, NDArray)}, leaving out of each token's softmax the other videos whose
     * caption holds the same token ({@code sharedToken}): in a batch of cooking captions "add" or
     * "pan" occur in many of them, and plain L2 pushes each such video away from the token as a
     * negative [ours, an experiment knob: {@code TacoConfig#l2MaskSharedTokens}; the paper does not].
     *
     * @param sharedToken [K, n, K], 1 where video j ≠ i's caption holds text i's token p; null: none left out
     */
    public static NDArray compute(NDArray tokenScores, NDArray tokenWeights, NDArray sharedToken) {
        if (sharedToken != null) {
            tokenScores = tokenScores.sub(sharedToken.mul(MASKED));
        }
        long k = tokenScores.getShape().get(0);
        long kv = tokenScores.getShape().get(2);
        if (k != kv) {
            throw new IllegalArgumentException("L2 needs as many videos as texts, got " + k + " and " + kv);
        }
        NDArray eye = Identity.of(tokenScores.getManager(), (int) k).expandDims(1); // [K, 1, K]
        NDArray logProbOfTarget = tokenScores.logSoftmax(2).mul(eye).sum(new int[] {2}); // [K, n]
        NDArray perText = logProbOfTarget.mul(tokenWeights).sum(new int[] {1}).neg(); // [K]
        float texts = tokenWeights.sum(new int[] {1}).gt(0f).sum().toType(DataType.FLOAT32, false).getFloat();
        return Scalars.div(perText.sum(), Math.max(texts, 1f));
    }

    /** [K, n, K]: 1 where text j ≠ i holds the token id at text i's position p (p a token of interest). */
    static NDArray sharedTokens(TacoModel.Inputs in) {
        long[] ids = in.tokenIds().toLongArray();
        float[] weights = in.tokenWeights().toFloatArray();
        float[] valid = in.tokenMask().toFloatArray();
        int k = (int) in.tokenIds().getShape().get(0);
        int n = (int) in.tokenIds().getShape().get(1);
        List<Set<Long>> held = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            Set<Long> s = new HashSet<>();
            for (int q = 0; q < n; q++) {
                if (valid[j * n + q] > 0) {
                    s.add(ids[j * n + q]);
                }
            }
            held.add(s);
        }
        float[] out = new float[k * n * k];
        for (int i = 0; i < k; i++) {
            for (int p = 0; p < n; p++) {
                if (weights[i * n + p] == 0) {
                    continue; // not a token of interest: its row does not enter L2
                }
                long id = ids[i * n + p];
                for (int j = 0; j < k; j++) {
                    if (j != i && held.get(j).contains(id)) {
                        out[(i * n + p) * k + j] = 1f;
                    }
                }
            }
        }
        return in.tokenIds().getManager().create(out, new Shape(k, n, k));
    }
}
