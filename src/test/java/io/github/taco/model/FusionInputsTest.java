package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.taco.data.Batch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The two ways to s3: evaluation and search gather the pairs' rows and then compute the fusion's input;
 * training computes it once per text and per video ({@link TacoModel#fusionInputs}) and gathers that.
 * The input is per position, so both must give the same scores.
 */
class FusionInputsTest {
    static final int K = 4, M = 5, D = 4, N = 10, V = 30;

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
            float[] perSide = model.s3(model.fusionInputs(y, in.tokenMask(), x, in.frameMask()), ti, vi, mgr).toFloatArray();
            assertArrayEquals(perPair, perSide, 1e-6f);
        }
    }
}
