package io.github.taco.eval;

/**
 * COIN action segmentation frame accuracy (docs/method.md §7), with and without the background class.
 *
 * <p>An instance accumulates frames over many videos, so the dataset figure is pooled over frames
 * (long videos weigh more), the usual way COIN frame accuracy is reported. "Without background"
 * means over the frames whose <em>true</em> label is not background; a prediction of background
 * on such a frame is an error. Accuracies are in percent; with no frame to count they are NaN.
 */
public final class FrameAccuracy {

    /** The background label by convention. */
    public static final int DEFAULT_BACKGROUND = 0;

    private final int background;
    private long correct;
    private long total;
    private long correctForeground;
    private long totalForeground;

    /** An accumulator with background label 0. */
    public FrameAccuracy() {
        this(DEFAULT_BACKGROUND);
    }

    /** An accumulator with the given background label. */
    public FrameAccuracy(int background) {
        this.background = background;
    }

    /**
     * Adds one video's frames.
     *
     * @throws IllegalArgumentException if the two label arrays differ in length
     */
    public FrameAccuracy add(int[] predicted, int[] truth) {
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException("predicted has " + predicted.length + " frames, truth has "
                    + truth.length);
        }
        for (int k = 0; k < truth.length; k++) {
            boolean ok = predicted[k] == truth[k];
            total++;
            if (ok) {
                correct++;
            }
            if (truth[k] != background) {
                totalForeground++;
                if (ok) {
                    correctForeground++;
                }
            }
        }
        return this;
    }

    /** Percent of all frames labelled correctly. */
    public double accuracy() {
        return total == 0 ? Double.NaN : 100.0 * correct / total;
    }

    /** Percent of frames with a non-background true label that are labelled correctly. */
    public double accuracyWithoutBackground() {
        return totalForeground == 0 ? Double.NaN : 100.0 * correctForeground / totalForeground;
    }

    /** Frames added so far. */
    public long frames() {
        return total;
    }

    /** Frames added so far whose true label is not background. */
    public long foregroundFrames() {
        return totalForeground;
    }

    /** The pooled figures as they are reported (and written as JSON). */
    public Summary summary() {
        return new Summary(accuracy(), accuracyWithoutBackground(), total, totalForeground);
    }

    /**
     * @param frameAccuracy             pooled frame accuracy, in percent
     * @param frameAccuracyNoBackground the same over frames whose true label is not background
     * @param frames                    frames counted
     * @param foregroundFrames          of those, frames whose true label is not background
     */
    public record Summary(double frameAccuracy, double frameAccuracyNoBackground, long frames,
            long foregroundFrames) {}

    /** Frame accuracy of one video, in percent. */
    public static double accuracy(int[] predicted, int[] truth) {
        return new FrameAccuracy().add(predicted, truth).accuracy();
    }

    /** Frame accuracy of one video over frames whose true label is not {@code background}. */
    public static double accuracyWithoutBackground(int[] predicted, int[] truth, int background) {
        return new FrameAccuracy(background).add(predicted, truth).accuracyWithoutBackground();
    }
}
