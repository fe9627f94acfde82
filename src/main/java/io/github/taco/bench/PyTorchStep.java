package io.github.taco.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same training step in plain PyTorch ({@code tools/parity/parity.py time}: the model rebuilt in
 * eager PyTorch with {@code torch.optim.AdamW}), run as a child process so that {@code taco bench train}
 * can print the ratio of the two on the same shape and thread count (docs/performance.md). Needs the
 * repository's {@code tools/parity/parity.py} and a python3 that imports torch.
 */
public final class PyTorchStep {
    private PyTorchStep() {}

    /** One PyTorch timing: ms per timed step, the child's peak RSS, and the BLAS it loaded. */
    public record Timing(double msPerStep, long peakRssMb, String blas) {}

    private static final Pattern STEP = Pattern.compile("step \\(total\\)\\s+([0-9.]+) ms");
    private static final Pattern RSS = Pattern.compile("peak RSS (\\d+) MB");
    private static final Pattern BLAS = Pattern.compile("BLAS: (.*)");

    /**
     * {@code tools/parity/parity.py} under the working directory or under the folder above the jar's
     * (the repository, for {@code target/taco.jar}); null when neither has it.
     */
    public static Path findScript() {
        List<Path> roots = new ArrayList<>();
        roots.add(Path.of("").toAbsolutePath());
        try {
            Path jar = Path.of(PyTorchStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (jar.getParent() != null && jar.getParent().getParent() != null) {
                roots.add(jar.getParent().getParent());
            }
        } catch (Exception e) {
            // no code source (unusual class loader): the working directory is enough
        }
        for (Path root : roots) {
            Path script = root.resolve("tools/parity/parity.py");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        return null;
    }

    /**
     * The first of {@code $TACO_PYTHON}, {@code python3} and {@code /usr/bin/python3} that imports torch;
     * null when none does (Debian: {@code apt-get install python3-torch libopenblas0-pthread}).
     */
    public static String findPython() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("TACO_PYTHON");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String python : candidates) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return python;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not installed: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /**
     * Runs {@code parity.py time} on a named shape (cpu, paper, small or large) with {@code threads}
     * intra-op threads (OMP and OpenBLAS pinned to the same) and parses its result.
     *
     * @param batch      K, or null for the shape's
     * @param kPrime     K', or null for the shape's
     * @param featureDim D, or null for the shape's
     * @throws IOException when the child fails or prints no timing (its output is in the message)
     */
    public static Timing time(String python, Path script, String shape, Integer batch, Integer kPrime,
            Integer featureDim, int steps, int warmup, int threads) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "time", "--preset", shape,
                "--steps", String.valueOf(steps), "--warmup", String.valueOf(warmup), "--threads",
                String.valueOf(threads)));
        if (batch != null) {
            cmd.addAll(List.of("--batch", batch.toString()));
        }
        if (kPrime != null) {
            cmd.addAll(List.of("--kprime", kPrime.toString()));
        }
        if (featureDim != null) {
            cmd.addAll(List.of("--feature-dim", featureDim.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(threads));
        // This environment forces an older OpenBLAS kernel (OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE), which holds
        // torch's GEMM at ~60 % on AVX-512 CPUs: the PyTorch side runs without them (docs/performance.md).
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        Matcher step = STEP.matcher(out);
        Matcher rss = RSS.matcher(out);
        if (code != 0 || !step.find() || !rss.find()) {
            throw new IOException(String.join(" ", cmd) + " failed (exit code " + code + "):\n" + out);
        }
        Matcher blas = BLAS.matcher(out);
        return new Timing(Double.parseDouble(step.group(1)), Long.parseLong(rss.group(1)),
                blas.find() ? blas.group(1).trim() : "unknown");
    }

    /** The line {@code taco bench train} prints for a Java result and a PyTorch timing of the same shape. */
    public static String ratioLine(TrainBenchmark.Result java, Timing torch) {
        return String.format(Locale.ROOT, "  PyTorch (parity.py time, BLAS %s): %.1f ms/step, peak RSS %d MB%n"
                        + "  speed PyTorch/Java %.2fx, memory Java/PyTorch %.2fx%n",
                torch.blas(), torch.msPerStep(), torch.peakRssMb(), torch.msPerStep() / java.msPerStep(),
                (double) java.peakRssMb() / torch.peakRssMb());
    }
}
