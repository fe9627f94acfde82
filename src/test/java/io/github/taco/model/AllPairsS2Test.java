package io.github.taco.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.taco.data.Batch;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** s2 of all pairs as packed matrix products equals s2 from {@link TacoModel#tokenScores} on the padded block. */
class AllPairsS2Test {
    static final int M = 9, D = 6, N = 12, V = 50, K = 70;

    @Test
    void everyEntryEqualsThePaddedPathForCosineAndDot() {
        for (Similarity sim : Similarity.values()) {
            TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
            c.similarity = sim;
            // frames 1..M and tokens 3..N per clip; text 0 has no token of interest (its s2 is 0)
            Batch b = TinyBatches.random(K, M, D, N, V, 11, 0.3f, 0, true);
            try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 5)) {
                TacoModel.Inputs in = b.toInputs(root);
                NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
                NDArray x = model.encodeVideo(in.features(), in.frameMask());
                float[] padded = model.s2(model.tokenScores(y, x, in.frameMask()), in.tokenWeights()).toFloatArray();
                float[][] packed = model.s2AllPairs(y, b.tokenWeights(), x, b.frameMask());
                // one text per chunk and one clip per block (its frames are more than 1): many chunks and blocks
                float[][] small = model.s2AllPairs(y, b.tokenWeights(), x, b.frameMask(), 1, 1);
                // chunks of texts of several counts, blocks of several clips of one length
                float[][] mid = model.s2AllPairs(y, b.tokenWeights(), x, b.frameMask(), 7, 20);
                int nonZero = 0;
                for (int i = 0; i < K; i++) {
                    for (int j = 0; j < K; j++) {
                        float want = padded[i * K + j];
                        assertEquals(want, packed[i][j], 1e-5 * Math.max(1, Math.abs(want)),
                                sim + " s2[" + i + "][" + j + "]");
                        assertEquals(packed[i][j], small[i][j], 1e-5 * Math.max(1, Math.abs(want)),
                                sim + " chunked s2[" + i + "][" + j + "]");
                        assertEquals(packed[i][j], mid[i][j], 1e-5 * Math.max(1, Math.abs(want)),
                                sim + " chunked s2[" + i + "][" + j + "]");
                        nonZero += want != 0 ? 1 : 0;
                    }
                    if (i == 0) {
                        for (int j = 0; j < K; j++) assertEquals(0f, packed[0][j],
                                "a text without tokens of interest has s2 = 0");
                    }
                }
                assertTrue(nonZero > K * (K - 1) / 2, sim + ": scores are not trivially zero");
            }
        }
    }

    @Test
    void framesNeedNotBeAPrefixAndAVideoWithoutFramesIsNamed() {
        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        Batch b = TinyBatches.random(8, M, D, N, V, 3, 0f, 0, false);
        float[] holes = b.frameMask().clone();
        for (int j = 0; j < 8; j++) {
            holes[j * M] = 0; // the first frame of every clip masked out
            holes[j * M + M - 1] = 1; // and the last one valid
        }
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 5)) {
            TacoModel.Inputs in = b.toInputs(root);
            NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
            NDArray x = model.encodeVideo(in.features(), in.frameMask());
            float[] padded = model.s2(model.tokenScores(y, x, root.create(holes, in.frameMask().getShape())),
                    in.tokenWeights()).toFloatArray();
            float[][] packed = model.s2AllPairs(y, b.tokenWeights(), x, holes);
            for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) assertEquals(padded[i * 8 + j], packed[i][j],
                    1e-5 * Math.max(1, Math.abs(padded[i * 8 + j])));
            float[] none = b.frameMask().clone();
            Arrays.fill(none, 3 * M, 4 * M, 0f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.s2AllPairs(y, b.tokenWeights(), x, none));
            assertTrue(e.getMessage().contains("video 3"), e.getMessage());
        }
    }
}
