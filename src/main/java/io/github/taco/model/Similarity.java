package io.github.taco.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.taco.io.EnumNames;
import java.util.Locale;

/**
 * How s1 and s2 compare a text vector with a video vector (docs/method.md §2); the one place their
 * names live. config.json and index.json hold the name ({@link #configName()}).
 */
public enum Similarity {
    /** Plain dot products, as the paper (τ = 1). */
    DOT,
    /** Dot products of L2-normalised vectors divided by the temperature τ. */
    COSINE;

    /** The name in config files and on the command line: {@code dot} or {@code cosine}. */
    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** dot or cosine (any case); anything else is an error naming them. */
    @JsonCreator
    public static Similarity parse(String s) {
        return EnumNames.parse(Similarity.class, s, "similarity");
    }

    /** The config name, so that messages and formatted strings read as config files do. */
    @Override
    public String toString() {
        return configName();
    }
}
