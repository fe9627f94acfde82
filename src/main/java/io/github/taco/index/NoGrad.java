package io.github.taco.index;

import ai.djl.engine.Engine;

/** Inference helpers for threads that run the model outside training. */
public final class NoGrad {
    private NoGrad() {}

    /**
     * Turns PyTorch's autograd recording off for the calling thread. PyTorch's grad mode is
     * thread-local and on by default in new threads (HTTP workers), where every forward would
     * otherwise build a backward graph over the weights for nothing.
     */
    public static void thisThread() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
    }
}
