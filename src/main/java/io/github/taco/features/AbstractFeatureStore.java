package io.github.taco.features;

import java.util.concurrent.atomic.AtomicInteger;

/** Shared dimension check: the first video loaded fixes D unless the caller gave one. */
abstract class AbstractFeatureStore implements FeatureStore {
    private final AtomicInteger dim;
    protected final double fps;

    AbstractFeatureStore(double fps, int expectedDim) {
        if (!(fps > 0)) {
            throw new IllegalArgumentException("fps must be positive, got " + fps);
        }
        this.fps = fps;
        this.dim = new AtomicInteger(Math.max(expectedDim, 0));
    }

    @Override
    public double fps() {
        return fps;
    }

    /** The dimension seen so far, 0 before the first load. */
    int knownDim() {
        return dim.get();
    }

    VideoFeatures checkDim(VideoFeatures f, Object source) throws FeatureException {
        int expected = dim.get();
        if (expected == 0 && dim.compareAndSet(0, f.dim())) {
            return f;
        }
        expected = dim.get();
        if (f.dim() != expected) {
            throw new FeatureException(FeatureException.Kind.DIM_MISMATCH, f.videoId(), source,
                    "feature dimension " + f.dim() + " differs from the store's " + expected);
        }
        return f;
    }
}
