package io.github.taco.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.Arrays;

/**
 * Minimal DJL-only reproduction (no taco code): {@code x.div(4f)} on a tensor that requires grad, a GC
 * between forward and backward, and the gradient of x is no longer 0.25.
 *
 * <p>DJL's PyTorch engine implements {@code NDArray.div(Number)} (and mul, pow, maximum, ...) as
 * {@code try (NDArray n = manager.create(number)) { return div(n); }}: the scalar is a {@code torch::from_blob}
 * tensor over a 4-byte direct ByteBuffer and is closed right after the op. Autograd's DivBackward0 saved that
 * tensor; once the GC frees the ByteBuffer the backward pass divides by freed memory.
 *
 * <p>Run: {@code java -cp ... io.github.taco.train.ScalarOperandRepro [trials] [native|nogc]}; with {@code native}
 * the scalar is created by {@code manager.full} (PyTorch-owned memory) instead; {@code nogc} skips the GC.
 */
public final class ScalarOperandRepro {
    private ScalarOperandRepro() {}

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        boolean nativeScalar = args.length > 1 && args[1].equals("native");
        boolean collect = !(args.length > 1 && args[1].equals("nogc"));
        int wrong = 0;
        try (NDManager root = NDManager.newBaseManager()) {
            NDArray x = root.create(new float[] {1f, 2f, 3f});
            x.setRequiresGradient(true);
            for (int t = 0; t < trials; t++) {
                try (NDManager step = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray xs = x.mul(step.ones(new Shape(3))); // an activation in the per-step manager
                    NDArray y = nativeScalar ? xs.div(step.full(new Shape(), 4f, DataType.FLOAT32)) : xs.div(4f);
                    if (collect) {
                        System.gc(); // the direct ByteBuffer of DJL's closed scalar is unreachable: freed
                        Thread.sleep(20);
                    }
                    gc.backward(y.sum());
                    float[] g = x.getGradient().toFloatArray();
                    if (!Arrays.equals(g, new float[] {0.25f, 0.25f, 0.25f})) {
                        wrong++;
                        System.out.println("trial " + t + ": dL/dx = " + Arrays.toString(g) + " (expected 0.25)");
                    }
                    try (NDArray grad = x.getGradient()) {
                        grad.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
                    }
                }
            }
        }
        System.out.println("RESULT scalar=" + (nativeScalar ? "native(full)" : "div(Number)") + " gc=" + collect + " trials=" + trials + " wrong=" + wrong);
    }
}
