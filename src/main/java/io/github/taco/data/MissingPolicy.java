package io.github.taco.data;

import io.github.taco.io.EnumNames;

/** What to do with a clip whose video has no features ({@code --on-missing skip|fail}). */
public enum MissingPolicy {
    /** Leave the clip out, count it and report the count (and the video ids). */
    SKIP,
    /** Throw, naming the video. */
    FAIL;

    /** skip or fail (any case); anything else is an error that names the accepted values. */
    public static MissingPolicy parse(String s) {
        return EnumNames.parse(MissingPolicy.class, s, "--on-missing (data: onMissing)");
    }
}
