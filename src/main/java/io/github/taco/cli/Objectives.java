package io.github.taco.cli;

import java.util.List;
import java.util.Locale;

/** {@code --objective preset|paper} of taco train and taco ablate. */
final class Objectives {
    /** The run-config keys {@code --objective paper} sets (recorded as given, so that a resume cannot change them). */
    static final List<String> KEYS = List.of("model.lambda", "model.l3Weight", "model.l3Detached",
            "model.l2MaskSharedTokens", "model.l2DetachedFrom",
            "model.l1VideoToText", "train.l3StartAccuracy", "train.l2StartAccuracy", "train.randomNegativesSteps",
            "train.calibrationVideos", "train.calibrationRefit", "train.calibrationGuard");

    private Objectives() {}

    /** True for "paper", false for "preset"; anything else is an error naming both. */
    static boolean paper(String objective) {
        return switch (objective.trim().toLowerCase(Locale.ROOT)) {
            case "paper" -> true;
            case "preset" -> false;
            default -> throw new IllegalArgumentException(
                    "--objective must be preset or paper, got '" + objective + "'");
        };
    }
}
