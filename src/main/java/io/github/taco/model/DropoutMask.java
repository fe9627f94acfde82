package io.github.taco.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The mask of inverted dropout, drawn in Java: 0 with probability {@code rate}, else 1/(1 − rate),
 * as libtorch's own dropout builds it (its noise tensor, bernoulli_(1 − p) then div_(1 − p)).
 *
 * <p>Why hand-written (a speed reason): libtorch 2.7's CPU {@code bernoulli_(p)} is a serial loop that
 * draws one mt19937 number per element, about 8 ns each on one core while the other engine thread
 * waits. A training step of the large shape draws about 120 million of them (docs/performance.md):
 * 15 % of the step on two threads. Here each block of {@link #BLOCK} elements has its own SplitMix64
 * stream ({@link SplittableRandom}), the blocks run on the common fork-join pool and write straight into
 * the tensor's memory, at well under 1 ns per element.
 *
 * <p>The seed of each mask is one draw from the engine's generator, so a training step's masks still
 * follow from the engine seed that {@code Trainer} sets per step (exact resume), and do not depend on
 * the number of threads.
 */
final class DropoutMask {
    /** Elements per independent stream: large enough that a block's start-up cost vanishes. */
    static final int BLOCK = 1 << 16;

    private DropoutMask() {}

    /**
     * Whether masks can be drawn here: on the CPU only (an accelerator's own fused dropout is fast,
     * and writing into its memory from Java is not possible), for tensors a direct buffer can address.
     */
    static boolean supported(NDManager m, Shape shape) {
        return Device.Type.CPU.equals(m.getDevice().getDeviceType()) && shape.size() * Float.BYTES <= Integer.MAX_VALUE;
    }

    /** A new float32 mask of {@code shape} on {@code m}: each entry 0 with probability {@code rate}, else 1/(1 − rate). */
    static NDArray draw(NDManager m, Shape shape, double rate) {
        long seed = m.randomInteger(0, Long.MAX_VALUE, new Shape(1), DataType.INT64).getLong();
        NDArray mask = m.create(shape, DataType.FLOAT32);
        FloatBuffer out = mask.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        long n = shape.size();
        int blocks = (int) ((n + BLOCK - 1) / BLOCK);
        // Kept where a uniform 32-bit draw u satisfies u ≥ rate·2³² (unsigned): probability 1 − rate to 2⁻³².
        long threshold = (long) Math.ceil(rate * 4294967296.0);
        float keep = (float) (1.0 / (1.0 - rate));
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom[] streams = new SplittableRandom[blocks];
        for (int b = 0; b < blocks; b++) {
            streams[b] = root.split(); // in order, so block b's stream depends on (seed, b) only
        }
        IntStream.range(0, blocks).parallel().forEach(b -> fill(out, streams[b], b * (long) BLOCK,
                Math.min(n, (b + 1) * (long) BLOCK), threshold, keep));
        return mask;
    }

    private static void fill(FloatBuffer out, SplittableRandom r, long from, long to, long threshold, float keep) {
        int i = (int) from;
        int end = (int) to;
        for (; i + 1 < end; i += 2) {
            long bits = r.nextLong();
            out.put(i, (bits >>> 32) >= threshold ? keep : 0f);
            out.put(i + 1, (bits & 0xFFFFFFFFL) >= threshold ? keep : 0f);
        }
        if (i < end) {
            out.put(i, (r.nextLong() >>> 32) >= threshold ? keep : 0f);
        }
    }
}
