package io.github.taco.features;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A feature file that cannot be used: missing, corrupt or truncated, of an unsupported dtype or
 * shape, with NaN/Inf values, or with a feature dimension that differs from the other videos.
 * The message always names the video and the file, so a user can find and fix the input.
 */
public class FeatureException extends IOException {

    /** What went wrong; lets callers treat a missing file differently from a broken one. */
    public enum Kind { MISSING, CORRUPT, DTYPE, SHAPE, NON_FINITE, DIM_MISMATCH }

    private final Kind kind;
    private final String videoId;
    private final String source;

    public FeatureException(Kind kind, String videoId, Object source, String detail) {
        this(kind, videoId, source, detail, null);
    }

    public FeatureException(Kind kind, String videoId, Object source, String detail, Throwable cause) {
        super(kind.name().toLowerCase().replace('_', ' ') + " features for video '" + videoId + "' in "
                + source + ": " + detail, cause);
        this.kind = kind;
        this.videoId = videoId;
        this.source = String.valueOf(source);
    }

    public static FeatureException missing(String videoId, Path file) {
        return new FeatureException(Kind.MISSING, videoId, file, "no such file or entry");
    }

    public Kind kind() {
        return kind;
    }

    public String videoId() {
        return videoId;
    }

    /** The file (and entry, for archives) the features came from. */
    public String source() {
        return source;
    }
}
