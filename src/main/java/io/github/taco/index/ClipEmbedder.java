package io.github.taco.index;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.taco.data.Clip;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FrameSampler;
import io.github.taco.features.SegmentFixups;
import io.github.taco.features.VideoFeatures;
import io.github.taco.model.NoGrad;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the video encoder over clips: their features are sliced and sampled as in training
 * ({@link FrameSampler}), encoded to x [frames, d] and mean-pooled to the s1 vector
 * ({@link TacoModel#videoVectors}). Stateless apart from the model; safe to use from several threads.
 */
public final class ClipEmbedder {
    private final TacoModel model;
    private final TacoConfig config;
    private final FeatureStore store;
    private final SegmentFixups fixups = new SegmentFixups();

    public ClipEmbedder(TacoModel model, FeatureStore store) throws IOException {
        this.model = model;
        this.config = model.config();
        this.store = store;
        if (store.dim() != config.featureDim) {
            throw new IllegalArgumentException("the features have dimension " + store.dim()
                    + " but the checkpoint expects featureDim=" + config.featureDim
                    + " (wrong --features folder or checkpoint?)");
        }
    }

    /** Segment repairs made so far (reversed or out-of-range segments). */
    public SegmentFixups fixups() {
        return fixups;
    }

    /**
     * Embeds one batch of clips (one forward pass, padded to the longest clip).
     *
     * @throws IOException a {@link io.github.taco.features.FeatureException} naming the video and
     *     file when features are missing or broken
     */
    public List<IndexedClip> embed(List<Clip> clips) throws IOException {
        if (clips.isEmpty()) {
            return List.of();
        }
        int d = config.hiddenSize;
        int dim = config.featureDim;
        double fps = store.fps();
        List<int[]> indices = new ArrayList<>();
        List<VideoFeatures> feats = new ArrayList<>();
        int maxM = 1;
        for (Clip c : clips) {
            VideoFeatures v = store.load(c.videoId());
            int[] idx = FrameSampler.frameIndices(c.start(), c.end(), fps, v.frames(), config.maxFrames, fixups);
            indices.add(idx);
            feats.add(v);
            maxM = Math.max(maxM, idx.length);
        }
        int k = clips.size();
        float[] f = new float[k * maxM * dim];
        float[] mask = new float[k * maxM];
        for (int i = 0; i < k; i++) {
            int[] idx = indices.get(i);
            for (int t = 0; t < idx.length; t++) {
                System.arraycopy(feats.get(i).data(), idx[t] * dim, f, (i * maxM + t) * dim, dim);
                mask[i * maxM + t] = 1f;
            }
        }
        float[] x;
        float[] vv;
        NoGrad.thisThread();
        try (NDManager m = model.weights().manager().newSubManager()) {
            NDArray fm = m.create(mask, new Shape(k, maxM));
            NDArray xa = model.encodeVideo(m.create(f, new Shape(k, maxM, dim)), fm);
            x = xa.toFloatArray();
            vv = model.videoVectors(xa, fm).toFloatArray();
        }
        List<IndexedClip> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            Clip c = clips.get(i);
            int[] idx = indices.get(i);
            int n = idx.length;
            float[] xi = new float[n * d];
            System.arraycopy(x, i * maxM * d, xi, 0, n * d);
            float[] times = new float[n];
            for (int t = 0; t < n; t++) times[t] = (float) (idx[t] / fps);
            double videoEnd = feats.get(i).frames() / fps;
            double start = Math.max(0, Math.min(c.start(), c.end()));
            double end = Math.min(Math.max(c.start(), c.end()), videoEnd); // finite for whole-video clips
            float[] vec = new float[d];
            System.arraycopy(vv, i * d, vec, 0, d);
            out.add(new IndexedClip(c.clipId(), c.videoId(), start, Math.max(start, end), String.join(" | ", c.texts()),
                    times, vec, n, xi));
        }
        return out;
    }
}
