package io.github.taco.data;

import io.github.taco.features.FeatureException;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FrameSampler;
import io.github.taco.features.SegmentFixups;
import io.github.taco.features.VideoFeatures;
import io.github.taco.text.CaptionEncoder;
import io.github.taco.text.EncodedText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns clips into a {@link Batch}: features sliced and sampled with {@link FrameSampler}, one
 * caption per clip (chosen by the given Random when a clip has several), encoded with the
 * {@link CaptionEncoder}, padded and masked as {@link Batch} documents.
 *
 * <p>Captions longer than {@code maxTokens} keep their first {@code maxTokens - 1} pieces and their
 * final [SEP]; the weights of the kept tokens of interest are renormalised to sum to 1.
 *
 * <p>With {@code trimPadding} the batch is padded only to its longest clip and caption (at most
 * maxFrames / maxTokens), which saves compute on CPU; without it every batch has the full shape.
 * Thread-safe (the Random passed to {@link #build} is the caller's).
 */
public final class BatchBuilder {
    private final FeatureStore store;
    private final CaptionEncoder encoder;
    private final int maxFrames;
    private final int maxTokens;
    private final boolean trimPadding;
    private final MissingPolicy onMissing;
    private final SegmentFixups fixups = new SegmentFixups();
    private final AtomicLong skipped = new AtomicLong();

    public BatchBuilder(FeatureStore store, CaptionEncoder encoder, int maxFrames, int maxTokens) {
        this(store, encoder, maxFrames, maxTokens, false, MissingPolicy.FAIL);
    }

    /**
     * @param onMissing SKIP drops a clip whose features turn out missing at load time (counted in
     *                  {@link #skippedClips()}); FAIL throws the store's {@link FeatureException}.
     *                  Broken (not missing) files always throw.
     */
    public BatchBuilder(FeatureStore store, CaptionEncoder encoder, int maxFrames, int maxTokens, boolean trimPadding,
            MissingPolicy onMissing) {
        if (maxFrames < 1 || maxTokens < 2) {
            throw new IllegalArgumentException("maxFrames >= 1 and maxTokens >= 2 needed");
        }
        this.store = store;
        this.encoder = encoder;
        this.maxFrames = maxFrames;
        this.maxTokens = maxTokens;
        this.trimPadding = trimPadding;
        this.onMissing = onMissing;
    }

    /** Repairs made to clip segments so far (see {@link SegmentFixups}). */
    public SegmentFixups fixups() {
        return fixups;
    }

    /** Clips dropped because their features were missing at load time (SKIP only). */
    public long skippedClips() {
        return skipped.get();
    }

    /**
     * Builds one batch. Row i belongs to clips.get(i), unless a clip was skipped.
     *
     * @throws IOException a {@link FeatureException} naming the video for missing (under FAIL) or
     *     broken features; an IOException if every clip was skipped
     */
    public Batch build(List<Clip> clips, Random random) throws IOException {
        int dim = -1; // from the first loaded video: store.dim() may have to read an unrelated file
        List<Clip> rows = new ArrayList<>(clips.size());
        List<float[]> feats = new ArrayList<>(clips.size());
        List<Integer> frameCounts = new ArrayList<>(clips.size());
        List<EncodedText> texts = new ArrayList<>(clips.size());
        for (Clip c : clips) {
            VideoFeatures v;
            try {
                v = store.load(c.videoId());
            } catch (FeatureException e) {
                if (e.kind() == FeatureException.Kind.MISSING && onMissing == MissingPolicy.SKIP) {
                    skipped.incrementAndGet();
                    continue;
                }
                throw e;
            }
            if (dim < 0) {
                dim = v.dim();
            } else if (v.dim() != dim) { // stores check this too; a custom store might not
                throw new FeatureException(FeatureException.Kind.DIM_MISMATCH, c.videoId(), store,
                        "feature dimension " + v.dim() + " differs from " + dim + " in the same batch");
            }
            int[] idx = FrameSampler.frameIndices(c.start(), c.end(), store.fps(), v.frames(), maxFrames, fixups);
            float[] f = new float[idx.length * dim];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(v.data(), idx[i] * dim, f, i * dim, dim);
            }
            String caption = c.texts().size() == 1 ? c.texts().get(0) : c.texts().get(random.nextInt(c.texts().size()));
            rows.add(c);
            feats.add(f);
            frameCounts.add(idx.length);
            texts.add(encoder.encode(caption));
        }
        if (rows.isEmpty()) {
            throw new IOException("no clip of the batch has features (" + clips.size() + " skipped)");
        }
        int k = rows.size();
        int frames = trimPadding ? frameCounts.stream().mapToInt(Integer::intValue).max().orElse(1) : maxFrames;
        int tokens = trimPadding ? Math.min(maxTokens, texts.stream().mapToInt(EncodedText::length).max().orElse(2))
                : maxTokens;
        float[] features = new float[k * frames * dim];
        float[] frameMask = new float[k * frames];
        int[] tokenIds = new int[k * tokens];
        float[] tokenMask = new float[k * tokens];
        float[] tokenWeights = new float[k * tokens];
        List<String> ids = new ArrayList<>(k);
        for (int r = 0; r < k; r++) {
            ids.add(rows.get(r).clipId());
            int n = frameCounts.get(r);
            System.arraycopy(feats.get(r), 0, features, r * frames * dim, n * dim);
            Arrays.fill(frameMask, r * frames, r * frames + n, 1f);
            fillText(texts.get(r), tokens, tokenIds, tokenMask, tokenWeights, r * tokens);
        }
        return new Batch(ids, k, frames, dim, features, frameMask, tokens, tokenIds, tokenMask, tokenWeights);
    }

    /** Copies one caption into row {@code off}, truncating to [first tokens-1 pieces] + [SEP]. */
    static void fillText(EncodedText t, int tokens, int[] ids, float[] mask, float[] weights, int off) {
        int len = t.length();
        boolean cut = len > tokens;
        int n = Math.min(len, tokens);
        float sum = 0;
        for (int i = 0; i < n; i++) {
            int src = cut && i == n - 1 ? len - 1 : i; // keep [SEP] as the last piece
            ids[off + i] = t.ids()[src];
            mask[off + i] = 1f;
            weights[off + i] = t.weights()[src];
            sum += weights[off + i];
        }
        if (cut && sum > 0) {
            for (int i = 0; i < n; i++) {
                weights[off + i] /= sum;
            }
        }
    }
}
