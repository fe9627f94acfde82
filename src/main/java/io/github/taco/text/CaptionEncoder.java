package io.github.taco.text;

/** Turns a caption into word pieces with tokens of interest and weights. Implementations are thread-safe. */
@FunctionalInterface
public interface CaptionEncoder {
    EncodedText encode(String caption);
}
