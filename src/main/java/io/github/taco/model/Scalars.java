package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplying or dividing by a constant on the autograd path. Use these instead of
 * {@code x.div(float)} / {@code x.mul(float)} on anything a gradient flows through.
 *
 * <p>Why (docs/gradient-corruption.md): DJL 0.36's PyTorch engine implements {@code NDArray.div(Number)},
 * {@code mul(Number)} (and pow, maximum, ...) as {@code try (NDArray c = manager.create(number)) { return div(c); }}.
 * {@code create} makes a {@code torch::from_blob} tensor over a 4-byte Java direct ByteBuffer, and the close drops
 * the only Java reference to that buffer. Autograd's DivBackward0/MulBackward0 saved the constant tensor for the
 * backward pass; once the garbage collector frees the buffer, backward multiplies the gradient by freed memory:
 * random non-finite or huge gradients, more often the longer the step and the more the GC runs.
 * {@code manager.full} makes the constant in PyTorch-owned, reference-counted memory, which autograd keeps alive
 * after the wrapper is closed.
 */
public final class Scalars {
    private Scalars() {}

    /** x / c with a PyTorch-owned constant. */
    public static NDArray div(NDArray x, double c) {
        try (NDArray k = constant(x, c)) {
            return x.div(k);
        }
    }

    /** x · c with a PyTorch-owned constant. */
    public static NDArray mul(NDArray x, double c) {
        try (NDArray k = constant(x, c)) {
            return x.mul(k);
        }
    }

    private static NDArray constant(NDArray x, double c) {
        return x.getManager().full(new Shape(), (float) c, x.getDataType());
    }
}
