package io.github.taco.data.synth;

import io.github.taco.data.Split;
import java.util.List;

/**
 * A synthetic video and its ground truth.
 *
 * @param videoId      feature key and annotation key
 * @param split        TRAIN, VALIDATION (the clean test split) or NARRATION (noisy pretraining)
 * @param frames       seconds = feature rows
 * @param steps        the steps in time order (ordered step list for CrossTask-like tasks)
 * @param captions     one caption per step; for narration possibly about another step or off-topic
 * @param captionSteps per caption, the index of the step it describes (-1 off-topic); equals the
 *                     caption's own index in clean splits
 * @param segments     per caption, the annotated [start, end] seconds (jittered for narration)
 */
public record SynthVideo(String videoId, Split split, int frames, List<Step> steps, List<String> captions,
        int[] captionSteps, List<double[]> segments) {}
