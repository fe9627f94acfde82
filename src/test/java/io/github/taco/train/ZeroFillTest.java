package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.junit.jupiter.api.Test;

/** The in-place scalar fill AdamW uses to clear a gradient that holds infinities or NaN. */
class ZeroFillTest {
    @Test
    void fillClearsInfinitiesAndNaNInPlace() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1f, Float.POSITIVE_INFINITY, Float.NaN, -3f}).reshape(2, 2);
            NDArray same = a;
            a.set(new NDIndex("..."), 0f);
            assertArrayEquals(new float[] {0, 0, 0, 0}, same.toFloatArray(), 0f);
        }
    }
}
