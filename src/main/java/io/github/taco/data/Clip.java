package io.github.taco.data;

import java.util.List;
import java.util.Objects;

/**
 * One video segment with its captions: the common record every dataset reader produces.
 *
 * @param clipId  unique within a dataset, {@code videoId + "#" + index}
 * @param videoId key of the video's features in a {@link io.github.taco.features.FeatureStore}
 * @param start   start in seconds
 * @param end     end in seconds; {@link Double#POSITIVE_INFINITY} for "the whole video" (MSR-VTT
 *                clips, ActivityNet paragraphs), so feature length decides
 * @param texts   one or more captions of the same clip (MSR-VTT training videos have 20); a batch
 *                uses one of them
 * @param split   the part of the dataset
 */
public record Clip(String clipId, String videoId, double start, double end, List<String> texts, Split split) {

    public Clip {
        Objects.requireNonNull(clipId, "clipId");
        Objects.requireNonNull(videoId, "videoId");
        Objects.requireNonNull(split, "split");
        texts = List.copyOf(texts);
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("clip " + clipId + " has no caption");
        }
    }

    /** A clip covering the whole video. */
    public static Clip wholeVideo(String clipId, String videoId, List<String> texts, Split split) {
        return new Clip(clipId, videoId, 0, Double.POSITIVE_INFINITY, texts, split);
    }

    public boolean isWholeVideo() {
        return start == 0 && end == Double.POSITIVE_INFINITY;
    }

    /** Length in seconds, or infinity for a whole-video clip. */
    public double duration() {
        return end - start;
    }
}
