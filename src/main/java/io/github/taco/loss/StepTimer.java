package io.github.taco.loss;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training step's clock: wall-clock time per named phase of a step, accumulated over steps (for
 * {@code taco bench train} and docs/performance.md). It lives beside {@link TacoObjective} because the
 * objective runs and names most of the phases (encoders, L1+L2, cascade selection, fusion, backward);
 * the trainer adds the optimizer's. On a GPU the engine runs asynchronously, so a phase's time there
 * is only meaningful after a synchronising read; on the CPU, ops run eagerly.
 */
public final class StepTimer {
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long start = System.nanoTime();

    /** Ends the current phase under {@code name} and starts the next one. */
    public void lap(String name) {
        long now = System.nanoTime();
        nanos.merge(name, now - start, Long::sum);
        start = now;
    }

    /** Restarts the clock without recording (e.g. after work that belongs to no phase). */
    public void reset() {
        start = System.nanoTime();
    }

    /** Milliseconds per phase, divided by {@code steps}. */
    public Map<String, Double> millisPerStep(int steps) {
        Map<String, Double> r = new LinkedHashMap<>();
        nanos.forEach((k, v) -> r.put(k, v / 1e6 / Math.max(1, steps)));
        return r;
    }

    public void clear() {
        nanos.clear();
        reset();
    }
}
