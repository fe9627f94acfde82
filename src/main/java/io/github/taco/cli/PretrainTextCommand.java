package io.github.taco.cli;

import io.github.taco.data.Split;
import io.github.taco.model.TacoConfig;
import io.github.taco.train.Preset;
import io.github.taco.train.TextPretraining;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco pretrain-text}: masked-LM pre-training of a text encoder on a dataset's captions. */
@Command(name = "pretrain-text", header = "Pre-train a text encoder (masked LM) on captions, for --bert.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Pre-trains a BERT-style text encoder with the masked-language-model objective on the captions "
                + "of a dataset's training split and writes a Hugging Face BERT folder (config.json, "
                + "model.safetensors, vocab.txt) that 'taco train --bert DIR' and 'taco ablate --bert DIR' start from.",
                "",
                "The paper fine-tunes a pretrained BERT-base; its token vectors still say which word they are, which "
                + "the token-level loss relies on. Use this when no pretrained BERT of the wanted size is at hand "
                + "(offline, or the cpu preset's small encoder). It learns only from your captions: it is not BERT's "
                + "pretraining on a large corpus.",
                "",
                "Prints the masked-token loss and accuracy on held-out captions before and after.",
                "",
                "Example:",
                "  taco pretrain-text --out runs/text-mlm \\",
                "    --annotations synth/youcookii_annotations_trainval.json",
                "  taco ablate --bert runs/text-mlm --out runs/ablate-mlm"})
final class PretrainTextCommand implements Callable<Integer> {
    private static final TextPretraining.Spec D = new TextPretraining.Spec();

    @Option(names = "--dataset", description = "youcook2 (also the synthetic benchmark), msrvtt, activitynet, "
            + "howto100m or univl (UniVL's caption pickle with its split CSVs beside it) (default: ${DEFAULT-VALUE}).",
            defaultValue = "youcook2")
    String dataset;

    @Option(names = "--annotations", required = true,
            description = "Annotation file or folder in the dataset's public layout (docs/method.md §8).")
    Path annotations;

    @Option(names = "--out", required = true, description = "Output folder for the BERT checkpoint (created).")
    Path out;

    @Option(names = "--splits", split = ",",
            description = "Splits whose captions are trained on, e.g. train,narration (default: train).")
    List<String> splits = new ArrayList<>(List.of("train"));

    @Option(names = "--held-out",
            description = "Split for the held-out masked-token accuracy, or 'none' (default: validation).")
    String heldOut = "validation";

    @Option(names = "--vocab",
            description = "vocab.txt or tokenizer.json (default: the BERT uncased vocabulary bundled in the jar).")
    Path vocab;

    @Option(names = "--preset", description = "Text-encoder sizes of this preset: cpu (d=128, 4 layers) or paper "
            + "(BERT-base) (default: ${DEFAULT-VALUE}).", defaultValue = "cpu")
    String preset;

    @Option(names = "--layers", description = "Text layers (default: the preset's).")
    Integer layers;

    @Option(names = "--steps", description = "Training steps (default: ${DEFAULT-VALUE}).")
    long steps = D.train.steps;

    @Option(names = "--batch", description = "Captions per batch (default: ${DEFAULT-VALUE}).")
    int batch = D.train.batchSize;

    @Option(names = "--lr",
            description = "Peak learning rate, after a linear warm-up, then linear decay (default: ${DEFAULT-VALUE}).")
    double lr = D.train.learningRate;

    @Option(names = "--warmup", description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
    long warmup = D.train.warmupSteps;

    @Option(names = "--mask-rate", description = "Share of word pieces predicted (default: ${DEFAULT-VALUE}).")
    double maskRate = D.maskRate;

    @Option(names = "--seed", description = "Seed of initialisation, batches and masks (default: ${DEFAULT-VALUE}).")
    long seed = D.train.seed;

    @Override
    public Integer call() throws Exception {
        TextPretraining.Spec spec = new TextPretraining.Spec();
        spec.dataset = dataset.toLowerCase(Locale.ROOT);
        spec.annotations = annotations;
        spec.outDir = out;
        spec.splits = splits.stream().map(Split::parse).toList();
        spec.heldOutSplit = heldOut.equalsIgnoreCase("none") ? null : Split.parse(heldOut);
        spec.vocabulary = vocab;
        TacoConfig model = Preset.parse(preset).model(1);
        if (layers != null) {
            model.textLayers = layers;
        }
        spec.model = model;
        spec.train.steps = steps;
        spec.train.batchSize = batch;
        spec.train.learningRate = lr;
        spec.train.warmupSteps = warmup;
        spec.maskRate = maskRate;
        spec.train.seed = seed;
        TextPretraining.Result r = TextPretraining.run(spec);
        System.out.printf(Locale.ROOT, "masked-LM pre-training: %d captions, %d steps in %.0f s, last loss %.3f%n",
                r.captions(), r.steps(), r.seconds(), r.lastLoss());
        if (r.before() != null) {
            System.out.printf(Locale.ROOT,
                    "held-out (%d masked pieces): loss %.3f -> %.3f, accuracy %.1f%% -> %.1f%%%n",
                    r.after().maskedTokens(), r.before().loss(), r.after().loss(), 100 * r.before().accuracy(),
                    100 * r.after().accuracy());
        }
        System.out.println("wrote " + r.folder() + " (use it with --bert)");
        return 0;
    }
}
