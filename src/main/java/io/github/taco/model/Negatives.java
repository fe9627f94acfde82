package io.github.taco.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.taco.io.EnumNames;
import java.util.Locale;

/**
 * Which negatives L3 runs the fusion on (docs/method.md §4); the one place their names live
 * ({@link TacoConfig#negatives} holds one, {@code loss.NegativeSampler} draws them).
 */
public enum Negatives {
    /** The K' hardest by r = s1 (+ s2), per anchor: TACo's cascade sampling. */
    CASCADE,
    /** K' distinct random non-positives per anchor ("previous work"). */
    RANDOM,
    /** All K − 1 non-positives. */
    FULL;

    /** The name in config files and on the command line: {@code cascade}, {@code random} or {@code full}. */
    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** cascade, random or full (any case); anything else is an error naming them. */
    @JsonCreator
    public static Negatives parse(String s) {
        return EnumNames.parse(Negatives.class, s, "negatives");
    }

    /** The config name, so that messages and formatted strings read as config files do. */
    @Override
    public String toString() {
        return configName();
    }
}
