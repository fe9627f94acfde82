package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.taco.model.TacoModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link AdamW#zeroGradients}, which clears a gradient holding infinities or NaN after a skipped step: the next
 * step must see that step's gradient alone (a {@code g - g} clear would leave NaN there for good).
 */
class ZeroFillTest {
    @Test
    void aClearedNonFiniteGradientLeavesTheNextStepFinite() {
        try (NDManager root = NDManager.newBaseManager();
                TacoModel model = new TacoModel(TextWidthTest.wide(), root, 1);
                AdamW adam = new AdamW(model.weights(), 0.9, 0.999, 1e-8, 0)) {
            String name = model.weights().names().get(0);
            NDArray w = model.weights().get(name);
            String other = model.weights().names().get(1);
            try (NDManager scope = root.newSubManager(); GradientCollector gc = Engine.getInstance()
                    .newGradientCollector()) {
                NDArray inf = scope.create(Float.POSITIVE_INFINITY);
                NDArray nan = scope.create(Float.NaN);
                gc.backward(w.mul(inf).sum().add(model.weights().get(other).mul(nan).sum()));
            }
            assertEquals(List.of(name, other), adam.nonFiniteGradients());
            adam.zeroGradients();
            assertEquals(List.of(), adam.nonFiniteGradients(), "every gradient is finite again");
            float[] g = w.getGradient().toFloatArray();
            for (float x : g) {
                assertEquals(0f, x, "cleared to 0, not NaN");
            }
            try (NDManager scope = root.newSubManager(); GradientCollector gc = Engine.getInstance()
                    .newGradientCollector()) {
                gc.backward(w.mul(scope.create(2f)).sum());
            }
            assertEquals(2.0 * Math.sqrt(w.size()), adam.gradientNorm(), 1e-3,
                    "the next step's gradient is its own: 2 per element, nothing left of the infinity");
            adam.step(1e-3, 1.0);
            for (float x : w.toFloatArray()) {
                assertTrue(Float.isFinite(x), "the update is finite");
            }
        }
    }
}
