package io.github.taco.model;

import io.github.taco.data.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small random batches and configs for unit tests. */
public final class TinyBatches {
    private TinyBatches() {}

    /** A tiny model config: d=8, 2 heads, one layer per module, no dropout. */
    public static TacoConfig tinyConfig(int featureDim, int maxFrames, int maxTokens, int vocab) {
        TacoConfig c = new TacoConfig();
        c.hiddenSize = 8;
        c.numAttentionHeads = 2;
        c.intermediateSize = 16;
        c.textLayers = 1;
        c.videoLayers = 1;
        c.fusionLayers = 1;
        c.vocabSize = vocab;
        c.maxTextPositions = 32;
        c.maxTokens = maxTokens;
        c.featureDim = featureDim;
        c.maxFrames = maxFrames;
        c.dropout = 0;
        c.initializerRange = 0.5; // large enough that scores differ visibly between pairs
        return c;
    }

    /**
     * K random pairs with varying numbers of frames (≥ 1) and tokens (≥ 3), padding filled with
     * {@code padValue} (features) and {@code padToken} (ids), weights on random tokens summing to 1
     * (row 0 of the text has none when {@code oneTextWithoutInterest}).
     */
    public static Batch random(int k, int maxFrames, int dim, int maxTokens, int vocab, long seed,
            float padValue, int padToken, boolean oneTextWithoutInterest) {
        Random r = new Random(seed);
        float[] feats = new float[k * maxFrames * dim];
        float[] fmask = new float[k * maxFrames];
        int[] ids = new int[k * maxTokens];
        float[] tmask = new float[k * maxTokens];
        float[] w = new float[k * maxTokens];
        List<String> vids = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            vids.add("v" + i);
            int frames = 1 + r.nextInt(maxFrames);
            for (int f = 0; f < maxFrames; f++) {
                boolean valid = f < frames;
                fmask[i * maxFrames + f] = valid ? 1 : 0;
                for (int d = 0; d < dim; d++) {
                    feats[(i * maxFrames + f) * dim + d] = valid ? (float) r.nextGaussian() : padValue;
                }
            }
            int tokens = 3 + r.nextInt(maxTokens - 2);
            double sum = 0;
            for (int t = 0; t < maxTokens; t++) {
                boolean valid = t < tokens;
                tmask[i * maxTokens + t] = valid ? 1 : 0;
                ids[i * maxTokens + t] = valid ? (t == 0 ? 1 : t == tokens - 1 ? 2 : 3 + r.nextInt(vocab - 3))
                        : padToken;
                if (valid && t > 0 && t < tokens - 1 && r.nextBoolean() && !(oneTextWithoutInterest && i == 0)) {
                    w[i * maxTokens + t] = 0.5f + r.nextFloat();
                    sum += w[i * maxTokens + t];
                }
            }
            if (sum == 0 && !(oneTextWithoutInterest && i == 0)) {
                w[i * maxTokens + 1] = 1;
                sum = 1;
            }
            for (int t = 0; t < maxTokens && sum > 0; t++) {
                w[i * maxTokens + t] /= (float) sum;
            }
        }
        return new Batch(vids, k, maxFrames, dim, feats, fmask, maxTokens, ids, tmask, w);
    }
}
