package io.github.taco.eval;

/**
 * Dual-softmax re-scoring ("DSL", CAMoE, Cheng et al. 2021; the inverted softmax of Bogolin et al. 2022), an
 * evaluation-only row of {@code taco eval --dsl}. Each score is multiplied by how strongly its candidate prefers
 * this query over the other queries: for text→video, s'(t_i, v_j) = s(t_i, v_j) · softmax_i(s(·, v_j))(t_i), the
 * softmax taken over all test captions for video j. It needs every test query at once (a transductive step), which
 * a search over one query never has: papers that use it report it apart, and so does this project; search never
 * uses it. The scores are the model's logits (s1 is already divided by τ for cosine), taken at temperature 1.
 */
final class DualSoftmax {
    static final String LABEL = "dual softmax (every query at once)";

    private DualSoftmax() {}

    /** {@code s} [queries][candidates] re-scored by each candidate's softmax over the queries. */
    static float[][] rescore(float[][] s) {
        int n = s.length;
        int m = s[0].length;
        float[][] out = new float[n][m];
        for (int j = 0; j < m; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float[] row : s) {
                max = Math.max(max, row[j]);
            }
            double sum = 0;
            for (float[] row : s) {
                sum += Math.exp(row[j] - max);
            }
            for (int i = 0; i < n; i++) {
                out[i][j] = (float) (s[i][j] * Math.exp(s[i][j] - max) / sum);
            }
        }
        return out;
    }
}
