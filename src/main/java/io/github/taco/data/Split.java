package io.github.taco.data;

/** The part of a dataset a clip belongs to. */
public enum Split {
    /** Clean training clips (YouCook2 "training", MSR-VTT 9k/7k, ActivityNet train). */
    TRAIN,
    /** Clean held-out clips used as the test set where the dataset has no public test (YouCook2, ActivityNet val_1). */
    VALIDATION,
    /** A dedicated test split (MSR-VTT 1k-A). */
    TEST,
    /** Noisy narration for pretraining (HowTo100M ASR; the synthetic benchmark's narration videos). */
    NARRATION;

    /** Parses "train", "training", "val", "validation", "test", "testing", "narration", "pretrain" (any case). */
    public static Split parse(String s) {
        return switch (s.trim().toLowerCase()) {
            case "train", "training" -> TRAIN;
            case "val", "validation", "val_1" -> VALIDATION;
            case "test", "testing" -> TEST;
            case "narration", "pretrain", "pretraining" -> NARRATION;
            default -> throw new IllegalArgumentException("unknown split '" + s + "'");
        };
    }
}
