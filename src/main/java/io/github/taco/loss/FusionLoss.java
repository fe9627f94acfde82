package io.github.taco.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.github.taco.model.Scalars;
import io.github.taco.model.TacoModel;

/**
 * L3, the fusion loss with cascade sampling (docs/method.md §4). For each text anchor i: the fused score of
 * its true pair against its K' selected videos; for each video anchor j: its true pair against
 * its K' selected texts; softmax cross-entropy with the true pair as target; the two directions
 * averaged.
 *
 * <p>The K true pairs are shared by both directions, so the fusion runs on K + 2K·K' pairs
 * rather than 2K(K'+1): the same scores, K fewer fusion passes.
 */
public final class FusionLoss {
    private FusionLoss() {}

    /**
     * The pairs the fusion runs on for the anchors {@code from..to-1} (texts and videos alike): their
     * positives first, then their text-anchored negatives, then their video-anchored ones.
     */
    public record Pairs(int[] textIdx, int[] videoIdx) {
        /** Every anchor of a batch of K. */
        public static Pairs of(NegativeSampler.Selection sel, int k) {
            return forAnchors(sel, 0, k);
        }

        public static Pairs forAnchors(NegativeSampler.Selection sel, int from, int to) {
            int kp = sel.kPrime();
            int c = to - from;
            int[] t = new int[c + 2 * c * kp];
            int[] v = new int[t.length];
            int p = 0;
            for (int i = from; i < to; i++, p++) {
                t[p] = i;
                v[p] = i;
            }
            for (int i = from; i < to; i++) {
                for (int j : sel.videosForText()[i]) {
                    t[p] = i;
                    v[p++] = j;
                }
            }
            for (int j = from; j < to; j++) {
                for (int i : sel.textsForVideo()[j]) {
                    t[p] = i;
                    v[p++] = j;
                }
            }
            return new Pairs(t, v);
        }
    }

    /** Runs the fusion on the selected pairs and returns L3. */
    public static NDArray compute(TacoModel model, NDArray y, NDArray tokenMask, NDArray x, NDArray frameMask,
            NegativeSampler.Selection sel) {
        int k = (int) y.getShape().get(0);
        Pairs pairs = Pairs.of(sel, k);
        NDArray s3 = model.s3(y, tokenMask, x, frameMask, pairs.textIdx(), pairs.videoIdx());
        return fromScores(s3, k, sel.kPrime());
    }

    /**
     * The share of L3 of the anchors {@code from..to-1}, with the fusion's activations in {@code scope}:
     * the shares of disjoint anchor ranges covering the batch sum to L3 (each anchor's two
     * cross-entropies are divided by 2K, not by the chunk's size).
     */
    public static NDArray computeShare(TacoModel model, TacoModel.FusionInputs in, NegativeSampler.Selection sel,
            int from, int to, NDManager scope) {
        int k = (int) in.texts().getShape().get(0);
        Pairs pairs = Pairs.forAnchors(sel, from, to);
        NDArray s3 = model.s3(in, pairs.textIdx(), pairs.videoIdx(), scope);
        return Scalars.div(crossEntropySum(s3, to - from, sel.kPrime()), 2.0 * k);
    }

    /** L3 from the fused scores of a whole batch laid out as {@link Pairs}: [K + 2K·K']. */
    public static NDArray fromScores(NDArray s3, int k, int kp) {
        return Scalars.div(crossEntropySum(s3, k, kp), 2.0 * k);
    }

    /** Σ over the c anchors of both directions' −log softmax(row)[0] (the true pair sits in column 0). */
    private static NDArray crossEntropySum(NDArray s3, int c, int kp) {
        NDArray positives = s3.get(new NDIndex("0:{}", c)).reshape(c, 1);
        NDArray textAnchored = s3.get(new NDIndex("{}:{}", c, c + c * kp)).reshape(c, kp);
        NDArray videoAnchored = s3.get(new NDIndex("{}:", c + c * kp)).reshape(c, kp);
        return targetZeroLogLikelihood(NDArrays.concat(new NDList(positives, textAnchored), 1))
                .add(targetZeroLogLikelihood(NDArrays.concat(new NDList(positives, videoAnchored), 1))).neg();
    }

    /** Σ over rows of log softmax(row)[0]. */
    private static NDArray targetZeroLogLikelihood(NDArray logits) {
        return logits.logSoftmax(1).get(new NDIndex(":, 0")).sum();
    }
}
