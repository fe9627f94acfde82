package io.github.taco.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Test;

/** Evaluation turns autograd off while it runs and restores it after (the validation runs between training steps). */
class NoGradTest {
    @Test
    void scopeTurnsRecordingOffAndRestoresIt() {
        try (NDManager m = NDManager.newBaseManager()) { // the engine loaded
            JniUtils.setGradMode(true);
            try (NoGrad off = NoGrad.scope()) {
                assertFalse(JniUtils.isGradMode());
            }
            assertTrue(JniUtils.isGradMode(), "restored");
            JniUtils.setGradMode(false);
            try (NoGrad off = NoGrad.scope()) {
                assertFalse(JniUtils.isGradMode());
            }
            assertFalse(JniUtils.isGradMode(), "off stays off");
        }
    }
}
