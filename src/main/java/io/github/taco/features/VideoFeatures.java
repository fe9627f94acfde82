package io.github.taco.features;

/**
 * The pre-extracted features of one whole video: {@code frames} rows of {@code dim} floats,
 * row-major ({@code data[t * dim + d]}), one row per 1/fps seconds of the store it came from.
 */
public record VideoFeatures(String videoId, int frames, int dim, float[] data) {

    public VideoFeatures {
        if (frames <= 0 || dim <= 0) {
            throw new IllegalArgumentException("video " + videoId + ": shape [" + frames + ", " + dim + "] is empty");
        }
        if ((long) frames * dim != data.length) {
            throw new IllegalArgumentException("video " + videoId + ": " + data.length + " values for shape [" + frames
                    + ", " + dim + "]");
        }
    }

    /** Approximate heap size, for the memory-budgeted cache. */
    public long bytes() {
        return 4L * data.length + 64;
    }

    /** Index of the first NaN or infinite value, or -1 when all values are finite. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }
}
