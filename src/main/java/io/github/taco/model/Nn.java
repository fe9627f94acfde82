package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * The few neural-network operations the model is made of, as calls into the engine's fused ops.
 *
 * <p>Why not DJL's blocks: its TransformerEncoderBlock/BertBlock use BatchNorm (padding leaks
 * across a batch) and pool the wrong token, so the BERT layer is written here from these ops.
 * Every op takes the activation first and the parameter second: the result then belongs to the
 * activation's (per-batch) NDManager, never to the long-lived parameter manager, so nothing leaks.
 */
final class Nn {
    private Nn() {}

    /** A PyTorch-layout linear layer: weight [out, in], bias [out]. */
    record Linear(NDArray weight, NDArray bias) {
        static Linear create(Weights w, String prefix, int in, int out) {
            return new Linear(w.normal(prefix + ".weight", out, in), w.zeros(prefix + ".bias", out));
        }

        NDArray apply(NDArray x) {
            return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
        }
    }

    /** LayerNorm over the last axis only. */
    record LayerNorm(NDArray weight, NDArray bias, float eps) {
        static LayerNorm create(Weights w, String prefix, int d, double eps) {
            return new LayerNorm(w.ones(prefix + ".weight", d), w.zeros(prefix + ".bias", d), (float) eps);
        }

        NDArray apply(NDArray x) {
            return x.getNDArrayInternal()
                    .layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, eps)
                    .singletonOrThrow();
        }
    }

    /** Rows of {@code table} for integer {@code ids} (int64). */
    static NDArray embedding(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * Inverted dropout: on the CPU with a mask drawn in Java ({@link DropoutMask} says why), elsewhere the engine's.
     */
    static NDArray dropout(NDArray x, double rate, boolean training) {
        if (!training || rate == 0) {
            return x;
        }
        if (DropoutMask.supported(x.getManager(), x.getShape())) {
            return x.mul(DropoutMask.draw(x.getManager(), x.getShape(), rate));
        }
        return x.getNDArrayInternal().dropout(x, (float) rate, true).singletonOrThrow();
    }

    /** GELU with erf (not the tanh approximation), as BERT. */
    static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /** [B, n] 0/1 key mask → [B, 1, 1, n] additive mask: 0 where valid, -10000 where padded (as BERT). */
    static NDArray additiveMask(NDArray mask) {
        Shape s = mask.getShape();
        return mask.sub(1f).mul(10000f).reshape(s.get(0), 1, 1, s.get(1));
    }
}
