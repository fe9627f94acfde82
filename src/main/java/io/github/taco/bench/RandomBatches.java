package io.github.taco.bench;

import io.github.taco.data.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Full-size random batches for timing a step: every frame and token valid, one token of interest in three. */
public final class RandomBatches {
    private RandomBatches() {}

    public static Batch of(int k, int frames, int dim, int tokens, int vocab, long seed) {
        Random r = new Random(seed);
        float[] feats = new float[k * frames * dim];
        for (int i = 0; i < feats.length; i++) feats[i] = (float) r.nextGaussian();
        float[] fmask = new float[k * frames];
        Arrays.fill(fmask, 1f);
        int[] ids = new int[k * tokens];
        float[] tmask = new float[k * tokens];
        float[] w = new float[k * tokens];
        List<String> vids = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            vids.add("random-" + i);
            int interest = 0;
            for (int t = 0; t < tokens; t++) {
                ids[i * tokens + t] = t == 0 ? 101 : t == tokens - 1 ? 102 : 1000 + r.nextInt(vocab - 1000);
                tmask[i * tokens + t] = 1;
                if (t > 0 && t < tokens - 1 && t % 3 == 0) {
                    w[i * tokens + t] = 1;
                    interest++;
                }
            }
            for (int t = 0; t < tokens; t++) w[i * tokens + t] /= Math.max(1, interest);
        }
        return new Batch(vids, k, frames, dim, feats, fmask, tokens, ids, tmask, w);
    }
}
