/**
 * Pre-extracted video features (docs/method.md §8): {@link io.github.taco.features.FeatureStore} and its
 * formats (a folder of {@code <video_id>.npy}, one {@code .npz}, one HDF5 file), the concatenation of
 * two feature sets with different fps ({@link io.github.taco.features.ConcatFeatureStore}), a
 * byte-budgeted LRU cache, and clip slicing ({@link io.github.taco.features.FrameSampler}).
 *
 * <p>Every unusable input raises a {@link io.github.taco.features.FeatureException} naming the
 * video and the file. Bad segments are repaired and counted ({@link io.github.taco.features.SegmentFixups}).
 */
package io.github.taco.features;
