package io.github.taco.train;

/** Linear warm-up from 0 to the peak, then linear decay to 0 at the last step (docs/method.md §6). */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps) {
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        return peak * Math.max(0.0, (double) (totalSteps - step) / decaySteps);
    }
}
