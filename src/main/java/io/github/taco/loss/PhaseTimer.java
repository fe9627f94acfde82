package io.github.taco.loss;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock time per named phase of a training step, accumulated over steps (for
 * {@code taco bench train}). On a GPU the engine runs asynchronously, so a phase's time there is
 * only meaningful after a synchronising read; on the CPU, ops run eagerly.
 */
public final class PhaseTimer {
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
