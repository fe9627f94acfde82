package io.github.taco.index;

/**
 * One clip as the index keeps it: metadata, the sentence-level video vector (mean of the valid
 * frames of x, L2-normalised for cosine models) and the per-frame outputs x of the video encoder.
 *
 * @param clipId  unique key of the clip; adding a clip with an existing id replaces it
 * @param videoId video the clip belongs to (deleting a video deletes all its clips)
 * @param start   segment start, seconds
 * @param end     segment end, seconds (finite: whole-video clips end at the last feature row)
 * @param caption the clip's caption(s), for display
 * @param times   second of the video of each encoded frame ([frames])
 * @param vector  the s1 video vector ([d])
 * @param frames  number of encoded frames m
 * @param x       video-encoder output, row-major [frames, d]
 */
public record IndexedClip(String clipId, String videoId, double start, double end, String caption,
                          float[] times, float[] vector, int frames, float[] x) {
    public IndexedClip {
        if (clipId == null || clipId.isEmpty()) {
            throw new IllegalArgumentException("clipId is empty");
        }
        if (videoId == null || videoId.isEmpty()) {
            throw new IllegalArgumentException("clip " + clipId + ": videoId is empty");
        }
        if (frames < 1 || times.length != frames || x.length != (long) frames * vector.length) {
            throw new IllegalArgumentException("clip " + clipId + ": " + frames + " frames, " + times.length
                    + " times and " + x.length + " frame values do not match vector dimension " + vector.length);
        }
        if (!Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("clip " + clipId + ": segment [" + start + ", " + end
                    + "] is not finite");
        }
    }

    public int dim() {
        return vector.length;
    }
}
