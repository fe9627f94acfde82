package io.github.taco.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The dropout mask drawn in Java: its distribution, its values, its seeding by the engine, its gradient. */
class DropoutMaskTest {
    // Several blocks and a ragged last one, so the per-block streams are exercised.
    static final Shape SHAPE = new Shape(3, DropoutMask.BLOCK + 7, 2);

    @Test
    void dropsTheRateAndScalesTheRest() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (double rate : new double[] {0.1, 0.5}) {
                float[] mask = DropoutMask.draw(m, SHAPE, rate).toFloatArray();
                float keep = (float) (1 / (1 - rate));
                long zeros = 0;
                for (float v : mask) {
                    assertTrue(v == 0f || v == keep, "entry " + v);
                    zeros += v == 0f ? 1 : 0;
                }
                double n = mask.length;
                double sigma = Math.sqrt(n * rate * (1 - rate));
                assertEquals(n * rate, zeros, 5 * sigma, "zeros at rate " + rate);
                // the last block's entries are drawn too, not left as the uninitialised tensor had them
                assertTrue(IntStream.range(mask.length - 7, mask.length)
                        .allMatch(i -> mask[i] == 0f || mask[i] == keep));
            }
        }
    }

    @Test
    void followsTheEngineSeed() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            float[] a = DropoutMask.draw(m, SHAPE, 0.1).toFloatArray();
            float[] b = DropoutMask.draw(m, SHAPE, 0.1).toFloatArray();
            Engine.getInstance().setRandomSeed(11);
            float[] again = DropoutMask.draw(m, SHAPE, 0.1).toFloatArray();
            assertArrayEquals(a, again, "same engine seed, same mask");
            assertFalse(Arrays.equals(a, b), "the next draw is a new mask");
        }
    }

    @Test
    void dropoutPassesTheGradientThroughTheMaskOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(4, 1000));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = Nn.dropout(x, 0.25, true);
                gc.backward(y.sum());
                float[] grad = x.getGradient().toFloatArray();
                float[] xs = x.toFloatArray();
                float[] ys = y.toFloatArray();
                int dropped = 0;
                for (int i = 0; i < grad.length; i++) {
                    assertTrue(grad[i] == 0f || grad[i] == (float) (1 / 0.75), "gradient " + grad[i]);
                    assertEquals(xs[i] * grad[i], ys[i], 1e-6f);
                    dropped += grad[i] == 0f ? 1 : 0;
                }
                assertTrue(dropped > 850 && dropped < 1150, "dropped " + dropped + " of 4000 at rate 0.25");
            }
            assertArrayEquals(x.toFloatArray(), Nn.dropout(x, 0.25, false).toFloatArray(), "evaluation: identity");
        }
    }
}
