package io.github.taco.features;

/**
 * Which feature rows a clip uses (docs/method.md §8): a clip [s, e] seconds takes frames
 * floor(s·fps) … floor(e·fps) inclusive, clipped to the video; more than {@code maxFrames} frames
 * are thinned to {@code maxFrames} uniformly spaced ones (the centre of each of maxFrames equal
 * bins); an empty range gives the nearest frame. Bad segments are repaired as documented in
 * {@link SegmentFixups}.
 */
public final class FrameSampler {
    private FrameSampler() {}

    /**
     * Frame indices of a clip, ascending, at least one.
     *
     * @param start     clip start in seconds
     * @param end       clip end in seconds; {@code Double.POSITIVE_INFINITY} means "to the end of the video"
     * @param fps       feature rows per second
     * @param frames    feature rows of the video (T &gt; 0)
     * @param maxFrames at most this many indices are returned
     * @param fixups    receives a count for each repair; may be null
     */
    public static int[] frameIndices(double start, double end, double fps, int frames, int maxFrames,
            SegmentFixups fixups) {
        if (Double.isNaN(start) || Double.isNaN(end)) {
            throw new IllegalArgumentException("segment [" + start + ", " + end + "] has a NaN time");
        }
        if (frames <= 0 || maxFrames <= 0 || !(fps > 0)) {
            throw new IllegalArgumentException("frames, maxFrames and fps must be positive");
        }
        if (start > end) {
            double t = start;
            start = end;
            end = t;
            if (fixups != null) {
                fixups.countReversed();
            }
        }
        if (start < 0) {
            start = 0;
            end = Math.max(end, 0);
            if (fixups != null) {
                fixups.countNegative();
            }
        }
        long first = (long) Math.floor(start * fps);
        long rawLast = Double.isInfinite(end) ? frames - 1 : (long) Math.floor(end * fps);
        if (rawLast > frames) { // == frames is an end exactly at the video end: normal
            if (fixups != null) {
                fixups.countPastEnd();
            }
        }
        long last = Math.min(rawLast, frames - 1);
        first = Math.min(first, last); // a clip starting after the end gets the nearest (last) frame
        int n = (int) (last - first + 1);
        int k = Math.min(n, maxFrames);
        int[] idx = new int[k];
        for (int i = 0; i < k; i++) {
            idx[i] = (int) (first + (k == n ? i : (long) Math.floor((i + 0.5) * n / k)));
        }
        return idx;
    }
}
