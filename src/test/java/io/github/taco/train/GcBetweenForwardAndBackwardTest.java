package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import io.github.taco.data.Batch;
import io.github.taco.loss.StepTimer;
import io.github.taco.loss.TacoObjective;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A garbage collection between forward and backward must not change any gradient (docs/gradient-corruption.md):
 * nothing autograd saves for the backward pass may live in Java memory that the GC can free. Before the fix,
 * the constants of {@code NDArray.div(float)} (attention scale, temperature, loss means) were such memory and
 * every gradient below them came out wrong after a {@code System.gc()}.
 */
class GcBetweenForwardAndBackwardTest {
    @Test
    void gradientsDoNotDependOnTheGarbageCollector() throws InterruptedException {
        TacoConfig c = TinyBatches.tinyConfig(16, 4, 8, 50);
        c.similarity = Similarity.COSINE;
        c.temperature = 0.05;
        c.losses("L1+L2+L3");
        c.kPrime = 2;
        Batch batch = TinyBatches.random(6, 4, 16, 8, 50, 1, 0f, 0, false);
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 7)) {
            TacoObjective objective = new TacoObjective(model);
            Map<String, float[]> reference = gradients(model, objective, batch, false);
            for (int trial = 0; trial < 3; trial++) {
                Map<String, float[]> withGc = gradients(model, objective, batch, true);
                for (Map.Entry<String, float[]> e : reference.entrySet()) {
                    float[] g = withGc.get(e.getKey());
                    for (float v : g) {
                        assertTrue(Float.isFinite(v), "trial " + trial + ": non-finite gradient of " + e.getKey());
                    }
                    assertArrayEquals(e.getValue(), g, 1e-6f,
                            "trial " + trial + ": gradient of " + e.getKey() + " changed by a GC");
                }
            }
        }
    }

    /** Forward, optionally a few full GCs, backward; returns every parameter's gradient and zeroes it. */
    private static Map<String, float[]> gradients(TacoModel model, TacoObjective objective, Batch batch,
            boolean gcBetween) throws InterruptedException {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.setTraining(true);
        try (NDManager scope = model.weights().manager().newSubManager()) {
            TacoModel.Inputs in = batch.toInputs(scope);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                TacoObjective.Terms terms = objective.compute(in, new Random(1), new StepTimer());
                if (gcBetween) {
                    for (int i = 0; i < 3; i++) {
                        // frees every unreachable direct ByteBuffer (the reference handler runs its cleaner)
                        System.gc();
                        Thread.sleep(30);
                    }
                }
                gc.backward(terms.total());
            }
            for (Map.Entry<String, NDArray> e : model.weights().asMap().entrySet()) {
                try (NDArray g = e.getValue().getGradient()) {
                    out.put(e.getKey(), g.toFloatArray());
                    g.set(new NDIndex("..."), 0f);
                }
            }
        } finally {
            model.setTraining(false);
        }
        return out;
    }
}
