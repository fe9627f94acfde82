package io.github.taco.index;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
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

    /**
     * The token matches of one word of the query: "whisk" is three word pieces (w ##his ##k), each a token of
     * interest with its own weight. The word's weight is the sum of its pieces' weights, which is what it
     * contributes to s2 (Σ_p w_p · s_p, docs/method.md §2); its score is its pieces' scores averaged with those
     * weights (so weight × score is exactly its share of s2); its heat strip is the same weighted average per frame,
     * and its best second that strip's maximum.
     */
    public record WordMatch(String word, String tag, List<String> pieces, double weight, double score, int bestFrame,
                            double bestSecond, float[] frameTimes, float[] perFrame) {}

    /** {@link #tokens} combined per word of the query, in the query's order (serialized as "words"). */
    @JsonProperty("words")
    public List<WordMatch> words() {
        return combine(tokens);
    }

    /** Consecutive pieces of the same word are one word (a word repeated later in the query stays apart). */
    static List<WordMatch> combine(List<TokenMatch> tokens) {
        List<WordMatch> out = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            int j = i + 1;
            while (j < tokens.size() && tokens.get(j).word().equals(tokens.get(i).word())
                    && tokens.get(j).piece().startsWith("##")) {
                j++;
            }
            List<TokenMatch> group = tokens.subList(i, j);
            double weight = group.stream().mapToDouble(TokenMatch::weight).sum();
            float[] times = group.get(0).frameTimes();
            float[] heat = new float[times.length];
            double score = 0;
            for (TokenMatch t : group) {
                double share = weight > 0 ? t.weight() / weight : 1.0 / group.size();
                score += share * t.score();
                for (int f = 0; f < heat.length; f++) {
                    heat[f] += (float) (share * t.perFrame()[f]);
                }
            }
            int best = 0;
            for (int f = 1; f < heat.length; f++) {
                if (heat[f] > heat[best]) {
                    best = f;
                }
            }
            out.add(new WordMatch(group.get(0).word(), group.get(0).tag(),
                    group.stream().map(TokenMatch::piece).toList(), weight, score,
                    best, heat.length == 0 ? 0 : times[best], times, heat));
            i = j;
        }
        return out;
    }
}
