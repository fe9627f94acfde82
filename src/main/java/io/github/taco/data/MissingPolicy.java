package io.github.taco.data;

/** What to do with a clip whose video has no features ({@code --on-missing skip|fail}). */
public enum MissingPolicy {
    /** Leave the clip out, count it and report the count (and the video ids). */
    SKIP,
    /** Throw, naming the video. */
    FAIL;

    /** skip or fail (any case); anything else is an error that names the accepted values. */
    public static MissingPolicy parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--on-missing (data: onMissing) must be skip or fail, got '" + s + "'");
        }
    }
}
