package io.github.taco.data;

/** What to do with a clip whose video has no features ({@code --on-missing skip|fail}). */
public enum MissingPolicy {
    /** Leave the clip out, count it and report the count (and the video ids). */
    SKIP,
    /** Throw, naming the video. */
    FAIL;

    public static MissingPolicy parse(String s) {
        return valueOf(s.trim().toUpperCase());
    }
}
