package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gates of {@link TrainOptions#l3StartAccuracy} and {@link TrainOptions#l2StartAccuracy}: while L3's is closed a
 * TACo run trains exactly as L1 + λ·L2, while L2's is closed exactly as with λ = 0 (L2 still logged); each opens once
 * s1's in-batch accuracy over the last 20 steps reaches its share, and a resumed run keeps it.
 */
class LossGatesTest {
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
    void aClosedL3GateTrainsExactlyAsL1PlusL2() {
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
    void l3sGateOpensOnceTheAccuracyIsReachedAndAResumeKeepsIt() throws Exception {
        opensAndResumes(gated(1e-9), TextWidthTest.wide(), Trainer::l3From, (s, r) -> {
            assertEquals(s < TrainOptions.GATE_WINDOW, Double.isNaN(r.l3()), "step " + s + ": L3 " + r.l3());
        });
    }

    @Test
    void l2sGateOpensOnceTheAccuracyIsReachedAndAResumeKeepsIt() throws Exception {
        TrainOptions o = TextWidthTest.options();
        o.steps = 40;
        o.l2StartAccuracy = 1e-9;
        opensAndResumes(o, withLambda(0.5), Trainer::l2From, (s, r) -> {
            double expected = r.l1() + (s < TrainOptions.GATE_WINDOW ? 0 : 0.5 * r.l2()) + r.l3();
            assertEquals(expected, r.loss(), 1e-4, "step " + s + ": L = L1 (+ λ·L2 once the gate is open) + L3");
        });
    }

    /**
     * Trains 25 steps with a gate so low that the first full window of 20 steps opens it (any hit does; random scores
     * hit about once per batch), checks each step, then resumes from step 10 and expects the same gate and losses.
     */
    private void opensAndResumes(TrainOptions o, TacoConfig config, ToLongFunction<Trainer> from,
            BiConsumer<Integer, Trainer.StepResult> check) throws Exception {
        List<Double> losses = new ArrayList<>();
        long opened;
        Path ckpt = tmp.resolve("ckpt");
        try (NDManager root = NDManager.newBaseManager(); TacoModel m = new TacoModel(config, root, 1);
                Trainer t = new Trainer(m, o)) {
            for (int s = 0; s < 25; s++) {
                Trainer.StepResult r = t.train(TextWidthTest.batch(200 + s));
                losses.add(r.loss());
                check.accept(s, r);
                if (s == 9) {
                    t.save(ckpt, Map.of());
                }
            }
            opened = from.applyAsLong(t);
        }
        assertEquals(TrainOptions.GATE_WINDOW, opened, "the first full window of 20 steps opens it; the loss from "
                + "the next step");
        try (NDManager root = NDManager.newBaseManager(); Trainer r = Trainer.resume(ckpt, root, null)) {
            assertEquals(-1, from.applyAsLong(r), "closed at step 10");
            List<Double> again = new ArrayList<>();
            for (int s = 10; s < 25; s++) {
                again.add(r.train(TextWidthTest.batch(200 + s)).loss());
            }
            assertEquals(opened, from.applyAsLong(r), "the resumed run keeps the window and opens the gate at the "
                    + "same step");
            assertEquals(losses.subList(10, 25), again, "and trains the same losses");
            r.model().close();
        }
    }

    private static TacoConfig withLambda(double lambda) {
        TacoConfig c = TextWidthTest.wide();
        c.lambda = lambda;
        return c;
    }

    @Test
    void aClosedL2GateTrainsExactlyAsLambdaZero() {
        TrainOptions o = TextWidthTest.options();
        o.l2StartAccuracy = 1.0;
        List<Map<String, float[]>> a = new ArrayList<>();
        List<Map<String, float[]>> b = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(); TacoModel m1 = new TacoModel(withLambda(0.5), root, 1);
                TacoModel m2 = new TacoModel(withLambda(0), root, 1);
                Trainer gatedRun = new Trainer(m1, o);
                Trainer plain = new Trainer(m2, TextWidthTest.options())) {
            for (int s = 0; s < 3; s++) {
                Trainer.StepResult r = gatedRun.train(TextWidthTest.batch(100 + s));
                plain.train(TextWidthTest.batch(100 + s));
                assertTrue(Double.isFinite(r.l2()), "L2 is still computed and logged while the gate is closed");
                assertEquals(r.l1() + r.l3(), r.loss(), 1e-4, "and L leaves it out");
                a.add(TextLearningRateTest.snapshot(m1));
                b.add(TextLearningRateTest.snapshot(m2));
            }
            assertEquals(-1, gatedRun.l2From());
            assertEquals(0, gatedRun.l3From(), "L3 has no gate here");
        }
        for (int s = 0; s < 3; s++) {
            for (String name : a.get(s).keySet()) {
                assertArrayEquals(b.get(s).get(name), a.get(s).get(name), 0f, "step " + (s + 1) + ": " + name);
            }
        }
    }

    @Test
    void aShareOutsideZeroToOneIsRefused() {
        TrainOptions o = TextWidthTest.options();
        o.l3StartAccuracy = 1.5;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::validate);
        assertTrue(e.getMessage().contains("l3StartAccuracy"), e.getMessage());
        o.l3StartAccuracy = 0;
        o.l2StartAccuracy = -0.1;
        e = assertThrows(IllegalArgumentException.class, o::validate);
        assertTrue(e.getMessage().contains("l2StartAccuracy"), e.getMessage());
    }

    @Test
    void l2sGateIsAnObjectiveDepartureThatThePapersObjectiveTurnsOff() {
        TrainOptions o = TextWidthTest.options();
        o.l2StartAccuracy = 0.5;
        assertTrue(o.objectiveDepartures(new TacoConfig()).contains("train.l2StartAccuracy=0.5"));
        o.usePaperObjective(new TacoConfig());
        assertEquals(0, o.l2StartAccuracy);
    }
}
