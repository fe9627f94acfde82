package io.github.taco.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import io.github.taco.data.Batch;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TacoConfig#l3Detached}: L3 must then train the fusion only. The encoders' gradients of
 * L1+λL2+L3 equal those of L1+λL2, while the fusion still learns; without the switch L3 moves the
 * encoders too.
 */
class DetachedFusionTest {
    @Test
    void detachedL3LeavesTheEncodersToL1AndL2() {
        Batch batch = TinyBatches.random(6, 4, 16, 8, 50, 3, 0f, 0, false);
        Map<String, float[]> l1l2 = gradients(config("L1+L2", false), batch);
        Map<String, float[]> detached = gradients(config("L1+L2+L3", true), batch);
        Map<String, float[]> joint = gradients(config("L1+L2+L3", false), batch);
        boolean jointMovesEncoders = false;
        for (Map.Entry<String, float[]> e : detached.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("text.") || name.startsWith("video.")) {
                assertArrayEquals(l1l2.get(name), e.getValue(), 1e-6f,
                        name + ": a detached L3 changed an encoder gradient");
                jointMovesEncoders |= maxAbsDiff(l1l2.get(name), joint.get(name)) > 1e-5;
            } else if (name.startsWith("fusion.") && !GradientCachingTest.zeroInExactArithmetic(name)) {
                assertTrue(maxAbs(e.getValue()) > 0, name + ": the fusion gets no gradient from a detached L3");
            }
        }
        assertTrue(jointMovesEncoders, "without l3Detached, L3 should reach the encoders");
    }

    @Test
    void l2DetachedFromOneEncoderLeavesThatEncoderToL1() {
        Batch batch = TinyBatches.random(6, 4, 16, 8, 50, 3, 0f, 0, false);
        Map<String, float[]> l1 = gradients(config("L1", false), batch);
        Map<String, float[]> l1l2 = gradients(config("L1+L2", false), batch);
        for (String side : new String[] {"video", "text"}) {
            TacoConfig c = config("L1+L2", false);
            c.l2DetachedFrom = TacoConfig.L2Detach.parse(side);
            Map<String, float[]> detached = gradients(c, batch);
            String other = side.equals("video") ? "text." : "video.";
            boolean otherMoved = false;
            for (Map.Entry<String, float[]> e : detached.entrySet()) {
                String name = e.getKey();
                if (name.startsWith(side + ".")) {
                    assertArrayEquals(l1.get(name), e.getValue(), 1e-6f,
                            name + ": L2 detached from the " + side + " encoder moved it");
                } else if (name.startsWith(other)) {
                    assertArrayEquals(l1l2.get(name), e.getValue(), 1e-6f,
                            name + ": the other encoder must get L2 as before");
                    otherMoved |= maxAbsDiff(l1.get(name), e.getValue()) > 1e-5;
                }
            }
            assertTrue(otherMoved, "L2 should still reach the " + other + " encoder");
        }
    }

    private static TacoConfig config(String losses, boolean detached) {
        TacoConfig c = TinyBatches.tinyConfig(16, 4, 8, 50);
        c.losses(losses);
        c.kPrime = 2;
        c.l3Detached = detached;
        return c;
    }

    /** One forward/backward with a fresh model of a fixed seed; every parameter's gradient. */
    private static Map<String, float[]> gradients(TacoConfig c, Batch batch) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 7)) {
            model.setTraining(true);
            try (NDManager scope = model.weights().manager().newSubManager()) {
                TacoModel.Inputs in = batch.toInputs(scope);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(new TacoObjective(model).compute(in, new Random(1), new StepTimer()).total());
                }
                for (Map.Entry<String, NDArray> e : model.weights().asMap().entrySet()) {
                    try (NDArray g = e.getValue().getGradient()) {
                        out.put(e.getKey(), g.toFloatArray());
                        g.set(new NDIndex("..."), 0f);
                    }
                }
            }
        }
        return out;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
