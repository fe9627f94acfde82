package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * s2 (docs/method.md §2) of every text against every video, as a few large matrix products: what
 * evaluation and index calibration need, where {@link TacoModel#tokenScores} (one [texts, tokens,
 * videos, frames] block padded to the longest caption and the longest clip) spent most of its time on
 * padding and on products too small to keep a core busy.
 *
 * <ul>
 *   <li><b>Tokens packed.</b> A token of weight 0 adds nothing to s2, so only the tokens of interest
 *       take part, stacked without padding: texts sorted by how many they have, so that a text's tokens
 *       are consecutive rows.</li>
 *   <li><b>Frames packed.</b> Only valid frames, grouped by clip length: the clips of one length L are
 *       consecutive columns, so "the max over a clip's frames" is a reshape to [rows, clips, L] and a max
 *       over the last axis, with no padding and no mask.</li>
 *   <li><b>Chunks of rows.</b> One product [rows, d] × [d, all frames] per chunk of texts, then the max
 *       per clip, the division by τ (cosine), the weights and the sum over each text's tokens.</li>
 * </ul>
 *
 * <p>Memory: a chunk's product holds at most {@code maxFloats} floats (rows × all valid frames, at
 * least one text), plus its [rows, videos] maxima; the result is a host [texts][videos] float matrix.
 * The numbers are today's path's up to the order in which the matrix product sums over d.
 */
final class AllPairsS2 {
    /** Default bound of one chunk's similarity block: 32 M floats (128 MB). */
    static final long DEFAULT_MAX_FLOATS = 32L << 20;

    private AllPairsS2() {}

    /**
     * @param tokens       [Kt, n, d] text token vectors, already L2-normalised for cosine
     * @param tokenWeights Kt·n weights, row-major (0: not a token of interest)
     * @param frames       [Kv, m, d] frame vectors, already L2-normalised for cosine
     * @param frameMask    Kv·m, 1 for a valid frame (valid frames may be anywhere, not only a prefix)
     * @param temperature  divisor of the maxima (τ for cosine), or 1
     * @param maxFloats    bound on one chunk's similarity block
     * @return s2[text][video]
     */
    static float[][] compute(NDArray tokens, float[] tokenWeights, NDArray frames, float[] frameMask, double temperature,
            long maxFloats) {
        int kt = (int) tokens.getShape().get(0);
        int n = (int) tokens.getShape().get(1);
        long d = tokens.getShape().get(2);
        int kv = (int) frames.getShape().get(0);
        int m = (int) frames.getShape().get(1);
        if (tokenWeights.length != (long) kt * n) {
            throw new IllegalArgumentException("tokenWeights has " + tokenWeights.length + " values for " + kt + " texts of " + n + " tokens");
        }
        if (frameMask.length != (long) kv * m) {
            throw new IllegalArgumentException("frameMask has " + frameMask.length + " values for " + kv + " videos of " + m + " frames");
        }
        float[][] out = new float[kt][kv];
        if (kt == 0 || kv == 0) {
            return out;
        }
        FramePacking fp = FramePacking.of(frameMask, kv, m);
        TokenPacking tp = TokenPacking.of(tokenWeights, kt, n);
        if (tp.rows.length == 0) {
            return out; // no text has a token of interest: s2 = 0 everywhere
        }
        NDManager parent = tokens.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray framesPacked = gatherRows(frames, (long) kv * m, d, fp.rows, scope); // [F, d]
            NDArray framesT = framesPacked.transpose().duplicate(); // [d, F]: contiguous, read by every chunk's product
            NDArray tokensPacked = gatherRows(tokens, (long) kt * n, d, tp.rows, scope); // [T, d]
            long perRow = Math.max(1, fp.rows.length);
            int text = 0; // index into tp.texts (sorted by count)
            while (text < tp.texts.length) {
                // a chunk: consecutive texts (sorted by count) whose rows fit the bound, at least one text
                int first = text;
                long rows = 0;
                while (text < tp.texts.length) {
                    int c = tp.counts[text];
                    if (text > first && (rows + c) * perRow > maxFloats) {
                        break;
                    }
                    rows += c;
                    text++;
                }
                chunk(tokensPacked, framesT, fp, tp, first, text, temperature, out, scope);
            }
        }
        return out;
    }

    private static void chunk(NDArray tokensPacked, NDArray framesT, FramePacking fp, TokenPacking tp, int firstText, int endText,
            double temperature, float[][] out, NDManager parent) {
        int row0 = tp.firstRow[firstText];
        int row1 = tp.firstRow[endText - 1] + tp.counts[endText - 1];
        try (NDManager sub = parent.newSubManager()) {
            NDArray t = tokensPacked.get(new NDIndex("{}:{}", row0, row1));
            t.attach(sub); // the product and every array computed from it then belong to the chunk
            NDArray sim = t.matMul(framesT); // [rows, F]
            NDList maxima = new NDList(fp.groups.size());
            long col = 0;
            for (FramePacking.Group g : fp.groups) {
                long width = (long) g.videos.length * g.length;
                // clips of one length are consecutive columns: [rows, clips·L] → [rows, clips, L] → max over L
                maxima.add(sim.get(new NDIndex(":, {}:{}", col, col + width)).reshape(row1 - row0, g.videos.length, g.length)
                        .max(new int[] {2}));
                col += width;
            }
            NDArray best = maxima.size() == 1 ? maxima.get(0) : NDArrays.concat(maxima, 1); // [rows, Kv] in packing order
            if (temperature != 1) {
                best = Scalars.div(best, temperature);
            }
            NDArray w = sub.create(Arrays.copyOfRange(tp.weights, row0, row1), new Shape(row1 - row0, 1));
            NDArray weighted = best.mul(w);
            // texts of one count c are consecutive: [texts·c, Kv] → [texts, c, Kv] → sum over c
            int text = firstText;
            while (text < endText) {
                int c = tp.counts[text];
                int end = text;
                while (end < endText && tp.counts[end] == c) {
                    end++;
                }
                int r0 = tp.firstRow[text] - row0;
                int r1 = tp.firstRow[end - 1] + c - row0;
                float[] s2 = weighted.get(new NDIndex("{}:{}", r0, r1)).reshape(end - text, c, fp.order.length).sum(new int[] {1})
                        .toFloatArray();
                int kv = fp.order.length;
                for (int i = text; i < end; i++) {
                    float[] dst = out[tp.texts[i]];
                    int base = (i - text) * kv;
                    for (int j = 0; j < kv; j++) {
                        dst[fp.order[j]] = s2[base + j];
                    }
                }
                text = end;
            }
        }
    }

    private static NDArray gatherRows(NDArray a, long rows, long d, long[] index, NDManager scope) {
        NDArray idx = scope.create(index);
        NDArray g = a.reshape(rows, d).get(new NDIndex("{}", idx));
        g.attach(scope);
        return g;
    }

    /** The valid frames of every video, grouped by the video's number of valid frames. */
    private record FramePacking(long[] rows, List<Group> groups, int[] order) {
        /** The videos with {@code length} valid frames, in index order. */
        record Group(int length, int[] videos) {}

        static FramePacking of(float[] mask, int kv, int m) {
            int[] length = new int[kv];
            for (int j = 0; j < kv; j++) {
                for (int k = 0; k < m; k++) {
                    length[j] += mask[j * m + k] != 0 ? 1 : 0;
                }
                if (length[j] == 0) {
                    throw new IllegalArgumentException("video " + j + " has no valid frame: s2 needs at least one");
                }
            }
            Integer[] byLength = new Integer[kv];
            for (int j = 0; j < kv; j++) byLength[j] = j;
            Arrays.sort(byLength, Comparator.comparingInt((Integer j) -> length[j]).thenComparingInt(j -> j));
            List<Group> groups = new ArrayList<>();
            long total = 0;
            for (int len : length) total += len;
            long[] rows = new long[(int) total];
            int[] order = new int[kv];
            int r = 0;
            int start = 0;
            while (start < kv) {
                int len = length[byLength[start]];
                int end = start;
                while (end < kv && length[byLength[end]] == len) {
                    end++;
                }
                int[] videos = new int[end - start];
                for (int i = start; i < end; i++) {
                    int j = byLength[i];
                    videos[i - start] = j;
                    order[i] = j;
                    for (int k = 0; k < m; k++) {
                        if (mask[j * m + k] != 0) {
                            rows[r++] = (long) j * m + k;
                        }
                    }
                }
                groups.add(new Group(len, videos));
                start = end;
            }
            return new FramePacking(rows, groups, order);
        }
    }

    /**
     * The tokens of interest of every text that has some, texts sorted by their count: text
     * {@code texts[i]} has {@code counts[i]} tokens at packed rows {@code firstRow[i]}.. with {@code weights}.
     */
    private record TokenPacking(long[] rows, float[] weights, int[] texts, int[] counts, int[] firstRow) {
        static TokenPacking of(float[] w, int kt, int n) {
            int[] count = new int[kt];
            int withTokens = 0;
            int total = 0;
            for (int i = 0; i < kt; i++) {
                for (int p = 0; p < n; p++) {
                    count[i] += w[i * n + p] != 0 ? 1 : 0;
                }
                withTokens += count[i] > 0 ? 1 : 0;
                total += count[i];
            }
            Integer[] byCount = new Integer[kt];
            for (int i = 0; i < kt; i++) byCount[i] = i;
            Arrays.sort(byCount, Comparator.comparingInt((Integer i) -> count[i]).thenComparingInt(i -> i));
            long[] rows = new long[total];
            float[] weights = new float[total];
            int[] texts = new int[withTokens];
            int[] counts = new int[withTokens];
            int[] firstRow = new int[withTokens];
            int r = 0;
            int t = 0;
            for (int i : byCount) {
                if (count[i] == 0) {
                    continue; // s2 = 0 (docs/method.md §2): the row of out stays 0
                }
                texts[t] = i;
                counts[t] = count[i];
                firstRow[t] = r;
                t++;
                for (int p = 0; p < n; p++) {
                    if (w[i * n + p] != 0) {
                        rows[r] = (long) i * n + p;
                        weights[r] = w[i * n + p];
                        r++;
                    }
                }
            }
            return new TokenPacking(rows, weights, texts, counts, firstRow);
        }
    }
}
