package io.github.taco.data.synth;

import io.github.taco.data.Split;
import java.util.List;

/**
 * A generated benchmark in memory: its config, the hidden world (concept vectors and feature map)
 * and every video with its ground truth. Features are not kept; {@link SyntheticBenchmark#features}
 * recomputes a video's features deterministically.
 */
public record SynthData(SynthConfig config, SynthWorld world, List<SynthVideo> videos) {

    public List<SynthVideo> videos(Split split) {
        return videos.stream().filter(v -> v.split() == split).toList();
    }

    /** Total clips (one per step) over all splits. */
    public int clipCount() {
        return videos.stream().mapToInt(v -> v.captions().size()).sum();
    }
}
