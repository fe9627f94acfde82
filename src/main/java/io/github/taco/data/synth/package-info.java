/**
 * The synthetic cooking benchmark: {@link io.github.taco.data.synth.SyntheticBenchmark} generates
 * it from a {@link io.github.taco.data.synth.SynthConfig} ({@code taco synth} on the command line),
 * {@link io.github.taco.data.synth.SynthTruth} reads its ground truth back, and
 * {@link io.github.taco.data.synth.Lexicon} parses its captions to concepts (for oracles).
 */
package io.github.taco.data.synth;
