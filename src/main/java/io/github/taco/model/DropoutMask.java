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
 * the tensor's memory, at about 1 ns per element per core.
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

    /**
     * A new float32 mask of {@code shape} on {@code m}: each entry 0 with probability {@code rate}, else 1/(1 − rate).
     */
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

    /** One block's floats, reused: the block is built in a heap array and copied into the tensor in bulk. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[BLOCK]);

    private static void fill(FloatBuffer out, SplittableRandom r, long from, long to, long threshold, float keep) {
        // Measured (2^21 floats, one core): 1.0 ns per element this way; 1.9 with one absolute put into
        // the direct buffer per element, 2.4 with a branch instead of the bit mask (a dropped element is
        // a coin flip the branch predictor cannot learn).
        float[] block = SCRATCH.get();
        int len = (int) (to - from);
        int keepBits = Float.floatToRawIntBits(keep);
        int i = 0;
        for (; i + 1 < len; i += 2) {
            long bits = r.nextLong();
            block[i] = Float.intBitsToFloat(keepBits & keptMask(bits >>> 32, threshold));
            block[i + 1] = Float.intBitsToFloat(keepBits & keptMask(bits & 0xFFFFFFFFL, threshold));
        }
        if (i < len) {
            block[i] = Float.intBitsToFloat(keepBits & keptMask(r.nextLong() >>> 32, threshold));
        }
        out.put((int) from, block, 0, len);
    }

    /** All ones when the 32-bit draw u is at least the threshold (kept), else 0. */
    private static int keptMask(long u, long threshold) {
        return ~(int) ((u - threshold) >> 63);
    }
}
