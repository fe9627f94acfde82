package io.github.taco.data.synth;

import io.github.taco.data.synth.BuiltInBenchmark.Captions;
import io.github.taco.io.EnumNames;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The members of the benchmark family that TACo's default preset is chosen on (docs/benchmark-family.md):
 * renderings of YouCook2's real captions that differ the way real features differ from each other
 * (signal-to-noise, width, how visible each word is, frame rate), and the template captions.
 * {@code taco synth --variant NAME} and {@code taco ablate --variant NAME} write and train on each.
 *
 * <p>The members were fixed before any run on them; {@link #FAINT} is the member kept aside, run once
 * after the default is chosen.
 */
public enum BenchmarkVariant {
    BASE("the built-in benchmark (the demo's): D = 512, noise 2.0, 1 fps", RenderConfig.defaults()),
    LOWSNR("noise 3.5: a lower per-frame signal-to-noise", RenderConfig.defaults().withNoise(3.5)),
    LOWERSNR("noise 5.0: a second signal-to-noise below the built-in one", RenderConfig.defaults().withNoise(5.0)),
    WIDE("D = 1024 (S3D's width), latent 256", RenderConfig.defaults().withDim(1024)),
    FAINT("kept aside: D = 384, each lemma's visibility drawn once in [0.15, 1] (some words almost invisible)",
            RenderConfig.defaults().withDim(384).withVisibilitySpread(0.85)),
    FPS2("2 feature frames per second (the sampler's 48 frames then cover 24 s)", RenderConfig.defaults().withFps(2)),
    TEMPLATE("generated template captions (verb, object, attribute, amount, tool, place)", null);

    private final String description;
    private final RenderConfig render;

    BenchmarkVariant(String description, RenderConfig render) {
        this.description = description;
        this.render = render;
    }

    /** The name the CLI and the docs use, e.g. "lowsnr". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String description() {
        return description;
    }

    public Captions captions() {
        return this == TEMPLATE ? Captions.TEMPLATE : Captions.YOUCOOK2;
    }

    /**
     * The render settings for a benchmark seed; only for youcook2 members (the template one has its own
     * {@link SynthConfig}).
     */
    public RenderConfig renderConfig(long seed) {
        if (render == null) {
            throw new IllegalStateException(label() + " is rendered from template captions, not with a RenderConfig");
        }
        return render.withSeed(seed);
    }

    /** Feature frames per second of the member's files: what a reader of them needs ({@code --fps}). */
    public int fps() {
        return render == null ? 1 : render.fps();
    }

    /** "base, lowsnr, ...": every member's name. */
    public static String labels() {
        return Arrays.stream(values()).map(BenchmarkVariant::label).collect(Collectors.joining(", "));
    }

    /** A member by name (case-insensitive), or an error listing them. */
    public static BenchmarkVariant parse(String name) {
        return EnumNames.parse(BenchmarkVariant.class, name, "a benchmark variant (a member of the family)");
    }
}
