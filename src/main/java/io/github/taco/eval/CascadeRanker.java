package io.github.taco.eval;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;

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

    /**
     * Whether s3 counts at all. With its weight 0 (a calibration may choose that) {@link #rank} never asks for it: the
     * top R keep their stage-1 order, and the fusion need not run.
     */
    public boolean weighsS3() {
        return c != 0;
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
        double[] stage1 = stage1(s1, s2);
        int r = Math.min(topR, n);
        double[] full = new double[n];
        Arrays.fill(full, Double.NaN);
        Integer[] top = Arrays.stream(rescored(stage1)).boxed().toArray(Integer[]::new);
        for (int j : top) {
            double v = c == 0 ? 0 : s3.applyAsDouble(j);
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
        float[] cascade = new float[n];
        int groupStart = 0;
        for (int k = 0; k < r; k++) {
            order[k] = top[k];
            if (k > 0 && full[top[k]] != full[top[k - 1]]) {
                groupStart = k;
            }
            cascade[top[k]] = n - groupStart;
        }
        // The rest in stage-1 order (equal scores by index), without sorting boxed indices: a candidate's place
        // among the rest is the number of rest scores above its own (a primitive sort and a binary search),
        // which is also where its group of equal scores starts. Seconds for thousands of queries otherwise.
        boolean[] isTop = new boolean[n];
        for (int j : top) isTop[j] = true;
        double[] rest = new double[n - r];
        for (int j = 0, k = 0; j < n; j++) {
            if (!isTop[j]) rest[k++] = stage1[j];
        }
        Arrays.sort(rest);
        long[] keys = new long[n - r];
        for (int j = 0, k = 0; j < n; j++) {
            if (isTop[j]) continue;
            int above = rest.length - upperBound(rest, stage1[j]);
            keys[k++] = ((long) above << 32) | j;
            cascade[j] = n - (r + above);
        }
        Arrays.sort(keys);
        for (int k = 0; k < keys.length; k++) {
            order[r + k] = (int) keys[k];
        }
        return new Ranking(order, stage1, full, cascade, r);
    }

    /** The first index of {@code sorted} (ascending) whose value is above {@code v}. */
    private static int upperBound(double[] sorted, double v) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /**
     * a·s1 + b·s2 per candidate, in double; −0 is counted as 0, so that equal scores are equal to
     * every comparison used here.
     */
    private double[] stage1(float[] s1, float[] s2) {
        int n = s1.length;
        if (s2 != null && s2.length != n) {
            throw new IllegalArgumentException("s1 has " + n + " candidates, s2 has " + s2.length);
        }
        double[] stage1 = new double[n];
        for (int j = 0; j < n; j++) {
            stage1[j] = a * s1[j] + (s2 == null ? 0.0 : b * s2[j]) + 0.0;
            if (Double.isNaN(stage1[j])) {
                throw new IllegalArgumentException("NaN stage-1 score for candidate " + j);
            }
        }
        return stage1;
    }

    /**
     * The candidates {@link #rank} re-scores with s3, best first: the top R by stage-1 score, equal
     * scores by the lower index. A selection over the row, not a sort of it, so that an evaluation can
     * run the fusion on every query's top R at once before ranking.
     *
     * @param s1 sentence-level scores, one per candidate
     * @param s2 token-level scores, or {@code null}
     */
    public int[] rescored(float[] s1, float[] s2) {
        return rescored(stage1(s1, s2));
    }

    private int[] rescored(double[] stage1) {
        int n = stage1.length;
        int r = Math.min(topR, n);
        int[] top = new int[r];
        double[] best = new double[r];
        int size = 0;
        for (int j = 0; j < n && r > 0; j++) {
            double v = stage1[j];
            if (size == r && !(v > best[r - 1])) {
                continue; // not above the r-th best (an equal score keeps the lower index already held)
            }
            int at = size == r ? r - 1 : size++;
            while (at > 0 && v > best[at - 1]) {
                top[at] = top[at - 1];
                best[at] = best[at - 1];
                at--;
            }
            top[at] = j;
            best[at] = v;
        }
        return size == r ? top : Arrays.copyOf(top, size);
    }

    /**
     * Cascade scores of a whole text×video matrix, one {@link #rank} per text row; the result can
     * be passed to {@link RetrievalMetrics}.
     *
     * @param s1 {@code [texts][videos]}
     * @param s2 {@code [texts][videos]} or {@code null}
     * @param s3 fused score of a (text, video) pair; called from several threads at once
     */
    public float[][] cascadeScores(float[][] s1, float[][] s2, PairScorer s3) {
        if (s2 != null && s2.length != s1.length) {
            throw new IllegalArgumentException("s1 has " + s1.length + " rows, s2 has " + s2.length);
        }
        float[][] out = new float[s1.length][];
        // queries are independent: ranked on every core (a sort of each row; seconds for thousands of queries)
        IntStream.range(0, s1.length).parallel()
                .forEach(q -> out[q] = rank(s1[q], s2 == null ? null : s2[q], j -> s3.score(q, j)).cascadeScores());
        return out;
    }
}
