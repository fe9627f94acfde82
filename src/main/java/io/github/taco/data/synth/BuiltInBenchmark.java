package io.github.taco.data.synth;

import io.github.taco.io.EnumNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The built-in benchmarks that {@code taco demo} and {@code taco ablate} train on, in one place: the
 * default {@link Captions#YOUCOOK2} (real YouCook2 sentences, rendered features, {@link CaptionBenchmark})
 * and the earlier {@link Captions#TEMPLATE} grammar ({@link SyntheticBenchmark}).
 */
public final class BuiltInBenchmark {
    /** Which captions the benchmark has. */
    public enum Captions {
        YOUCOOK2, TEMPLATE;

        /** "youcook2" or "template", as the CLI spells it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Captions parse(String s) {
            return EnumNames.parse(Captions.class, s, "captions");
        }
    }

    private BuiltInBenchmark() {}

    /** The render settings of the youcook2 benchmark for a seed and a noise (null: the default noise). */
    public static RenderConfig renderConfig(long seed, Double noise) {
        RenderConfig c = RenderConfig.defaults().withSeed(seed);
        return noise == null ? c : c.withNoise(noise);
    }

    /** A short name of the benchmark, stored with ablation results so that tables never mix benchmarks. */
    public static String describe(Captions captions, long seed, Double noise) {
        return captions == Captions.TEMPLATE ? "template seed " + seed : describe(renderConfig(seed, noise));
    }

    /**
     * A short name of a youcook2 rendering: seed and noise, then whatever else differs from the default
     * width, visibility and frame rate (so the names of benchmarks recorded before those existed stay the same).
     */
    public static String describe(RenderConfig c) {
        RenderConfig d = RenderConfig.defaults();
        StringBuilder s = new StringBuilder(
                String.format(Locale.ROOT, "youcook2 seed %d noise %.2f", c.seed(), c.noise()));
        if (c.dim() != d.dim() || c.latentDim() != d.latentDim()) {
            s.append(String.format(Locale.ROOT, " D %d latent %d", c.dim(), c.latentDim()));
        }
        if (c.visibilitySpread() != d.visibilitySpread()) {
            s.append(String.format(Locale.ROOT, " visibility [%.2f, 1]", 1 - c.visibilitySpread()));
        }
        if (c.fps() != d.fps()) {
            s.append(' ').append(c.fps()).append(" fps");
        }
        return s.toString();
    }

    /**
     * Writes the benchmark into {@code dir} unless it is already there (then reused).
     *
     * @return true if it was written
     * @throws IllegalArgumentException if {@code dir} holds a youcook2 benchmark of another seed or noise
     * @throws IllegalArgumentException if a noise is given for the template benchmark (it would be ignored)
     */
    public static boolean ensure(Captions captions, long seed, Double noise, Path dir) throws IOException {
        if (captions == Captions.YOUCOOK2) {
            return CaptionBenchmark.ensure(renderConfig(seed, noise), dir);
        }
        if (noise != null) {
            throw new IllegalArgumentException(
                    "--noise applies to the youcook2 benchmark; the template one takes its own defaults");
        }
        if (Files.exists(dir.resolve(SyntheticBenchmark.TRUTH_FILE))) {
            return false;
        }
        SyntheticBenchmark.generateTo(SynthConfig.defaults().withSeed(seed), dir);
        return true;
    }
}
