package io.github.taco.features;

import java.io.IOException;

/**
 * Pre-extracted per-video features (docs/method.md §8), looked up by video id. Implementations are
 * thread-safe, so a background loader and the trainer may share one.
 *
 * <p>Open one with {@link FeatureStores#open}; put a {@link CachedFeatureStore} in front when the
 * same videos are read every epoch.
 */
public interface FeatureStore extends AutoCloseable {

    /**
     * The features of a whole video.
     *
     * @throws FeatureException (an IOException) naming the video and file when the features are
     *     missing, corrupt, of an unsupported dtype or shape, non-finite or of another dimension
     */
    VideoFeatures load(String videoId) throws IOException;

    /** True when features exist for the video (cheap: does not read the data). */
    boolean contains(String videoId);

    /** Feature dimension D shared by every video of the store. */
    int dim() throws IOException;

    /** Feature rows per second of video. */
    double fps();

    @Override
    default void close() throws IOException {}
}
