package io.github.taco.data;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.taco.model.TacoModel;
import java.util.List;
import java.util.Objects;

/**
 * One training or evaluation batch of K (video clip, caption) pairs as flat, padded, row-major
 * arrays: what the model needs and nothing else. Row i of the text arrays belongs to row i of the
 * video arrays (the positive pair).
 *
 * @param videoIds     K clip keys, for logs and search results
 * @param features     [K, maxFrames, featureDim] frame features; padded frames are 0
 * @param frameMask    [K, maxFrames] 1 for a real frame, 0 for padding; every row has at least one 1
 * @param tokenIds     [K, maxTokens] WordPiece ids, "[CLS] w1 .. wn [SEP]" then padding (id 0)
 * @param tokenMask    [K, maxTokens] 1 for a real token, 0 for padding
 * @param tokenWeights [K, maxTokens] docs/method.md §3 weights of the tokens of interest; each row sums to 1
 *                     or is all 0 (no token of interest)
 */
public record Batch(
        List<String> videoIds,
        int size,
        int maxFrames,
        int featureDim,
        float[] features,
        float[] frameMask,
        int maxTokens,
        int[] tokenIds,
        float[] tokenMask,
        float[] tokenWeights) {

    public Batch {
        Objects.requireNonNull(videoIds, "videoIds");
        check("features", features, (long) size * maxFrames * featureDim);
        check("frameMask", frameMask, (long) size * maxFrames);
        check("tokenIds", tokenIds.length, (long) size * maxTokens);
        check("tokenMask", tokenMask, (long) size * maxTokens);
        check("tokenWeights", tokenWeights, (long) size * maxTokens);
        if (videoIds.size() != size) {
            throw new IllegalArgumentException("videoIds has " + videoIds.size() + " entries, batch size is " + size);
        }
    }

    private static void check(String field, float[] a, long expected) {
        check(field, a.length, expected);
    }

    private static void check(String field, int length, long expected) {
        if (length != expected) {
            throw new IllegalArgumentException("Batch." + field + " has " + length + " values, expected " + expected);
        }
    }

    /**
     * This batch as the model's input arrays, created in {@code manager} (the caller's per-batch scope,
     * so that closing it frees them). Here rather than in the model: the model knows arrays, not batches.
     */
    public TacoModel.Inputs toInputs(NDManager manager) {
        long[] ids = new long[tokenIds().length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenIds()[i];
        }
        return new TacoModel.Inputs(
                manager.create(features(), new Shape(size(), maxFrames(), featureDim())),
                manager.create(frameMask(), new Shape(size(), maxFrames())),
                manager.create(ids, new Shape(size(), maxTokens())),
                manager.create(tokenMask(), new Shape(size(), maxTokens())),
                manager.create(tokenWeights(), new Shape(size(), maxTokens())));
    }
}
