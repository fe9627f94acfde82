package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a checkpoint (weights and optimizer state) prints nothing from libtorch: DJL's
 * {@code NDArray.set(Buffer)} entered the deprecated AutoNonVariableTypeMode, whose multi-line
 * warning every command printed. libtorch writes it to the process's stderr, so the load runs in a
 * child JVM whose stderr is read.
 */
class QuietLoadTest {
    @Test
    void resumingACheckpointPrintsNoLibtorchWarning(@TempDir Path tmp) throws Exception {
        Path ckpt = tmp.resolve("ckpt");
        TacoConfig c = TinyBatches.tinyConfig(12, 5, 8, 60);
        TrainOptions o = new TrainOptions();
        o.steps = 2;
        o.batchSize = 4;
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 1);
                Trainer t = new Trainer(model, o)) {
            t.train(TinyBatches.random(4, 5, 12, 8, 60, 1, 0f, 0, false));
            t.save(ckpt, Map.of());
        }
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), ResumeMain.class.getName(),
                ckpt.toString()))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("resumed at step 1"), out);
        assertFalse(out.contains("AutoNonVariableTypeMode"), out);
    }

    /** The child: resumes the checkpoint (model weights and AdamW moments) and says so. */
    public static final class ResumeMain {
        public static void main(String[] args) throws Exception {
            try (NDManager root = NDManager.newBaseManager();
                    Trainer t = Trainer.resume(Path.of(args[0]), root, null)) {
                System.out.println("resumed at step " + t.step());
            }
        }
    }
}
