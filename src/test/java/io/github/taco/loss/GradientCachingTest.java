package io.github.taco.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import io.github.taco.data.Batch;
import io.github.taco.model.Negatives;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gradient caching ({@link TacoObjective#computeAndBackward}) gives every parameter the gradient of
 * the one-graph loss: with dropout on (same chunks, so the same masks) and, with dropout off, against
 * the fusion run on the whole batch at once. K = 7 with chunks of 3 leaves a ragged last chunk.
 */
class GradientCachingTest {
    private static final int K = 7;
    private static final Batch BATCH = TinyBatches.random(K, 5, 12, 8, 60, 3, 0f, 0, true);

    @ParameterizedTest
    @ValueSource(strings = {"cascade", "random", "full"})
    void chunkedGradientsEqualTheOneGraphGradientsWithDropoutOn(String negatives) {
        TacoConfig c = config(negatives, 0.1);
        Map<String, float[]> oneGraph = gradients(c, false, 3);
        Map<String, float[]> cached = gradients(c, true, 3);
        assertAgree(oneGraph, cached, negatives + ", dropout 0.1", 1e-5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cascade", "random", "full"})
    void chunkSizeDoesNotChangeTheGradientsWithoutDropout(String negatives) {
        TacoConfig c = config(negatives, 0);
        Map<String, float[]> whole = gradients(c, false, K);
        Map<String, float[]> cached = gradients(c, true, 3);
        // Other chunk sizes sum in another order: the fusion LayerNorms' gradients, sums of many
        // cancelling terms, then differ by ~1e-5 of their size (float32), so this compares at 1e-4.
        assertAgree(whole, cached, negatives + ", no dropout", 1e-4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cascade", "random"})
    void dropoutMakesTheComparisonMeaningful(String negatives) {
        // negative control: other dropout masks (another seed) give other gradients
        TacoConfig c = config(negatives, 0.1);
        Map<String, float[]> a = gradients(c, true, 3);
        Map<String, float[]> b = gradients(c, true, 3, 99);
        assertTrue(relative(a.get("fusion.head.weight"), b.get("fusion.head.weight")) > 1e-3);
    }

    @Test
    void theWeightOfL3ScalesItsGradientOnBothPaths() {
        TacoConfig c = config("cascade", 0);
        Map<String, float[]> full = gradients(c, true, 3);
        c.l3Weight = 0.3;
        Map<String, float[]> oneGraph = gradients(c, false, K);
        Map<String, float[]> cached = gradients(c, true, 3);
        assertAgree(oneGraph, cached, "l3Weight 0.3", 1e-4);
        // only L3 reaches the fusion: its gradient is 0.3 × the unweighted one
        float[] g1 = full.get("fusion.head.weight");
        float[] g03 = cached.get("fusion.head.weight");
        float[] scaled = new float[g1.length];
        for (int i = 0; i < g1.length; i++) {
            scaled[i] = 0.3f * g1[i];
        }
        assertTrue(relative(scaled, g03) < 1e-5, "fusion gradient scales with l3Weight: " + relative(scaled, g03));
        // and the encoders' gradients change (L3 reaches them too)
        assertTrue(relative(full.get("video.proj.weight"), cached.get("video.proj.weight")) > 1e-4);
    }

    private static TacoConfig config(String negatives, double dropout) {
        TacoConfig c = TinyBatches.tinyConfig(12, 5, 8, 60);
        c.hiddenSize = 16;
        c.intermediateSize = 32;
        c.fusionLayers = 2;
        c.kPrime = 3;
        c.negatives = Negatives.parse(negatives);
        c.dropout = dropout;
        c.initializerRange = 0.2;
        return c;
    }

    private static void assertAgree(Map<String, float[]> ref, Map<String, float[]> got, String what, double tolerance) {
        assertEquals(ref.keySet(), got.keySet());
        int compared = 0;
        double worst = 0;
        double largest = ref.values().stream().mapToDouble(GradientCachingTest::maxAbs).max().orElseThrow();
        for (String name : ref.keySet()) {
            float[] r = ref.get(name);
            double scale = maxAbs(r);
            if (zeroInExactArithmetic(name)) {
                assertTrue(maxAbs(got.get(name)) < 1e-6 * largest && scale < 1e-6 * largest, what + ": " + name);
                continue;
            }
            assertTrue(scale > 0, what + ": " + name + " has no gradient in the reference");
            double rel = relative(r, got.get(name));
            worst = Math.max(worst, rel);
            assertTrue(rel <= tolerance, what + ": " + name + " differs by " + rel + " of its largest entry");
            compared++;
        }
        assertTrue(compared > 40, "compared only " + compared + " tensors");
        System.out.printf("%s: %d tensors, worst relative difference %.2e%n", what, compared, worst);
    }

    private static Map<String, float[]> gradients(TacoConfig c, boolean cached, int chunk) {
        return gradients(c, cached, chunk, 5);
    }

    /** One forward/backward of L with a fresh model of a fixed seed; every parameter's gradient. */
    private static Map<String, float[]> gradients(TacoConfig c, boolean cached, int chunk, int seed) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 7)) {
            model.setTraining(true);
            TacoObjective objective = new TacoObjective(model);
            try (NDManager scope = model.weights().manager().newSubManager()) {
                TacoModel.Inputs in = BATCH.toInputs(scope);
                Engine.getInstance().setRandomSeed(seed);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    if (cached) {
                        objective.computeAndBackward(in, new Random(1), new StepTimer(), gc, chunk);
                    } else {
                        gc.backward(objective.compute(in, new Random(1), new StepTimer(), chunk).total());
                    }
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

    private static double relative(float[] ref, float[] got) {
        double m = 0;
        for (int i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i] - got[i]));
        return m / Math.max(maxAbs(ref), 1e-30);
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /**
     * Gradients that are 0 in exact arithmetic, so any computation holds round-off only: a key bias adds
     * a constant to every logit of a query's softmax; the head's bias and the last LayerNorm's bias
     * (through the head) add the same to every s3, and each cross-entropy's gradient sums to 0 over its row.
     */
    static boolean zeroInExactArithmetic(String name) {
        return name.equals("fusion.head.bias") || name.equals("fusion.encoder.layer.1.output.LayerNorm.bias")
                || name.endsWith(".attention.self.key.bias");
    }
}
