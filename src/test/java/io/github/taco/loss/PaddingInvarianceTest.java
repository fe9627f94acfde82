package io.github.taco.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.taco.data.Batch;
import io.github.taco.model.Negatives;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Changing what sits in padded frames or padded token slots changes no score and no loss. */
class PaddingInvarianceTest {
    static final int K = 5, M = 6, D = 4, N = 8, V = 30;

    @Test
    void paddedFramesAndTokensDoNotMatter() {
        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        c.kPrime = 3;
        Batch clean = TinyBatches.random(K, M, D, N, V, 21, 0f, 0, true);
        Batch noisy = TinyBatches.random(K, M, D, N, V, 21, 37.5f, 17, true);
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 9)) {
            float[][] a = everything(model, clean, root);
            float[][] b = everything(model, noisy, root);
            String[] what = {"s1", "s2", "s3", "L1", "L2", "L3"};
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i], b[i], 1e-5f, what[i]);
            }
            // ...while a change to a real frame does change the scores (the test can fail)
            float[] f = clean.features().clone();
            f[0] += 3;
            Batch changed = new Batch(clean.videoIds(), K, M, D, f, clean.frameMask(), N, clean.tokenIds(),
                    clean.tokenMask(), clean.tokenWeights());
            float[][] d = everything(model, changed, root);
            assertEquals(false, Arrays.equals(a[0], d[0]));
        }
    }

    private static float[][] everything(TacoModel model, Batch b, NDManager root) {
        try (NDManager mgr = root.newSubManager()) {
            TacoModel.Inputs in = b.toInputs(mgr);
            NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
            NDArray x = model.encodeVideo(in.features(), in.frameMask());
            NDArray s1 = model.s1(model.textVectors(y), model.videoVectors(x, in.frameMask()));
            NDArray tok = model.tokenScores(y, x, in.frameMask());
            NDArray s2 = model.s2(tok, in.tokenWeights());
            NegativeSampler.Selection sel = NegativeSampler.select(Negatives.CASCADE, s1.add(s2).toFloatArray(), K, 3,
                    new Random(0));
            FusionLoss.Pairs pairs = FusionLoss.Pairs.of(sel, K);
            NDArray s3 = model.s3(y, in.tokenMask(), x, in.frameMask(), pairs.textIdx(), pairs.videoIdx());
            return new float[][] {
                s1.toFloatArray(), s2.toFloatArray(), s3.toFloatArray(),
                {SentenceLoss.compute(s1, true).getFloat()},
                {TokenLoss.compute(tok, in.tokenWeights()).getFloat()},
                {FusionLoss.fromScores(s3, K, sel.kPrime()).getFloat()}};
        }
    }
}
