package io.github.taco.index;

import java.util.List;
import java.util.Map;

/**
 * The answer to one query.
 *
 * @param query      the query as searched (trimmed)
 * @param tokens     the query's tokens of interest (piece, word, tag, weight), in order
 * @param hits       the top k clips, best first
 * @param candidates how many clips the HNSW stage returned (≤ N)
 * @param rescored   how many of them were re-scored with s3 (≤ R)
 * @param indexSize  live clips in the index
 * @param millis     time per stage: text, knn, s1s2, s3, total
 * @param order      how the candidates were ordered (s1, s1+s2 or cascade)
 * @param match      the best candidate's score and, on a calibrated index, its confidence and the "no good match" flag
 */
public record SearchResult(String query, List<QueryToken> tokens, List<SearchHit> hits, int candidates, int rescored,
                           int indexSize, Map<String, Double> millis, Match match, CascadeSearcher.Order order) {

    /**
     * How good the best candidate is ({@link SearchCalibration}).
     *
     * @param bestScore   the best stage-1 score (s1 + 0.5·s2) among the candidates
     * @param confidence  the share of the index's own captions whose best match scores no higher; null when the
     *                    index has no calibration
     * @param noGoodMatch confidence below {@link SearchCalibration#NO_GOOD_MATCH}, or half or more of the query's
     *                    noun/verb weight on words the training captions never contained; null when neither can be told
     * @param unseenWords the query's nouns and verbs that no training caption contained (the model cannot know them)
     * @param didYouMean  the query with each word no training caption contained replaced by the closest one some did
     *                    ({@link io.github.taco.text.DidYouMean}), or null when there is none to offer
     * @param mostlyUnknownWords true when most of the query's words never occurred in training: the model knows
     *                    English (cooking) captions only
     */
    public record Match(double bestScore, Double confidence, Boolean noGoodMatch, List<String> unseenWords,
            String didYouMean, boolean mostlyUnknownWords) {}

    /** A token of interest of the query. */
    public record QueryToken(int position, String piece, String word, String tag, double weight) {}
}
