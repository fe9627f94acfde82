package io.github.taco.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PyTorchStep}: the child's arguments and thread settings, its timing parsed, and a failing
 * child reported with its output. A stand-in script plays python, so no torch is needed.
 */
class PyTorchStepTest {
    /** A "python" that records its arguments and environment, then prints what parity.py time prints. */
    private static Path fakePython(Path dir, String body) throws IOException {
        Path python = dir.resolve("python");
        Files.writeString(python, "#!/bin/sh\necho \"$@\" > " + dir.resolve("args") + "\n"
                + "echo \"$OMP_NUM_THREADS $OPENBLAS_NUM_THREADS\" > " + dir.resolve("env") + "\n" + body);
        assertTrue(python.toFile().setExecutable(true));
        return python;
    }

    @Test
    void parsesTheTimingOfTheSameShapeAndThreads(@TempDir Path dir) throws Exception {
        Path python = fakePython(dir,
                "echo 'BLAS: /usr/lib/libopenblas.so'\necho '  step (total)             1234.5 ms'\n"
                + "echo '  pairs/s 51.8, peak RSS 1492 MB'\n");
        PyTorchStep.Timing t = PyTorchStep.time(python.toString(), Path.of("parity.py"), "small", 32, null, 256, 4, 2,
                1);
        assertEquals(1234.5, t.msPerStep(), 1e-9);
        assertEquals(1492, t.peakRssMb());
        assertEquals("/usr/lib/libopenblas.so", t.blas());
        assertEquals("parity.py time --preset small --steps 4 --warmup 2 --threads 1 --batch 32 --feature-dim 256",
                Files.readString(dir.resolve("args")).trim());
        assertEquals("1 1", Files.readString(dir.resolve("env")).trim(),
                "OMP and OpenBLAS get the engine's thread count");

        TrainBenchmark.Result java = new TrainBenchmark.Result("small", null, 32, 0, 4, Map.of(), 617.25, 50, 746, 1, 1,
                1);
        String line = PyTorchStep.ratioLine(java, t);
        assertTrue(line.contains("speed PyTorch/Java 2.00x") && line.contains("memory Java/PyTorch 0.50x"), line);
    }

    @Test
    void aFailingChildIsAnErrorWithItsOutput(@TempDir Path dir) throws Exception {
        Path python = fakePython(dir, "echo 'ModuleNotFoundError: No module named torch'\nexit 1\n");
        IOException e = assertThrows(IOException.class,
                () -> PyTorchStep.time(python.toString(), Path.of("parity.py"), "large", null, null, null, 2, 1, 2));
        assertTrue(e.getMessage().contains("exit code 1") && e.getMessage().contains("No module named torch"),
                e.getMessage());
    }

    @Test
    void findsTheScriptOfThisRepository() {
        Path script = PyTorchStep.findScript();
        assertTrue(script != null && script.endsWith(Path.of("tools", "parity", "parity.py")), String.valueOf(script));
    }
}
