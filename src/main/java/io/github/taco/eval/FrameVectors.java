package io.github.taco.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.taco.features.VideoFeatures;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.util.Arrays;

/**
 * Per-frame video-encoder outputs x^k of a whole video, for frame-level tasks (CrossTask step
 * localization, COIN segmentation).
 *
 * <p>Long videos: the video encoder has {@code maxFrames} learned positions, so a video is cut into
 * consecutive non-overlapping windows of {@code window ≤ maxFrames} frames and each window is
 * encoded on its own (positions restart at 0; frames attend only within their window). The last
 * window is shorter and padded; padded outputs are dropped. All windows of a video go through the
 * encoder in one call.
 *
 * @param frames    number of frames T (= feature rows of the video)
 * @param dim       hidden size d
 * @param data      row-major [T, d]; L2-normalised per frame when {@code normalised}
 * @param normalised whether the rows were L2-normalised (the model uses cosine similarity)
 */
public record FrameVectors(int frames, int dim, float[] data, boolean normalised) {

    /** Row k as a copy. */
    public float[] row(int k) {
        float[] r = new float[dim];
        System.arraycopy(data, k * dim, r, 0, dim);
        return r;
    }

    /**
     * Encodes a video with the model in evaluation mode (the caller's {@link TacoModel#setTraining}
     * state is not changed; call it with training off). Rows are L2-normalised when the model uses
     * cosine similarity, so dot products with normalised text vectors are the model's cosines.
     *
     * @param window frames per window, 1..maxFrames
     * @throws IllegalArgumentException if the feature dimension differs from the model's or the window is out of range
     */
    public static FrameVectors encode(TacoModel model, VideoFeatures f, int window) {
        TacoConfig c = model.config();
        if (f.dim() != c.featureDim) {
            throw new IllegalArgumentException("video " + f.videoId() + " has " + f.dim()
                    + "-d features, the model expects " + c.featureDim);
        }
        if (window < 1 || window > c.maxFrames) {
            throw new IllegalArgumentException(
                    "window must be in 1.." + c.maxFrames + " (the model's maxFrames), got " + window);
        }
        int t = f.frames();
        int d = c.hiddenSize;
        if (t == 0) {
            return new FrameVectors(0, d, new float[0], c.cosine());
        }
        int windows = (t + window - 1) / window;
        float[] feats = new float[windows * window * f.dim()];
        System.arraycopy(f.data(), 0, feats, 0, f.data().length); // windows are consecutive rows
        float[] mask = new float[windows * window];
        Arrays.fill(mask, 0, t, 1f);
        try (NDManager m = model.weights().manager().newSubManager()) {
            NDArray x = model.encodeVideo(m.create(feats, new Shape(windows, window, f.dim())),
                    m.create(mask, new Shape(windows, window)));
            // detach: frame vectors are inputs of probes and scorers, never a path back into the encoder
            NDArray rows = x.stopGradient().reshape((long) windows * window, d).get(new NDIndex("0:{}", t));
            if (c.cosine()) {
                rows = rows.div(rows.norm(new int[] {-1}, true).add(1e-12f));
            }
            return new FrameVectors(t, d, rows.toFloatArray(), c.cosine());
        }
    }
}
