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
 */
public record SearchResult(String query, List<QueryToken> tokens, List<SearchHit> hits, int candidates, int rescored,
                           int indexSize, Map<String, Double> millis) {

    /** A token of interest of the query. */
    public record QueryToken(int position, String piece, String word, String tag, double weight) {}
}
