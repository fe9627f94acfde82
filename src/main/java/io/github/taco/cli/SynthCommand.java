package io.github.taco.cli;

import io.github.taco.data.Split;
import io.github.taco.data.synth.BenchmarkVariant;
import io.github.taco.data.synth.BuiltInBenchmark.Captions;
import io.github.taco.data.synth.CaptionBenchmark;
import io.github.taco.data.synth.RenderConfig;
import io.github.taco.data.synth.RenderedBaselines;
import io.github.taco.data.synth.SynthConfig;
import io.github.taco.data.synth.SynthData;
import io.github.taco.data.synth.SyntheticBenchmark;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco synth}: writes the synthetic benchmark. */
@Command(name = "synth", header = "Write the built-in synthetic benchmark (YouCook2 layout + .npy features).",
        mixinStandardHelpOptions = true,
        description = {"Default (--captions youcook2): YouCook2's real annotation file, bundled in the jar (1,790 "
            + "videos, 13,829 clips, its training/validation split and sentences verbatim), with one feature vector "
            + "per second rendered from what each sentence says: every content word (by lemma, whatever its part of "
            + "speech) is a visual concept, synonyms look alike, a step unfolds over its frames, a video carries its "
            + "recipe's context. Writes youcookii_annotations_trainval.json, features/<video>.npy (float32, 1 fps, "
            + "about 1.1 GB at D = 512) and render_truth.json (each clip's lemmas, the per-frame signal-to-noise). See "
            + "docs/benchmark.md.",
            "",
            "--captions template: the earlier benchmark of generated captions (verb, object, attribute, amount, tool, "
            + "place) with subsets training, validation and narration, and synth_truth.json.",
            "",
            "Read either with: taco data check --dataset youcook2 --annotations DIR \\",
            "                    --features DIR/features"})
final class SynthCommand implements Callable<Integer> {
    private static final SynthConfig D = SynthConfig.defaults();
    private static final RenderConfig R = RenderConfig.defaults();

    @Option(names = "--out", required = true, description = "Output folder (created if needed).")
    Path out;

    @Option(names = "--captions", description = "youcook2 (real sentences, rendered features) or template (generated "
            + "captions) (default: ${DEFAULT-VALUE}).", defaultValue = "youcook2")
    String captionsName;

    @Option(names = "--annotations",
            description = "youcook2 only: render this YouCook2-layout annotation file instead of the bundled one.")
    Path annotations;

    @Option(names = "--recipe", description = "youcook2 only: norm of a recipe type's context vector (default 1.0).")
    Double recipe;

    @Option(names = "--synonym-share",
            description = "youcook2 only: share of a word's look that comes from its synonym group (default 0.5).")
    Double synonymShare;

    @Option(names = "--baselines", description = "youcook2 only: after writing, score the validation clips with an "
            + "oracle that knows the generative model, a text-blind scorer and a ridge regression from clip features "
            + "to caption lemmas, and print their R@1 (about a minute).")
    boolean baselines;

    @Option(names = "--word-width",
            description = "youcook2 only: width of a word's bump in time, as a fraction of its step (default 0.3).")
    Double wordWidth;

    @Option(names = "--visibility-spread", description = "youcook2 only: 0..1, each word's visibility is drawn once, "
            + "uniform in [1 - spread, 1] (default 0: every word fully visible).")
    Double visibilitySpread;

    @Option(names = "--fps", description = "youcook2 only: feature frames per second, each with its own noise (default "
            + "1). Read the files with the same --fps.")
    Integer fps;

    @Option(names = "--variant", paramLabel = "NAME", description = "Write a member of the benchmark family of "
            + "docs/benchmark-family.md, with its fixed settings: base (the default benchmark), lowsnr (noise 3.5), "
            + "lowersnr (noise 5.0), wide (D = 1024), fps2 (2 frames per second), template (generated captions), "
            + "faint (D = 384, words of visibility 0.15..1; the member kept aside). Only --out, --seed and "
            + "--baselines go with it.")
    String variant;

    @Option(names = "--videos", description = "Total videos, split 65%% training / 15%% validation / 20%% narration "
            + "(default: 1100 / 250 / 350 = 1700 videos, about 10k clips).")
    Integer videos;

    @Option(names = "--train-videos", description = "Training videos (overrides the --videos share).")
    Integer trainVideos;

    @Option(names = "--val-videos", description = "Validation (test) videos (overrides the --videos share).")
    Integer valVideos;

    @Option(names = "--narration-videos", description = "Noisy narration videos (overrides the --videos share).")
    Integer narrationVideos;

    @Option(names = "--seed", description = "Random seed; the same seed and options give the same files (default 42).")
    Long seed;

    @Option(names = "--dim", description = "Feature dimension D (default 512).")
    Integer dim;

    @Option(names = "--latent-dim", description = "Latent dimension (default: 256 for youcook2; 128 for template, "
            + "where >= 124 makes concept vectors orthonormal).")
    Integer latentDim;

    @Option(names = "--noise", description = "Per-second latent noise std; concept vectors have norm 1 (default: "
            + RenderConfig.DEFAULT_NOISE + " for youcook2, see docs/benchmark.md; 1.0 for template).")
    Double noise;

    @Option(names = "--nonlinearity", description = "Std of the tanh pre-activations; higher saturates more (default: "
            + "1.5 for youcook2, 2.0 for template).")
    Double nonlinearity;

    @Option(names = "--interaction",
            description = "0..1: how much an object's look depends on the verb (default ${DEFAULT-VALUE}).")
    double interaction = D.interaction();

    @Option(names = "--background",
            description = "Norm of each video's background vector (default: 1.0 for youcook2, 1.5 for template).")
    Double background;

    @Option(names = "--idle-fraction",
            description = "Expected share of idle seconds between steps (default ${DEFAULT-VALUE}).")
    double idleFraction = D.idleFraction();

    @Option(names = "--verbs", description = "Verbs used, at most 24 (default ${DEFAULT-VALUE}).")
    int verbs = D.verbs();

    @Option(names = "--objects", description = "Objects used, at most 40 (default ${DEFAULT-VALUE}).")
    int objects = D.objects();

    @Option(names = "--attributes", description = "Attributes (visible states) used, at most 10; 1 makes every clip "
            + "share one (default ${DEFAULT-VALUE}).")
    int attributes = D.attributes();

    @Option(names = "--amounts", description = "Amounts used, at most 6 (default ${DEFAULT-VALUE}).")
    int amounts = D.amounts();

    @Option(names = "--tools", description = "Tools used, at most 10 (default ${DEFAULT-VALUE}).")
    int tools = D.tools();

    @Option(names = "--places", description = "Places used, at most 8 (default ${DEFAULT-VALUE}).")
    int places = D.places();

    @Option(names = "--tool-rate", description = "Chance a step uses a tool (default ${DEFAULT-VALUE}).")
    double toolRate = D.toolRate();

    @Option(names = "--place-rate", description = "Chance a step names a place (default ${DEFAULT-VALUE}).")
    double placeRate = D.placeRate();

    @Option(names = "--zipf", description = "Skew of concept frequencies, 0 = uniform (default ${DEFAULT-VALUE}).")
    double zipf = D.zipf();

    @Option(names = "--synonym-rate",
            description = "Chance a concept is named by a synonym (default ${DEFAULT-VALUE}).")
    double synonymRate = D.synonymRate();

    @Option(names = "--filler-rate",
            description = "Chance of fillers and decorative words in a caption (default ${DEFAULT-VALUE}).")
    double fillerRate = D.fillerRate();

    @Option(names = "--shift-rate",
            description = "Narration: chance a caption describes a neighbouring step (default ${DEFAULT-VALUE}).")
    double shiftRate = D.shiftRate();

    @Option(names = "--off-topic-rate",
            description = "Narration: chance of an off-topic sentence (default ${DEFAULT-VALUE}).")
    double offTopicRate = D.offTopicRate();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Options of the template grammar only: refused with --captions youcook2 rather than ignored. */
    private static final List<String> TEMPLATE_ONLY = List.of("--videos", "--train-videos", "--val-videos",
            "--narration-videos", "--interaction", "--idle-fraction", "--verbs", "--objects", "--attributes",
            "--amounts", "--tools", "--places", "--tool-rate",
            "--place-rate", "--zipf", "--synonym-rate", "--filler-rate", "--shift-rate", "--off-topic-rate");
    private static final List<String> YOUCOOK2_ONLY = List.of("--annotations", "--recipe", "--synonym-share",
            "--word-width", "--baselines", "--visibility-spread", "--fps");
    /** The options that go with --variant (it fixes every other setting). */
    private static final List<String> WITH_VARIANT = List.of("--out", "--seed", "--baselines", "--variant");

    @Override
    public Integer call() throws Exception {
        var parsed = spec.commandLine().getParseResult();
        if (variant != null) {
            BenchmarkVariant v = BenchmarkVariant.parse(variant);
            List<String> fixed = parsed.matchedOptions().stream().map(o -> o.longestName())
                    .filter(n -> !WITH_VARIANT.contains(n)).distinct().toList();
            if (!fixed.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--variant " + v.label()
                        + " fixes its own settings: leave out " + String.join(", ", fixed));
            }
            if (v.captions() == Captions.TEMPLATE) {
                if (baselines) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--baselines applies to the youcook2 renderings, not to --variant template");
                }
                return template();
            }
            return renderYouCook2(v.renderConfig(seed != null ? seed : R.seed()));
        }
        Captions captions = Captions.parse(captionsName);
        List<String> wrong = (captions == Captions.YOUCOOK2 ? TEMPLATE_ONLY : YOUCOOK2_ONLY).stream()
                .filter(parsed::hasMatchedOption).toList();
        if (!wrong.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join(", ", wrong)
                    + (wrong.size() == 1 ? " applies" : " apply") + " to --captions "
                    + (captions == Captions.YOUCOOK2 ? "template" : "youcook2")
                    + " only, not to --captions " + captions.label());
        }
        if (captions == Captions.TEMPLATE) {
            return template();
        }
        return renderYouCook2(new RenderConfig(seed != null ? seed : R.seed(), dim != null ? dim : R.dim(),
                Math.min(latentDim != null ? latentDim : R.latentDim(), dim != null ? dim : R.dim()),
                noise != null ? noise : R.noise(), background != null ? background : R.background(),
                recipe != null ? recipe : R.recipe(), synonymShare != null ? synonymShare : R.synonymShare(),
                wordWidth != null ? wordWidth : R.wordWidth(), nonlinearity != null ? nonlinearity : R.nonlinearity(),
                visibilitySpread != null ? visibilitySpread : R.visibilitySpread(), fps != null ? fps : R.fps()));
    }

    private int renderYouCook2(RenderConfig c) throws Exception {
        long t0 = System.nanoTime();
        CaptionBenchmark.Summary s = annotations == null ? CaptionBenchmark.generateTo(c, out)
                : CaptionBenchmark.generateTo(c, annotations, out);
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT,
                "wrote %d videos, %d clips (%d distinct content lemmas, %d seconds of features) to %s in %.1f s%n",
                s.videos(), s.clips(), s.lemmas(), s.frames(), out, (System.nanoTime() - t0) / 1e9);
        o.printf(Locale.ROOT, "noise %.2f: per-frame signal-to-noise %.3f (mean |content|² inside a step / noise²)%n",
                c.noise(), s.snr());
        if (c.fps() != 1) {
            o.printf("%d feature frames per second: read them with --fps %d%n", c.fps(), c.fps());
        }
        if (baselines) {
            o.flush();
            RenderedBaselines.Report r = RenderedBaselines.run(out, 0);
            o.printf(Locale.ROOT,
                    "text→video R@1 on %d validation clips: oracle %.2f, ridge %.2f, text-blind %.2f (chance %.2f)%n",
                    r.clips(), 100 * r.oracle(), 100 * r.ridge(), 100 * r.textBlind(), 100.0 / r.clips());
        }
        o.flush();
        return 0;
    }

    private int template() throws Exception {
        long seed = this.seed != null ? this.seed : D.seed();
        int dim = this.dim != null ? this.dim : D.dim();
        int latentDim = this.latentDim != null ? this.latentDim : D.latentDim();
        double noise = this.noise != null ? this.noise : D.noise();
        double nonlinearity = this.nonlinearity != null ? this.nonlinearity : D.nonlinearity();
        double background = this.background != null ? this.background : D.background();
        SynthConfig base = videos == null ? D : D.withVideos(videos);
        SynthConfig c = new SynthConfig(seed,
                trainVideos != null ? trainVideos : base.trainVideos(),
                valVideos != null ? valVideos : base.valVideos(),
                narrationVideos != null ? narrationVideos : base.narrationVideos(),
                dim, Math.min(latentDim, dim), D.minSteps(), D.maxSteps(), D.minStepSeconds(), D.maxStepSeconds(),
                idleFraction, noise, background, verbs, objects, attributes, amounts, tools, places, zipf,
                D.videoIngredients(), D.ingredientReuse(), toolRate, placeRate, synonymRate, fillerRate, shiftRate,
                offTopicRate, D.jitterSeconds(), nonlinearity, interaction);
        long t0 = System.nanoTime();
        SynthData data = SyntheticBenchmark.generateTo(c, out);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        spec.commandLine().getOut().printf("wrote %d videos, %d clips to %s in %.1f s%n", data.videos().size(),
                data.clipCount(), out, ms / 1000.0);
        for (Split s : new Split[] {Split.TRAIN, Split.VALIDATION, Split.NARRATION}) {
            var vs = data.videos(s);
            spec.commandLine().getOut().printf("  %-10s %5d videos %6d clips%n", s.name().toLowerCase(), vs.size(),
                    vs.stream().mapToInt(v -> v.captions().size()).sum());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
