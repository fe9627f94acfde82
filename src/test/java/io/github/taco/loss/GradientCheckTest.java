package io.github.taco.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.taco.data.Batch;
import io.github.taco.model.Negatives;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Autograd gradients of L1, L2 and L3 against central finite differences, for parameters of every module. */
class GradientCheckTest {
    static final int K = 4, M = 4, D = 5, N = 6, V = 16;

    /** Parameters each loss depends on (L1/L2 do not reach the fusion). */
    static final List<String> ENCODER_PARAMS = List.of(
            "text.embeddings.word_embeddings.weight",
            "text.encoder.layer.0.attention.self.query.weight",
            "text.encoder.layer.0.output.LayerNorm.bias",
            "video.proj.weight",
            "video.encoder.layer.0.intermediate.dense.bias",
            "video.LayerNorm.weight");
    static final List<String> FUSION_PARAMS = List.of(
            "fusion.encoder.layer.0.attention.self.key.weight",
            "fusion.position_embeddings.weight",
            "fusion.head.weight",
            "text.encoder.layer.0.attention.output.dense.weight",
            "video.proj.bias");

    @ParameterizedTest
    @ValueSource(strings = {"L1", "L2", "L3"})
    void matchesFiniteDifferences(String loss) {
        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        c.kPrime = 2;
        c.l1VideoToText = true;
        Batch b = TinyBatches.random(K, M, D, N, V, 11, 0f, 0, false);
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 5)) {
            // A fixed selection keeps L3 a smooth function of the weights.
            NegativeSampler.Selection sel = NegativeSampler.select(Negatives.RANDOM, null, K, c.kPrime, new Random(3));
            Function<NDManager, NDArray> f = mgr -> {
                TacoModel.Inputs in = b.toInputs(mgr);
                NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
                NDArray x = model.encodeVideo(in.features(), in.frameMask());
                return switch (loss) {
                    case "L1" -> SentenceLoss.compute(
                            model.s1(model.textVectors(y), model.videoVectors(x, in.frameMask())), true);
                    case "L2" -> TokenLoss.compute(model.tokenScores(y, x, in.frameMask()), in.tokenWeights());
                    default -> FusionLoss.compute(model, y, in.tokenMask(), x, in.frameMask(), sel);
                };
            };
            List<String> names = loss.equals("L3") ? FUSION_PARAMS : ENCODER_PARAMS;
            int checked = 0;
            for (String name : names) {
                NDArray p = model.weights().get(name);
                float[] grad;
                try (NDManager mgr = root.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = f.apply(mgr);
                    gc.backward(l);
                    NDArray g = p.getGradient();
                    grad = g.toFloatArray();
                    g.subi(g);
                }
                // zero the rest too, so the next parameter starts clean
                for (NDArray q : model.weights().asMap().values()) {
                    try {
                        NDArray g = q.getGradient();
                        g.subi(g);
                        g.close();
                    } catch (RuntimeException ignored) {
                        // no gradient tensor for q
                    }
                }
                float[] values = p.toFloatArray();
                Random pick = new Random(name.hashCode());
                for (int trial = 0; trial < 3; trial++) {
                    int idx = largestOrRandom(grad, pick, trial);
                    double h = 1e-2;
                    double plus = evalWith(p, values, idx, values[idx] + h, f, root);
                    double minus = evalWith(p, values, idx, values[idx] - h, f, root);
                    p.set(values);
                    double numeric = (plus - minus) / (2 * h);
                    double tol = 2e-3 + 3e-2 * Math.abs(numeric);
                    assertEquals(numeric, grad[idx], tol, loss + " d/d " + name + "[" + idx + "]");
                    checked++;
                }
                double norm = 0;
                for (float g : grad) norm += g * g;
                assertTrue(norm > 0, loss + " has no gradient for " + name);
            }
            assertTrue(checked >= 15);
        }
    }

    /** The first trial takes the entry with the largest gradient (a meaningful check), the rest random ones. */
    private static int largestOrRandom(float[] g, Random r, int trial) {
        if (trial > 0) {
            return r.nextInt(g.length);
        }
        int best = 0;
        for (int i = 1; i < g.length; i++) if (Math.abs(g[i]) > Math.abs(g[best])) best = i;
        return best;
    }

    private static double evalWith(NDArray p, float[] values, int idx, double v, Function<NDManager, NDArray> f,
            NDManager root) {
        float[] copy = values.clone();
        copy[idx] = (float) v;
        p.set(copy);
        try (NDManager mgr = root.newSubManager()) {
            return f.apply(mgr).getFloat();
        }
    }
}
