package io.github.taco.data;

import java.util.List;

/**
 * The clips of one batch before loading.
 *
 * @param epoch      0-based epoch
 * @param index      0-based batch number within the epoch
 * @param clips      the clips, in batch order
 * @param seed       seed of the Random that picks among a clip's captions, derived from the
 *                   sampler's seed, the epoch and the index, so prefetching cannot change it
 */
public record BatchPlan(int epoch, int index, List<Clip> clips, long seed) {}
