package io.github.taco.features;

import java.io.IOException;

/**
 * Two feature sets of one video side by side (the paper's ResNet-152 + S3D): the result has the
 * first store's frames and fps and dimension D1 + D2. Each frame t of the first store is paired
 * with the second store's frame that covers the same moment, the centre (t + 0.5) / fps1 seconds
 * (nearest-frame resampling), clamped to the second video's length.
 */
public final class ConcatFeatureStore implements FeatureStore {
    private final FeatureStore first;
    private final FeatureStore second;

    public ConcatFeatureStore(FeatureStore first, FeatureStore second) {
        this.first = first;
        this.second = second;
    }

    /** Row of the second store used for row t of the first. */
    public static int alignedFrame(int t, double fps1, double fps2, int frames2) {
        long j = (long) Math.floor((t + 0.5) * fps2 / fps1);
        return (int) Math.max(0, Math.min(frames2 - 1, j));
    }

    @Override
    public VideoFeatures load(String videoId) throws IOException {
        VideoFeatures a = first.load(videoId);
        VideoFeatures b = second.load(videoId);
        int d = a.dim() + b.dim();
        float[] out = new float[a.frames() * d];
        for (int t = 0; t < a.frames(); t++) {
            int j = alignedFrame(t, first.fps(), second.fps(), b.frames());
            System.arraycopy(a.data(), t * a.dim(), out, t * d, a.dim());
            System.arraycopy(b.data(), j * b.dim(), out, t * d + a.dim(), b.dim());
        }
        return new VideoFeatures(videoId, a.frames(), d, out);
    }

    @Override
    public boolean contains(String videoId) {
        return first.contains(videoId) && second.contains(videoId);
    }

    @Override
    public int dim() throws IOException {
        return first.dim() + second.dim();
    }

    @Override
    public double fps() {
        return first.fps();
    }

    @Override
    public void close() throws IOException {
        try {
            first.close();
        } finally {
            second.close();
        }
    }

    @Override
    public String toString() {
        return "concat(" + first + ", " + second + ")";
    }
}
