package io.github.taco.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.taco.model.TacoModel;
import io.github.taco.model.Scalars;

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

    /** The pairs the fusion runs on: positives first, then text-anchored, then video-anchored negatives. */
    public record Pairs(int[] textIdx, int[] videoIdx) {
        public static Pairs of(NegativeSampler.Selection sel, int k) {
            int kp = sel.kPrime();
            int total = k + 2 * k * kp;
            int[] t = new int[total];
            int[] v = new int[total];
            int p = 0;
            for (int i = 0; i < k; i++, p++) {
                t[p] = i;
                v[p] = i;
            }
            for (int i = 0; i < k; i++) {
                for (int j : sel.videosForText()[i]) {
                    t[p] = i;
                    v[p++] = j;
                }
            }
            for (int j = 0; j < k; j++) {
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

    /** L3 from the fused scores laid out as {@link Pairs}: [K + 2K·K']. */
    public static NDArray fromScores(NDArray s3, int k, int kp) {
        NDArray positives = s3.get(new NDIndex("0:{}", k)).reshape(k, 1);
        NDArray textAnchored = s3.get(new NDIndex("{}:{}", k, k + k * kp)).reshape(k, kp);
        NDArray videoAnchored = s3.get(new NDIndex("{}:", k + k * kp)).reshape(k, kp);
        return Scalars.div(targetZeroCrossEntropy(NDArrays.concat(new NDList(positives, textAnchored), 1))
                .add(targetZeroCrossEntropy(NDArrays.concat(new NDList(positives, videoAnchored), 1))), 2);
    }

    /** mean over rows of −log softmax(row)[0]: the true pair sits in column 0. */
    private static NDArray targetZeroCrossEntropy(NDArray logits) {
        Shape s = logits.getShape();
        return Scalars.div(logits.logSoftmax(1).get(new NDIndex(":, 0")).sum(), -s.get(0));
    }
}
