package io.github.taco.index;

import java.util.List;

/**
 * One ranked clip of a {@link CascadeSearcher} query.
 *
 * @param rank     1-based position in the final ranking
 * @param clipId   clip key
 * @param videoId  video of the clip
 * @param start    segment start, seconds
 * @param end      segment end, seconds
 * @param caption  the clip's caption(s)
 * @param s1       sentence-level score (exact, docs/method.md §2)
 * @param s2       token-level score Σ w_p · max_k s(x^k, y^p)
 * @param s3       fused score, or null when the clip was outside the re-scored top R
 * @param score    w1·s1 + w2·s2 + w3·s3 for re-scored clips, w1·s1 + w2·s2 for the others (which
 *                 rank below every re-scored clip whatever their score)
 * @param rescored true when s3 was computed
 * @param confidence share of the index's own captions whose best match scores no higher than this clip's
 *                 s1 + 0.5·s2 ({@link SearchCalibration}); null when the index has no calibration
 * @param tokens   per token of interest of the query, where in the clip it matched
 * @param url      where to watch it, at the matched second (the best second of the query's heaviest word, else the
 *                 clip's start), from the index's {@link IndexMeta#videoUrl}; null when the index has no template
 */
public record SearchHit(int rank, String clipId, String videoId, double start, double end, String caption,
                        double s1, double s2, Double s3, double score, boolean rescored, Double confidence,
                        List<TokenMatch> tokens, String url) {

    /**
     * How one token of interest of the query matches the frames of a clip (docs/method.md §2: its token
     * score is the max over frames; the heat strip shows every frame).
     *
     * @param piece      the word piece
     * @param word       the whole word it belongs to
     * @param tag        Universal POS tag of the word (NOUN, VERB, ...)
     * @param weight     its weight in s2
     * @param score      s(x, y^p), the max over frames
     * @param bestFrame  index of the frame that attains the max
     * @param bestSecond second of the video of that frame
     * @param frameTimes second of the video of each frame
     * @param perFrame   similarity of the token with each frame (same scale as s1: divided by τ for cosine)
     */
    public record TokenMatch(String piece, String word, String tag, double weight, double score, int bestFrame,
                             double bestSecond, float[] frameTimes, float[] perFrame) {}
}
