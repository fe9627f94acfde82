package io.github.taco.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd off for inference. PyTorch's grad mode is thread-local and on by default in a new thread
 * (the main thread of {@code taco eval}, HTTP workers): the weights require gradients, so every forward
 * would otherwise record a backward graph over them for nothing, in time and native memory.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean was;

    private NoGrad(boolean was) {
        this.was = was;
    }

    /** Turns autograd recording off for the calling thread, for good (a worker thread that only infers). */
    public static void thisThread() {
        if (isPyTorch()) {
            JniUtils.setGradMode(false);
        }
    }

    /**
     * Turns autograd recording off for the calling thread until {@link #close}, which restores what was
     * set before (the periodic validation runs between training steps).
     */
    public static NoGrad scope() {
        if (!isPyTorch()) {
            return new NoGrad(false);
        }
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return new NoGrad(was);
    }

    @Override
    public void close() {
        if (was) {
            JniUtils.setGradMode(true);
        }
    }

    private static boolean isPyTorch() {
        return "PyTorch".equals(Engine.getInstance().getEngineName());
    }
}
