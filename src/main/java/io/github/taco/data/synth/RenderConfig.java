package io.github.taco.data.synth;

/**
 * Settings of the default built-in benchmark: YouCook2's real captions with features rendered from
 * their words ({@link CaptionBenchmark}).
 *
 * <p>Each second's latent vector is z = background(video) + recipe(recipe type) + Σ over the steps
 * at that second of Σ over the step's content lemmas a_w(t)·concept(w) + noise, mapped to D features
 * by x = tanh(g·s·(Q z) + b) (Q orthonormal columns, random gains g and biases b, s from
 * {@code nonlinearity}). Concepts are unit vectors; synonyms share {@code synonymShare} of their
 * squared norm.
 *
 * @param seed          everything is a function of it (vectors, noise)
 * @param dim           D, the feature dimension
 * @param latentDim     L, the latent dimension (≤ D); lemmas outnumber it, so concepts overlap a little
 * @param noise         std of the per-second latent noise: E|n|² = noise²; the main difficulty knob
 * @param background    norm of a video's background vector (same for all its seconds)
 * @param recipe        norm of a recipe type's context vector (shared by the videos of one recipe)
 * @param synonymShare  0..1: share of a word's concept that comes from its synonym group
 * @param wordWidth     width (std, as a fraction of the step) of a word's bump in time: the i-th of n
 *                      content words peaks at (i + ½)/n of its step, so a step unfolds over its frames
 * @param nonlinearity  std of the tanh pre-activations for a typical second (1: mildly non-linear)
 * @param visibilitySpread 0..1: each lemma's visibility v_w is drawn once, uniform in [1 − spread, 1], and
 *                      multiplies its strength a_w(t) (0: every word fully visible; 0.85: some words
 *                      almost invisible, as in the benchmark family's {@code faint} member)
 * @param fps           feature frames per second (every frame draws its own noise, so more frames per
 *                      second carry more evidence about a step, as denser real features do)
 */
public record RenderConfig(long seed, int dim, int latentDim, double noise, double background, double recipe,
        double synonymShare, double wordWidth, double nonlinearity, double visibilitySpread, int fps) {

    public RenderConfig {
        if (fps == 0) {
            fps = 1; // render_truth.json written before fps existed: those benchmarks are 1 fps
        }
        if (fps < 1) {
            throw new IllegalArgumentException("fps must be >= 1, got " + fps);
        }
        if (!(visibilitySpread >= 0 && visibilitySpread <= 1)) {
            throw new IllegalArgumentException("visibilitySpread must be in [0, 1], got " + visibilitySpread);
        }
        if (dim < 1 || latentDim < 1 || latentDim > dim) {
            throw new IllegalArgumentException("need 1 <= latentDim <= dim, got latentDim " + latentDim + ", dim "
                    + dim);
        }
        double[] nonNegative = {noise, background, recipe, nonlinearity};
        String[] names = {"noise", "background", "recipe", "nonlinearity"};
        for (int i = 0; i < nonNegative.length; i++) {
            if (!(nonNegative[i] >= 0)) {
                throw new IllegalArgumentException(names[i] + " must be >= 0, got " + nonNegative[i]);
            }
        }
        if (!(synonymShare >= 0 && synonymShare <= 1)) {
            throw new IllegalArgumentException("synonymShare must be in [0, 1], got " + synonymShare);
        }
        if (!(wordWidth > 0)) {
            throw new IllegalArgumentException("wordWidth must be > 0, got " + wordWidth);
        }
    }

    /** The defaults; {@link #noise} was fixed by the rule in docs/benchmark.md before any TACo row was trained. */
    public static RenderConfig defaults() {
        return new RenderConfig(42, 512, 256, DEFAULT_NOISE, 1.0, 1.0, 0.5, 0.3, 1.5, 0, 1);
    }

    /** The default noise (see {@link #defaults()}). */
    public static final double DEFAULT_NOISE = 2.0;

    public RenderConfig withSeed(long s) {
        return new RenderConfig(s, dim, latentDim, noise, background, recipe, synonymShare, wordWidth, nonlinearity,
                visibilitySpread, fps);
    }

    public RenderConfig withNoise(double n) {
        return new RenderConfig(seed, dim, latentDim, n, background, recipe, synonymShare, wordWidth, nonlinearity,
                visibilitySpread, fps);
    }

    public RenderConfig withDim(int d) {
        return new RenderConfig(seed, d, Math.min(latentDim, d), noise, background, recipe, synonymShare, wordWidth,
                nonlinearity, visibilitySpread, fps);
    }

    public RenderConfig withVisibilitySpread(double spread) {
        return new RenderConfig(seed, dim, latentDim, noise, background, recipe, synonymShare, wordWidth, nonlinearity,
                spread, fps);
    }

    public RenderConfig withFps(int f) {
        return new RenderConfig(seed, dim, latentDim, noise, background, recipe, synonymShare, wordWidth, nonlinearity,
                visibilitySpread, f);
    }
}
