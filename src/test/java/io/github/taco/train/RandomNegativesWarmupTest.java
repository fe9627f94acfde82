package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.taco.model.Negatives;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainOptions#randomNegativesSteps}: for its first steps a cascade run trains exactly as a run
 * with random negatives, and afterwards it takes the cascade's.
 */
class RandomNegativesWarmupTest {
    static {
        // bit-exact comparisons between runs need the same kernels in the same order
        System.setProperty("ai.djl.pytorch.num_threads", "1");
    }

    /** Every weight after each of {@code steps} steps (seed 1, batches 100..). */
    static List<Map<String, float[]>> trajectory(String negatives, long warmup, int steps) {
        TacoConfig c = TextWidthTest.wide();
        c.negatives = Negatives.parse(negatives);
        TrainOptions o = TextWidthTest.options();
        o.randomNegativesSteps = warmup;
        List<Map<String, float[]>> after = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 1);
                Trainer t = new Trainer(model, o)) {
            for (int s = 0; s < steps; s++) {
                t.train(TextWidthTest.batch(100 + s));
                after.add(TextLearningRateTest.snapshot(model));
            }
        }
        return after;
    }

    @Test
    void theWarmUpStepsTakeRandomNegativesThenTheCascades() {
        List<Map<String, float[]>> warm = trajectory("cascade", 2, 3);
        List<Map<String, float[]>> random = trajectory("random", 0, 3);
        List<Map<String, float[]>> cascade = trajectory("cascade", 0, 1);
        for (int s = 0; s < 2; s++) {
            for (String name : warm.get(s).keySet()) {
                assertArrayEquals(random.get(s).get(name), warm.get(s).get(name), 0f, "step " + (s + 1) + ": " + name);
            }
        }
        assertTrue(differs(cascade.get(0), warm.get(0)), "without the warm-up, step 1 takes the cascade's negatives");
        assertTrue(differs(random.get(2), warm.get(2)), "step 3 is past the warm-up: the cascade's negatives");
    }

    @Test
    void aNegativeWarmUpIsRefused() {
        TrainOptions o = TextWidthTest.options();
        o.randomNegativesSteps = -1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::validate);
        assertTrue(e.getMessage().contains("randomNegativesSteps"), e.getMessage());
    }

    private static boolean differs(Map<String, float[]> a, Map<String, float[]> b) {
        return a.keySet().stream().anyMatch(name -> !Arrays.equals(a.get(name), b.get(name)));
    }
}
