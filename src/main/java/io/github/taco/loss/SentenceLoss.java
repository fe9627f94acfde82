package io.github.taco.loss;

import ai.djl.ndarray.NDArray;
import io.github.taco.model.Scalars;

/**
 * L1, the sentence-level contrastive loss (docs/method.md §4): for each text i, softmax cross-entropy over
 * the videos j of s1(v_j, t_i) with target i, averaged over texts. With {@code videoToText}, also
 * for each video j over the texts i, and the two directions are averaged [ours].
 */
public final class SentenceLoss {
    private SentenceLoss() {}

    /** @param s1 [K, K], rows texts, columns videos, positives on the diagonal */
    public static NDArray compute(NDArray s1, boolean videoToText) {
        NDArray textToVideo = diagonalCrossEntropy(s1, 1);
        if (!videoToText) {
            return textToVideo;
        }
        return Scalars.div(textToVideo.add(diagonalCrossEntropy(s1, 0)), 2);
    }

    /** mean_i −log softmax(scores along {@code axis})[i, i]. */
    static NDArray diagonalCrossEntropy(NDArray scores, int axis) {
        long k = scores.getShape().get(0);
        NDArray eye = Identity.of(scores.getManager(), (int) k);
        return Scalars.div(scores.logSoftmax(axis).mul(eye).sum(), -k);
    }
}
