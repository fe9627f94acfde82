package io.github.taco.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Retrieval metrics of docs/method.md §7 from a score matrix {@code S[query][candidate]}.
 *
 * <p>Rank of query i with true candidate g: {@code 1 + |{j ≠ g : S[i][j] ≥ S[i][g]}|}. Ties count
 * against the model, so a model that gives every candidate the same score gets rank N for every
 * query (R@1 = 0 for N &gt; 1) and cannot look good by accident of sort order.
 *
 * <p>Directions: text→video ranks the rows of S (one text per row, one video per column);
 * video→text ranks the columns, i.e. the rows of Sᵀ. MSR-VTT and YouCook2 have several captions
 * per video, so in the video→text direction a video may have several true texts; the
 * multi-positive rank used there is the best rank among the positives, where the other positives
 * never count against the model: {@code 1 + |{j ∉ P : S[i][j] ≥ max_{p∈P} S[i][p]}|}. With a
 * single positive this is the ordinary rank. A constant model then gets rank {@code N − |P| + 1}.
 *
 * <p>All recalls are in percent. The median follows numpy.median: the mean of the two middle
 * values for an even count.
 */
public final class RetrievalMetrics {

    /** The recall cut-offs reported by {@link Result}. */
    public static final int[] RECALL_AT = {1, 5, 10, 50};

    private RetrievalMetrics() {
    }

    /**
     * The metrics of one evaluation (one method, one direction).
     *
     * @param name       label of the row, e.g. "t2v s1+0.5s2"
     * @param queries    number of ranked queries
     * @param candidates number of candidates per query
     * @param r1         R@1 in percent
     * @param r5         R@5 in percent
     * @param r10        R@10 in percent
     * @param r50        R@50 in percent
     * @param medianRank median rank (numpy semantics; may end in .5)
     * @param meanRank   mean rank
     */
    @JsonPropertyOrder({"name", "queries", "candidates", "R@1", "R@5", "R@10", "R@50", "MedR", "MeanR"})
    public record Result(String name, int queries, int candidates, @JsonProperty("R@1") double r1,
                         @JsonProperty("R@5") double r5, @JsonProperty("R@10") double r10,
                         @JsonProperty("R@50") double r50, @JsonProperty("MedR") double medianRank,
                         @JsonProperty("MeanR") double meanRank) {

        /** Header line matching {@link #tableRow()}. */
        public static String tableHeader() {
            return String.format(Locale.ROOT, "%-28s %7s %7s %7s %7s %7s %7s %9s",
                    "method", "N", "R@1", "R@5", "R@10", "R@50", "MedR", "MeanR");
        }

        /** One fixed-width table row, aligned with {@link #tableHeader()}. */
        public String tableRow() {
            return String.format(Locale.ROOT, "%-28s %7d %7.2f %7.2f %7.2f %7.2f %7s %9.2f",
                    name, queries, r1, r5, r10, r50, formatMedian(medianRank), meanRank);
        }

        private static String formatMedian(double m) {
            // Medians are integers or halves; print 10 rather than 10.00 to read like the paper.
            return m == Math.rint(m) ? Long.toString((long) m) : String.format(Locale.ROOT, "%.1f", m);
        }
    }

    /**
     * Both directions of one evaluation.
     *
     * @param textToVideo ranks of the true video for each text
     * @param videoToText best rank of a true text for each video that has at least one text
     */
    public record Both(@JsonProperty("t2v") Result textToVideo, @JsonProperty("v2t") Result videoToText) {}

    /** Ranks with the diagonal as ground truth (query i's true candidate is i). */
    public static int[] ranks(float[][] scores) {
        return ranks(scores, identity(scores.length));
    }

    /**
     * 1-based rank of each query's true candidate, ties counted against the model.
     *
     * @param scores {@code [queries][candidates]}, rectangular, no NaN
     * @param gt     index of the true candidate of each query
     * @throws IllegalArgumentException on NaN (naming the query row), ragged rows or a bad index
     */
    public static int[] ranks(float[][] scores, int[] gt) {
        int n = checkMatrix(scores);
        if (gt.length != scores.length) {
            throw new IllegalArgumentException("gt has " + gt.length + " entries for " + scores.length + " queries");
        }
        int[] r = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            int g = gt[i];
            if (g < 0 || g >= n) {
                throw new IllegalArgumentException("gt[" + i + "] = " + g + " outside 0.." + (n - 1));
            }
            float[] row = scores[i];
            float sg = row[g];
            int above = 0;
            for (int j = 0; j < n; j++) {
                if (j != g && row[j] >= sg) {
                    above++;
                }
            }
            r[i] = 1 + above;
        }
        return r;
    }

    /**
     * Best rank among several true candidates per query; other positives do not count against the
     * model (see the class comment).
     *
     * @param scores    {@code [queries][candidates]}
     * @param positives for each query, the non-empty set of its true candidates
     */
    public static int[] ranksMultiPositive(float[][] scores, int[][] positives) {
        int n = checkMatrix(scores);
        if (positives.length != scores.length) {
            throw new IllegalArgumentException(
                    "positives has " + positives.length + " entries for " + scores.length + " queries");
        }
        int[] r = new int[scores.length];
        boolean[] isPos = new boolean[n];
        for (int i = 0; i < scores.length; i++) {
            int[] pos = positives[i];
            if (pos == null || pos.length == 0) {
                throw new IllegalArgumentException("query " + i + " has no positive candidate");
            }
            float[] row = scores[i];
            float best = Float.NEGATIVE_INFINITY;
            for (int p : pos) {
                if (p < 0 || p >= n) {
                    throw new IllegalArgumentException("positive " + p + " of query " + i + " outside 0.." + (n - 1));
                }
                isPos[p] = true;
                best = Math.max(best, row[p]);
            }
            int above = 0;
            for (int j = 0; j < n; j++) {
                if (!isPos[j] && row[j] >= best) {
                    above++;
                }
            }
            r[i] = 1 + above;
            for (int p : pos) {
                isPos[p] = false;
            }
        }
        return r;
    }

    /**
     * Text→video metrics: rows of {@code s} are texts, columns videos.
     *
     * @param gt true video of each text; {@code null} means the diagonal
     */
    public static Result textToVideo(String name, float[][] s, int[] gt) {
        int[] g = gt == null ? identity(s.length) : gt;
        int n = checkMatrix(s);
        return summarize(name, ranks(s, g), n);
    }

    /**
     * Video→text metrics on Sᵀ. A video's true texts are all texts i with {@code gt[i] == video};
     * videos without any text are left out (they have nothing to retrieve).
     *
     * @param s  {@code [texts][videos]}, the same matrix as for text→video
     * @param gt true video of each text; {@code null} means the diagonal
     */
    public static Result videoToText(String name, float[][] s, int[] gt) {
        int videos = checkMatrix(s);
        int[] g = gt == null ? identity(s.length) : gt;
        if (g.length != s.length) {
            throw new IllegalArgumentException("gt has " + g.length + " entries for " + s.length + " texts");
        }
        List<List<Integer>> textsOf = new ArrayList<>(videos);
        for (int v = 0; v < videos; v++) {
            textsOf.add(new ArrayList<>());
        }
        for (int i = 0; i < g.length; i++) {
            if (g[i] < 0 || g[i] >= videos) {
                throw new IllegalArgumentException("gt[" + i + "] = " + g[i] + " outside 0.." + (videos - 1));
            }
            textsOf.get(g[i]).add(i);
        }
        float[][] t = transpose(s);
        List<float[]> rows = new ArrayList<>();
        List<int[]> pos = new ArrayList<>();
        for (int v = 0; v < videos; v++) {
            if (!textsOf.get(v).isEmpty()) {
                rows.add(t[v]);
                pos.add(textsOf.get(v).stream().mapToInt(Integer::intValue).toArray());
            }
        }
        // NaN was already rejected by checkMatrix(s), naming the caller's row of S.
        int[] r = ranksMultiPositive(rows.toArray(new float[0][]), pos.toArray(new int[0][]));
        return summarize(name, r, s.length);
    }

    /** Both directions with the names {@code name + " t2v"} and {@code name + " v2t"}. */
    public static Both both(String name, float[][] s, int[] gt) {
        return new Both(textToVideo(name + " t2v", s, gt), videoToText(name + " v2t", s, gt));
    }

    /** Summarises 1-based ranks into a {@link Result}. */
    public static Result summarize(String name, int[] ranks, int candidates) {
        if (ranks.length == 0) {
            throw new IllegalArgumentException("no queries to summarise");
        }
        return new Result(name, ranks.length, candidates, recallAt(ranks, 1), recallAt(ranks, 5),
                recallAt(ranks, 10), recallAt(ranks, 50), median(ranks), mean(ranks));
    }

    /** Percentage of ranks ≤ k. */
    public static double recallAt(int[] ranks, int k) {
        int hit = 0;
        for (int r : ranks) {
            if (r <= k) {
                hit++;
            }
        }
        return 100.0 * hit / ranks.length;
    }

    /** Median as numpy.median: the middle value, or the mean of the two middle values. */
    public static double median(int[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        int[] v = values.clone();
        Arrays.sort(v);
        int h = v.length / 2;
        return v.length % 2 == 1 ? v[h] : (v[h - 1] + (double) v[h]) / 2.0;
    }

    /** Arithmetic mean. */
    public static double mean(int[] values) {
        long sum = 0;
        for (int x : values) {
            sum += x;
        }
        return (double) sum / values.length;
    }

    /** {@code S} transposed. */
    public static float[][] transpose(float[][] s) {
        int n = checkShape(s);
        float[][] t = new float[n][s.length];
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < n; j++) {
                t[j][i] = s[i][j];
            }
        }
        return t;
    }

    private static int[] identity(int n) {
        int[] g = new int[n];
        for (int i = 0; i < n; i++) {
            g[i] = i;
        }
        return g;
    }

    private static int checkShape(float[][] s) {
        if (s.length == 0) {
            throw new IllegalArgumentException("empty score matrix");
        }
        int n = s[0].length;
        for (int i = 0; i < s.length; i++) {
            if (s[i].length != n) {
                throw new IllegalArgumentException(
                        "score row " + i + " has " + s[i].length + " columns, expected " + n);
            }
        }
        return n;
    }

    /** Shape and NaN check; returns the number of candidates. */
    private static int checkMatrix(float[][] s) {
        int n = checkShape(s);
        if (n == 0) {
            throw new IllegalArgumentException("score matrix has no candidates");
        }
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < n; j++) {
                if (Float.isNaN(s[i][j])) {
                    // A NaN compares false with everything and would silently give rank 1.
                    throw new IllegalArgumentException("NaN score in query row " + i + " (candidate " + j + ")");
                }
            }
        }
        return n;
    }
}
