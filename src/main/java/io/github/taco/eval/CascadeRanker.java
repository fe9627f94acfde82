package io.github.taco.eval;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * The inference cascade of docs/method.md §5 for one query over N candidates.
 *
 * <p>Stage 1 ranks every candidate by {@code a·s1 + b·s2} (cheap, exact). Stage 2 computes s3
 * only for the top R of stage 1 and re-orders them by the full score {@code a·s1 + b·s2 + c·s3}.
 * Candidates outside the top R stay below all re-scored ones, in their stage-1 order. With
 * {@code R ≥ N} the result is the exhaustive ranking by the full score.
 *
 * <p>Ties are broken deterministically: by the full score (or stage-1 score outside the top R),
 * then by stage-1 score, then by the lower candidate index. The top-R cut itself uses the same
 * stage-1 order, so equal stage-1 scores at the boundary keep the lower index.
 *
 * <p>The per-candidate {@link Ranking#cascadeScores() cascade score} is not a sum with a large
 * offset: in float an offset like 1e6 leaves a resolution of ~0.06, which can merge distinct scores
 * into false ties. Instead each candidate gets {@code N − p}, where p is the position of the first
 * member of its group of exactly equal scores (full score in the top block, stage-1 score below).
 * These are small exact integers in float, their order is the cascade order, and genuinely tied
 * candidates stay tied, so {@link RetrievalMetrics} still counts those ties against the model.
 */
public final class CascadeRanker {

    /** The default re-scored prefix of docs/method.md §5. */
    public static final int DEFAULT_TOP_R = 100;

    private final int topR;
    private final double a;
    private final double b;
    private final double c;

    /**
     * @param topR how many stage-1 candidates are re-scored with s3 (≥ 0)
     * @param a    weight of s1
     * @param b    weight of s2
     * @param c    weight of s3
     */
    public CascadeRanker(int topR, double a, double b, double c) {
        if (topR < 0) {
            throw new IllegalArgumentException("topR must be >= 0, got " + topR);
        }
        this.topR = topR;
        this.a = a;
        this.b = b;
        this.c = c;
    }

    /** docs/method.md §5 defaults: R = 100, score s1 + 0.5·s2 + s3. */
    public static CascadeRanker defaults() {
        return new CascadeRanker(DEFAULT_TOP_R, 1.0, 0.5, 1.0);
    }

    /** The re-scored prefix length R. */
    public int topR() {
        return topR;
    }

    /** s3 of one (query, candidate) pair, for ranking a whole score matrix. */
    @FunctionalInterface
    public interface PairScorer {
        /** The fused score s3 of text {@code query} with video {@code candidate}. */
        double score(int query, int candidate);
    }

    /**
     * The cascade's result for one query.
     *
     * @param order         candidate indices, best first; a permutation of 0..N−1
     * @param stage1        {@code a·s1 + b·s2} per candidate
     * @param fullScores    {@code a·s1 + b·s2 + c·s3} for re-scored candidates, NaN for the others
     *                      (their s3 was never computed)
     * @param cascadeScores rank-preserving scores for {@link RetrievalMetrics} (class comment)
     * @param rescored      how many candidates were re-scored, {@code min(R, N)}
     */
    public record Ranking(int[] order, double[] stage1, double[] fullScores, float[] cascadeScores,
                          int rescored) {
    }

    /**
     * Ranks one query.
     *
     * @param s1 sentence-level scores, one per candidate
     * @param s2 token-level scores, or {@code null} to treat s2 as 0
     * @param s3 fused score of a candidate index; called only for the top R of stage 1
     * @throws IllegalArgumentException on NaN inputs or mismatched lengths
     */
    public Ranking rank(float[] s1, float[] s2, IntToDoubleFunction s3) {
        int n = s1.length;
        if (s2 != null && s2.length != n) {
            throw new IllegalArgumentException("s1 has " + n + " candidates, s2 has " + s2.length);
        }
        double[] stage1 = new double[n];
        for (int j = 0; j < n; j++) {
            stage1[j] = a * s1[j] + (s2 == null ? 0.0 : b * s2[j]);
            if (Double.isNaN(stage1[j])) {
                throw new IllegalArgumentException("NaN stage-1 score for candidate " + j);
            }
        }
        Integer[] byStage1 = new Integer[n];
        for (int j = 0; j < n; j++) {
            byStage1[j] = j;
        }
        Arrays.sort(byStage1, (x, y) -> {
            int cmp = Double.compare(stage1[y], stage1[x]);
            return cmp != 0 ? cmp : Integer.compare(x, y);
        });

        int r = Math.min(topR, n);
        double[] full = new double[n];
        Arrays.fill(full, Double.NaN);
        Integer[] top = Arrays.copyOf(byStage1, r);
        for (int j : top) {
            double v = s3.applyAsDouble(j);
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("NaN s3 for candidate " + j);
            }
            full[j] = stage1[j] + c * v;
        }
        Arrays.sort(top, (x, y) -> {
            int cmp = Double.compare(full[y], full[x]);
            if (cmp != 0) {
                return cmp;
            }
            cmp = Double.compare(stage1[y], stage1[x]);
            return cmp != 0 ? cmp : Integer.compare(x, y);
        });

        int[] order = new int[n];
        for (int k = 0; k < r; k++) {
            order[k] = top[k];
        }
        for (int k = r; k < n; k++) {
            order[k] = byStage1[k];
        }

        float[] cascade = new float[n];
        int groupStart = 0;
        for (int k = 0; k < n; k++) {
            int j = order[k];
            if (k > 0) {
                int prev = order[k - 1];
                boolean sameBlock = (k < r) == (k - 1 < r);
                double cur = k < r ? full[j] : stage1[j];
                double before = k - 1 < r ? full[prev] : stage1[prev];
                if (!sameBlock || cur != before) {
                    groupStart = k;
                }
            }
            cascade[j] = n - groupStart;
        }
        return new Ranking(order, stage1, full, cascade, r);
    }

    /**
     * Cascade scores of a whole text×video matrix, one {@link #rank} per text row; the result can
     * be passed to {@link RetrievalMetrics}.
     *
     * @param s1 {@code [texts][videos]}
     * @param s2 {@code [texts][videos]} or {@code null}
     * @param s3 fused score of a (text, video) pair
     */
    public float[][] cascadeScores(float[][] s1, float[][] s2, PairScorer s3) {
        if (s2 != null && s2.length != s1.length) {
            throw new IllegalArgumentException("s1 has " + s1.length + " rows, s2 has " + s2.length);
        }
        float[][] out = new float[s1.length][];
        for (int i = 0; i < s1.length; i++) {
            final int q = i;
            out[i] = rank(s1[i], s2 == null ? null : s2[i], j -> s3.score(q, j)).cascadeScores();
        }
        return out;
    }
}
