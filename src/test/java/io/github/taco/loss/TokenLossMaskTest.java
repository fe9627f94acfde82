package io.github.taco.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.taco.model.TacoModel;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The experiment knob l2MaskSharedTokens: which videos leave a token's softmax, and the loss without them. */
class TokenLossMaskTest {
    @Test
    void aVideoWhoseCaptionHoldsTheTokenLeavesItsSoftmax() {
        try (NDManager m = NDManager.newBaseManager()) {
            // texts: [cls, 7, 8], [cls, 7, pad], [cls, 9, 8]; tokens of interest at positions 1 and 2
            NDArray ids = m.create(new long[] {101, 7, 8, 101, 7, 0, 101, 9, 8}, new Shape(3, 3));
            NDArray mask = m.create(new float[] {1, 1, 1, 1, 1, 0, 1, 1, 1}, new Shape(3, 3));
            NDArray weights = m.create(new float[] {0, .5f, .5f, 0, 1, 0, 0, .5f, .5f}, new Shape(3, 3));
            TacoModel.Inputs in = new TacoModel.Inputs(null, null, ids, mask, weights);
            float[] shared = TokenLoss.sharedTokens(in).toFloatArray();
            // text 0, token 7 (p=1): text 1 holds 7; token 8 (p=2): text 2 holds 8; [CLS] is not of interest
            assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0, 0, 0, 1}, Arrays.copyOfRange(shared, 0, 9));
            // text 1, token 7: text 0; text 2, token 8: text 0
            assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 0, 0, 0}, Arrays.copyOfRange(shared, 9, 18));
            assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 1, 0, 0}, Arrays.copyOfRange(shared, 18, 27));

            float[] s = new float[27];
            Random r = new Random(3);
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) r.nextGaussian() * 3;
            }
            NDArray scores = m.create(s, new Shape(3, 3, 3));
            float masked = TokenLoss.compute(scores, weights, m.create(shared, new Shape(3, 3, 3))).getFloat();
            // by hand: -Σ_p w_ip log softmax over the kept videos, averaged over texts
            double total = 0;
            float[] w = weights.toFloatArray();
            for (int i = 0; i < 3; i++) {
                for (int p = 0; p < 3; p++) {
                    if (w[i * 3 + p] == 0) continue;
                    double z = 0;
                    for (int j = 0; j < 3; j++) {
                        if (shared[(i * 3 + p) * 3 + j] == 0) z += Math.exp(s[(i * 3 + p) * 3 + j]);
                    }
                    total -= w[i * 3 + p] * (s[(i * 3 + p) * 3 + i] - Math.log(z));
                }
            }
            assertEquals(total / 3, masked, 1e-4);
            assertNotEquals(TokenLoss.compute(scores, weights).getFloat(), masked, 1e-3);
        }
    }
}
