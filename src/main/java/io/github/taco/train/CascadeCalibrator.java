package io.github.taco.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Chooses the inference cascade's weights for a checkpoint on the videos the run held out
 * ({@link TrainOptions#calibrationVideos}). {@link TrainingRun} calls it once its checkpoint is written: at the end
 * of the run, or before the held-out videos rejoin training ({@link TrainOptions#calibrationRefit}). The
 * evaluation stage implements it ({@code eval.CascadeCalibration}); training only decides when.
 */
@FunctionalInterface
public interface CascadeCalibrator {
    /** What a calibration may write beside config.json (its grid and choice); later saves of the run carry it. */
    String FILE = "calibration.json";

    /**
     * What was chosen.
     *
     * @param weightS2 the weight of s2 now in the checkpoint's config.json
     * @param weightS3 the weight of s3 there
     * @param summary  one line for the user
     */
    record Outcome(double weightS2, double weightS3, String summary) {}

    /** Chooses the weights for the checkpoint in {@code checkpoint} and writes them into its config.json. */
    Outcome calibrate(Path checkpoint) throws IOException;
}
