package io.github.taco.cli;

import io.github.taco.data.Split;
import io.github.taco.data.synth.SynthConfig;
import io.github.taco.data.synth.SynthData;
import io.github.taco.data.synth.SyntheticBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco synth}: writes the synthetic benchmark. */
@Command(name = "synth", header = "Write the built-in synthetic benchmark (YouCook2 layout + .npy features).", mixinStandardHelpOptions = true,
        description = {"Write the synthetic cooking benchmark in the YouCook2 layout: youcookii_annotations_trainval.json "
            + "(subsets training, validation = test, narration = noisy pretraining), features/<video>.npy (float32, 1 fps) "
            + "and synth_truth.json (each video's ordered steps with their latent concepts).",
            "",
            "Read it with: taco data check --dataset youcook2 --annotations DIR \\",
            "                --features DIR/features"})
final class SynthCommand implements Callable<Integer> {
    private static final SynthConfig D = SynthConfig.defaults();

    @Option(names = "--out", required = true, description = "Output folder (created if needed).")
    Path out;

    @Option(names = "--videos", description = "Total videos, split 65%% training / 15%% validation / 20%% narration "
            + "(default: 1100 / 250 / 350 = 1700 videos, about 10k clips).")
    Integer videos;

    @Option(names = "--train-videos", description = "Training videos (overrides the --videos share).")
    Integer trainVideos;

    @Option(names = "--val-videos", description = "Validation (test) videos (overrides the --videos share).")
    Integer valVideos;

    @Option(names = "--narration-videos", description = "Noisy narration videos (overrides the --videos share).")
    Integer narrationVideos;

    @Option(names = "--seed", description = "Random seed; the same seed and options give the same files (default ${DEFAULT-VALUE}).")
    long seed = D.seed();

    @Option(names = "--dim", description = "Feature dimension D (default ${DEFAULT-VALUE}).")
    int dim = D.dim();

    @Option(names = "--latent-dim", description = "Latent dimension; >= 124 makes concept vectors orthonormal (default ${DEFAULT-VALUE}).")
    int latentDim = D.latentDim();

    @Option(names = "--noise", description = "Per-second latent noise std; concept vectors have norm 1 (default ${DEFAULT-VALUE}).")
    double noise = D.noise();

    @Option(names = "--nonlinearity", description = "Std of the tanh pre-activations; higher saturates more (default ${DEFAULT-VALUE}).")
    double nonlinearity = D.nonlinearity();

    @Option(names = "--interaction", description = "0..1: how much an object's look depends on the verb (default ${DEFAULT-VALUE}).")
    double interaction = D.interaction();

    @Option(names = "--background", description = "Norm of each video's background vector (default ${DEFAULT-VALUE}).")
    double background = D.background();

    @Option(names = "--idle-fraction", description = "Expected share of idle seconds between steps (default ${DEFAULT-VALUE}).")
    double idleFraction = D.idleFraction();

    @Option(names = "--verbs", description = "Verbs used, at most 24 (default ${DEFAULT-VALUE}).")
    int verbs = D.verbs();

    @Option(names = "--objects", description = "Objects used, at most 40 (default ${DEFAULT-VALUE}).")
    int objects = D.objects();

    @Option(names = "--attributes", description = "Attributes (visible states) used, at most 10; 1 makes every clip share one (default ${DEFAULT-VALUE}).")
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

    @Option(names = "--synonym-rate", description = "Chance a concept is named by a synonym (default ${DEFAULT-VALUE}).")
    double synonymRate = D.synonymRate();

    @Option(names = "--filler-rate", description = "Chance of fillers and decorative words in a caption (default ${DEFAULT-VALUE}).")
    double fillerRate = D.fillerRate();

    @Option(names = "--shift-rate", description = "Narration: chance a caption describes a neighbouring step (default ${DEFAULT-VALUE}).")
    double shiftRate = D.shiftRate();

    @Option(names = "--off-topic-rate", description = "Narration: chance of an off-topic sentence (default ${DEFAULT-VALUE}).")
    double offTopicRate = D.offTopicRate();

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SynthConfig base = videos == null ? D : D.withVideos(videos);
        SynthConfig c = new SynthConfig(seed,
                trainVideos != null ? trainVideos : base.trainVideos(),
                valVideos != null ? valVideos : base.valVideos(),
                narrationVideos != null ? narrationVideos : base.narrationVideos(),
                dim, Math.min(latentDim, dim), D.minSteps(), D.maxSteps(), D.minStepSeconds(), D.maxStepSeconds(), idleFraction, noise,
                background, verbs, objects, attributes, amounts, tools, places, zipf, D.videoIngredients(),
                D.ingredientReuse(), toolRate, placeRate, synonymRate, fillerRate, shiftRate, offTopicRate, D.jitterSeconds(),
                nonlinearity, interaction);
        long t0 = System.nanoTime();
        SynthData data = SyntheticBenchmark.generateTo(c, out);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        spec.commandLine().getOut().printf("wrote %d videos, %d clips to %s in %.1f s%n", data.videos().size(), data.clipCount(), out, ms / 1000.0);
        for (Split s : new Split[] {Split.TRAIN, Split.VALIDATION, Split.NARRATION}) {
            var vs = data.videos(s);
            spec.commandLine().getOut().printf("  %-10s %5d videos %6d clips%n", s.name().toLowerCase(), vs.size(),
                    vs.stream().mapToInt(v -> v.captions().size()).sum());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
