package io.github.taco.data;

import io.github.taco.io.EnumNames;
import java.util.List;

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
        return EnumNames.parse(Split.class, s, "split", v -> switch (v) {
            case TRAIN -> List.of("train", "training");
            case VALIDATION -> List.of("val", "validation", "val_1");
            case TEST -> List.of("test", "testing");
            case NARRATION -> List.of("narration", "pretrain", "pretraining");
        });
    }
}
