package io.github.taco.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.github.taco.data.Batch;
import org.junit.jupiter.api.Test;

/**
 * s3 of a pair must not depend on how far its batch pads the texts (to maxTokens, or only to the
 * longest caption): the frames' fusion positions are fixed, not "after the padded text". Nor on how
 * the fusion's input is computed: evaluation and search gather the pairs' rows first, training
 * computes it once per text and per video ({@link TacoModel#fusionInputs}); it is per position.
 */
class FusionPaddingLengthTest {
    static final int K = 4, M = 5, D = 4, N = 10, V = 30;

    @Test
    void s3DoesNotDependOnTextPaddingLength() {
        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        Batch b = TinyBatches.random(K, M, D, N, V, 5, 3f, 7, false);
        int longest = 0;
        for (int i = 0; i < K; i++) {
            int len = 0;
            for (int t = 0; t < N; t++) {
                len += (int) b.tokenMask()[i * N + t];
            }
            longest = Math.max(longest, len);
        }
        int[] idx = {0, 1, 2, 3, 0, 1};
        int[] vidx = {0, 1, 2, 3, 2, 3};
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 3);
                NDManager mgr = root.newSubManager()) {
            TacoModel.Inputs in = b.toInputs(mgr);
            NDArray x = model.encodeVideo(in.features(), in.frameMask());
            NDArray full = model.s3(model.encodeText(in.tokenIds(), in.tokenMask()), in.tokenMask(), x, in.frameMask(),
                    idx, vidx);
            NDIndex cut = new NDIndex(":, 0:{}", longest);
            NDArray ids = in.tokenIds().get(cut);
            NDArray mask = in.tokenMask().get(cut);
            NDArray trimmed = model.s3(model.encodeText(ids, mask), mask, x, in.frameMask(), idx, vidx);
            assertArrayEquals(full.toFloatArray(), trimmed.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void perPairAndPerSideInputsGiveTheSameS3() {
        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        Batch b = TinyBatches.random(K, M, D, N, V, 5, 3f, 7, false);
        int[] ti = {0, 1, 2, 3, 0, 1, 3};
        int[] vi = {0, 1, 2, 3, 2, 3, 0};
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 3);
                NDManager mgr = root.newSubManager()) {
            TacoModel.Inputs in = b.toInputs(mgr);
            NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
            NDArray x = model.encodeVideo(in.features(), in.frameMask());
            float[] perPair = model.s3(y, in.tokenMask(), x, in.frameMask(), ti, vi).toFloatArray();
            float[] perSide = model.s3(model.fusionInputs(y, in.tokenMask(), x, in.frameMask()), ti, vi, mgr)
                    .toFloatArray();
            assertArrayEquals(perPair, perSide, 1e-6f);
        }
    }
}
