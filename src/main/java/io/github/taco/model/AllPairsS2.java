package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * s2 (docs/method.md §2) of every text against every video, as matrix products: what evaluation and
 * search need, where {@link TacoModel#tokenScores} (one [texts, tokens, videos, frames] block padded to
 * the longest caption and the longest clip) spent most of its time on padding.
 *
 * <ul>
 *   <li><b>Tokens packed.</b> A token of weight 0 adds nothing to s2, so only the tokens of interest
 *       take part, stacked without padding, texts sorted by how many they have: a text's tokens are
 *       consecutive rows, and the texts of one count are consecutive too.</li>
 *   <li><b>Frames packed.</b> Only valid frames, grouped by clip length and cut into blocks of whole clips
 *       of one length L: a block's product [rows, clips·L] is then pooled by a max over windows of L
 *       (max pooling, kernel = stride = L), with no padding and no mask.</li>
 *   <li><b>Chunks.</b> Rows of about {@link #ROWS} tokens against blocks of about {@link #FRAMES} frames: one
 *       product stays within 8 MB, which glibc reuses from its heap (a block above its 32 MB mmap threshold
 *       is mapped and faulted in afresh every time: 3× slower here) and which the max pooling reads back
 *       from cache. Then the division by τ (cosine), the weights and the sum over each text's tokens.</li>
 * </ul>
 *
 * <p>Why max pooling and not {@code max(axis)}: libtorch's max over an axis also computes the arg-max
 * indices, 3–4× the time of the pooling on these shapes. The numbers are the padded path's up to the order
 * in which the matrix product sums over d (AllPairsS2Test). Memory: one product of at most
 * (ROWS + the largest count) × FRAMES floats, plus a chunk's [rows, videos] maxima; the result is a host
 * [texts][videos] float matrix.
 */
final class AllPairsS2 {
    /** Token rows per chunk: a chunk ends with the first text that reaches this many. */
    static final int ROWS = 512;
    /** Frames per block, in whole clips of one length (a clip longer than this is a block of its own). */
    static final int FRAMES = 4096;

    private AllPairsS2() {}

    /**
     * @param tokens       [Kt, n, d] text token vectors, already L2-normalised for cosine
     * @param tokenWeights Kt·n weights, row-major (0: not a token of interest)
     * @param frames       [Kv, m, d] frame vectors, already L2-normalised for cosine
     * @param frameMask    Kv·m, 1 for a valid frame (valid frames may be anywhere, not only a prefix)
     * @param temperature  divisor of the maxima (τ for cosine), or 1
     * @param rowsPerChunk token rows per chunk ({@link #ROWS}; smaller in tests)
     * @param framesPerBlock frames per block ({@link #FRAMES}; smaller in tests)
     * @return s2[text][video]
     */
    static float[][] compute(NDArray tokens, float[] tokenWeights, NDArray frames, float[] frameMask,
            double temperature, int rowsPerChunk, int framesPerBlock) {
        int kt = (int) tokens.getShape().get(0);
        int n = (int) tokens.getShape().get(1);
        long d = tokens.getShape().get(2);
        int kv = (int) frames.getShape().get(0);
        int m = (int) frames.getShape().get(1);
        if (tokenWeights.length != (long) kt * n) {
            throw new IllegalArgumentException("tokenWeights has " + tokenWeights.length + " values for " + kt
                    + " texts of " + n + " tokens");
        }
        if (frameMask.length != (long) kv * m) {
            throw new IllegalArgumentException("frameMask has " + frameMask.length + " values for " + kv + " videos of "
                    + m + " frames");
        }
        float[][] out = new float[kt][kv];
        if (kt == 0 || kv == 0) {
            return out;
        }
        FramePacking fp = FramePacking.of(frameMask, kv, m, framesPerBlock);
        TokenPacking tp = TokenPacking.of(tokenWeights, kt, n);
        if (tp.rows.length == 0) {
            return out; // no text has a token of interest: s2 = 0 everywhere
        }
        NDManager parent = tokens.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray framesPacked = gatherRows(frames, (long) kv * m, d, fp.rows, scope); // [F, d]
            NDArray tokensPacked = gatherRows(tokens, (long) kt * n, d, tp.rows, scope); // [T, d]
            int text = 0; // index into tp.texts (sorted by count)
            while (text < tp.texts.length) {
                int first = text;
                int rows = 0;
                while (text < tp.texts.length && rows < rowsPerChunk) {
                    rows += tp.counts[text++];
                }
                chunk(tokensPacked, framesPacked, fp, tp, first, text, temperature, out, scope);
            }
        }
        return out;
    }

    private static void chunk(NDArray tokensPacked, NDArray framesPacked, FramePacking fp, TokenPacking tp,
            int firstText, int endText, double temperature, float[][] out, NDManager parent) {
        int row0 = tp.firstRow[firstText];
        int row1 = tp.firstRow[endText - 1] + tp.counts[endText - 1];
        int rows = row1 - row0;
        int kv = fp.order.length;
        try (NDManager sub = parent.newSubManager()) {
            sub.tempAttachAll(framesPacked);
            NDArray t = tokensPacked.get(new NDIndex("{}:{}", row0, row1));
            t.attach(sub); // the products and every array computed from them then belong to the chunk
            NDList maxima = new NDList(fp.blocks.size());
            for (FramePacking.Block b : fp.blocks) {
                NDArray sim = t.matMul(
                        framesPacked.get(new NDIndex("{}:{}", b.firstFrame, b.firstFrame + (long) b.clips * b.length))
                                .transpose()); // [rows, clips·L]
                // the max over each clip's L frames: max pooling with kernel = stride = L
                if (b.length == 1) {
                    maxima.add(sim);
                    continue;
                }
                maxima.add(Pool.maxPool1d(sim.reshape(rows, 1, (long) b.clips * b.length), new Shape(b.length),
                        new Shape(b.length), new Shape(0), false).reshape(rows, b.clips));
                sim.close(); // its memory back to the heap for the next block's product
            }
            // [rows, Kv] in packing order
            NDArray best = maxima.size() == 1 ? maxima.get(0) : NDArrays.concat(maxima, 1);
            if (temperature != 1) {
                best = Scalars.div(best, temperature);
            }
            NDArray w = sub.create(Arrays.copyOfRange(tp.weights, row0, row1), new Shape(rows, 1));
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
                float[] s2 = weighted.get(new NDIndex("{}:{}", r0, r1)).reshape(end - text, c, kv).sum(new int[] {1})
                        .toFloatArray();
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

    /**
     * The valid frames of every video, videos sorted by their number of valid frames, cut into blocks of
     * whole videos of one length: video {@code order[j]} is column j of the result.
     */
    private record FramePacking(long[] rows, List<Block> blocks, int[] order) {
        /** {@code clips} videos of {@code length} frames each, at packed frames {@code firstFrame}.. */
        record Block(int length, int clips, long firstFrame) {}

        static FramePacking of(float[] mask, int kv, int m, int framesPerBlock) {
            int[] length = new int[kv];
            long total = 0;
            for (int j = 0; j < kv; j++) {
                for (int k = 0; k < m; k++) {
                    length[j] += mask[j * m + k] != 0 ? 1 : 0;
                }
                if (length[j] == 0) {
                    throw new IllegalArgumentException("video " + j + " has no valid frame: s2 needs at least one");
                }
                total += length[j];
            }
            Integer[] byLength = new Integer[kv];
            for (int j = 0; j < kv; j++) byLength[j] = j;
            Arrays.sort(byLength, Comparator.comparingInt((Integer j) -> length[j]).thenComparingInt(j -> j));
            List<Block> blocks = new ArrayList<>();
            long[] rows = new long[(int) total];
            int[] order = new int[kv];
            int r = 0;
            int start = 0;
            while (start < kv) {
                int len = length[byLength[start]];
                int perBlock = Math.max(1, framesPerBlock / len);
                int end = start;
                while (end < kv && end - start < perBlock && length[byLength[end]] == len) {
                    end++;
                }
                blocks.add(new Block(len, end - start, r));
                for (int i = start; i < end; i++) {
                    int j = byLength[i];
                    order[i] = j;
                    for (int k = 0; k < m; k++) {
                        if (mask[j * m + k] != 0) {
                            rows[r++] = (long) j * m + k;
                        }
                    }
                }
                start = end;
            }
            return new FramePacking(rows, blocks, order);
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
