package io.github.taco.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The K×K identity, the positives' mask. Built on the host: DJL's PyTorch {@code eye} rejects its own defaults. */
final class Identity {
    private Identity() {}

    static NDArray of(NDManager manager, int k) {
        float[] v = new float[k * k];
        for (int i = 0; i < k; i++) {
            v[i * k + i] = 1;
        }
        return manager.create(v, new Shape(k, k));
    }
}
