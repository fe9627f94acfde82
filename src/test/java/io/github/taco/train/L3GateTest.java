package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrainOptions#l3StartAccuracy}: while its gate is closed a TACo run trains exactly as L1 + λ·L2;
 * it opens once s1's in-batch accuracy over the last 20 steps reaches the share, and a resumed run keeps it.
 */
class L3GateTest {
    static {
        // bit-exact comparisons between runs need the same kernels in the same order
        System.setProperty("ai.djl.pytorch.num_threads", "1");
    }

    @TempDir Path tmp;

    private static TrainOptions gated(double share) {
        TrainOptions o = TextWidthTest.options();
        o.steps = 40;
        o.l3StartAccuracy = share;
        return o;
    }

    @Test
    void aClosedGateTrainsExactlyAsL1PlusL2() {
        TacoConfig taco = TextWidthTest.wide();
        TacoConfig l1l2 = TextWidthTest.wide();
        l1l2.losses("L1+L2");
        List<Map<String, float[]>> a = new ArrayList<>();
        List<Map<String, float[]>> b = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(); TacoModel m1 = new TacoModel(taco, root, 1);
                TacoModel m2 = new TacoModel(l1l2, root, 1);
                Trainer gatedRun = new Trainer(m1, gated(1.0));
                Trainer plain = new Trainer(m2, TextWidthTest.options())) {
            for (int s = 0; s < 3; s++) {
                Trainer.StepResult r = gatedRun.train(TextWidthTest.batch(100 + s));
                plain.train(TextWidthTest.batch(100 + s));
                assertTrue(Double.isNaN(r.l3()), "no L3 while the gate is closed");
                a.add(TextLearningRateTest.snapshot(m1));
                b.add(TextLearningRateTest.snapshot(m2));
            }
            assertEquals(-1, gatedRun.l3From());
        }
        for (int s = 0; s < 3; s++) {
            for (String name : a.get(s).keySet()) {
                assertArrayEquals(b.get(s).get(name), a.get(s).get(name), 0f, "step " + (s + 1) + ": " + name);
            }
        }
    }

    @Test
    void theGateOpensOnceTheAccuracyIsReachedAndAResumeKeepsIt() throws Exception {
        // any hit in 20 steps opens a gate this low; random scores hit about once per batch
        TrainOptions o = gated(1e-9);
        List<Double> l3 = new ArrayList<>();
        long opened;
        Path ckpt = tmp.resolve("ckpt");
        try (NDManager root = NDManager.newBaseManager(); TacoModel m = new TacoModel(TextWidthTest.wide(), root, 1);
                Trainer t = new Trainer(m, o)) {
            for (int s = 0; s < 25; s++) {
                l3.add(t.train(TextWidthTest.batch(200 + s)).l3());
                if (s == 9) {
                    t.save(ckpt, Map.of());
                }
            }
            opened = t.l3From();
        }
        assertEquals(TrainOptions.L3_GATE_WINDOW, opened,
                "the first full window of 20 steps opens it; L3 from the next step");
        for (int s = 0; s < 25; s++) {
            assertEquals(s < opened, Double.isNaN(l3.get(s)), "step " + s + ": L3 " + l3.get(s));
        }
        try (NDManager root = NDManager.newBaseManager(); Trainer r = Trainer.resume(ckpt, root, null)) {
            assertEquals(-1, r.l3From(), "closed at step 10");
            List<Double> again = new ArrayList<>();
            for (int s = 10; s < 25; s++) {
                again.add(r.train(TextWidthTest.batch(200 + s)).l3());
            }
            assertEquals(opened, r.l3From(), "the resumed run keeps the window and opens the gate at the same step");
            assertEquals(l3.subList(10, 25), again, "and trains the same L3 values");
            r.model().close();
        }
    }

    @Test
    void aShareOutsideZeroToOneIsRefused() {
        TrainOptions o = TextWidthTest.options();
        o.l3StartAccuracy = 1.5;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::validate);
        assertTrue(e.getMessage().contains("l3StartAccuracy"), e.getMessage());
    }
}
