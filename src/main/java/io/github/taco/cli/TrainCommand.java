package io.github.taco.cli;

import io.github.taco.eval.CascadeCalibration;
import io.github.taco.eval.CascadeRanker;
import io.github.taco.eval.RetrievalEvaluator;
import io.github.taco.model.PretrainedText;
import io.github.taco.model.TacoConfig;
import io.github.taco.train.Preset;
import io.github.taco.train.RunConfigFile;
import io.github.taco.train.TrainOptions;
import io.github.taco.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco train}: trains a TACo model on a dataset. */
@Command(name = "train", header = "Train a TACo model on pre-extracted video features and captions.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a TACo model (docs/method.md §4, §6) on pre-extracted video features and captions. "
                + "Writes <out>/checkpoint (model, optimizer, vocabulary, training IDF), <out>/metrics.jsonl and "
                + "<out>/curves.png.",
                "",
                "Settings come from --preset, then --config (YAML with sections model:, train:, data:), then "
                        + "the flags below.",
                "",
                "Example: taco train --annotations synth/youcookii_annotations_trainval.json \\",
                "           --features synth/features --out runs/a"})
final class TrainCommand implements Callable<Integer> {
    @ArgGroup(exclusive = false, heading = "Data%n")
    DataOptions data = new DataOptions();

    @Option(names = "--out", required = true, description = "Run folder (created).")
    Path out;

    @Option(names = "--preset", description = "cpu (small model, minutes on 2 cores) or paper (BERT-base sizes, "
            + "docs/method.md §6) (default: ${DEFAULT-VALUE}).", defaultValue = "cpu")
    String preset;

    @Option(names = "--config", description = "YAML file with sections model: (config.json fields, e.g. "
            + "textHiddenSize), train: (steps, batchSize, learningRate, textLearningRate, ...) and data: (trainSplit, "
            + "validationSplit, validationClips, evalEvery).")
    Path config;

    @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE", description = "Override any key of --config's model:, "
            + "train: and data: sections, e.g. --set train.calibrationVideos=100 --set model.lambda=0.5 (repeatable). "
            + "Applied after --config; a flag named for the same key wins. Recorded as given, as a flag is.")
    List<String> overrides;

    @Option(names = "--resume", description = "Continue the run in --out from its checkpoint, exactly where it "
            + "stopped. Its model and optimisation settings are the checkpoint's: a flag or YAML key giving one of "
            + "them another value is an error naming it; only --steps, --checkpoint-every and --fusion-chunk may "
            + "change (they are logged).")
    boolean resume;

    @Option(names = "--objective", paramLabel = "preset|paper", description = "The preset's objective (default; the "
            + "cpu preset's is λ = 0, L3 detached and the cascade's weights calibrated [ours]), or the paper's "
            + "exactly: L = L1 + 0.5·L2 + L3 with every [ours] switch off and the fixed weights (docs/method.md §4). "
            + "Other flags still change single settings.", defaultValue = "preset")
    String objective;

    @Option(names = "--on-stall", paramLabel = "fail|warn", description = "When the run stops learning — every loss at "
            + "its chance value (ln K for L1 and L2, ln(K'+1) for L3) for 20 steps after the warm-up, or L1 still at "
            + "chance 80 steps after it while L2 or L3 falls — fail stops it with an error that says which loss, since "
            + "which step and what to try; warn says so and trains on. Either way metrics.jsonl and curves.png mark it "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "fail")
    String onStall;

    @Option(names = "--overwrite", description = "Replace a run already in --out (its checkpoint and metrics). Without "
            + "it, and without --resume, an --out that holds a run is refused.")
    boolean overwrite;

    @Option(names = "--init", description = "Start from this checkpoint's weights (fine-tuning, e.g. after pretraining "
            + "on a narration split).")
    Path init;

    @Option(names = "--bert", description = "Initialise the text encoder from a Hugging Face BertModel folder "
            + "(config.json + model.safetensors + vocab.txt). The text encoder takes the BERT's sizes; d, the video "
            + "encoder and the fusion keep the preset's, and a BERT wider than d is projected to d (text.proj). The "
            + "text encoder then trains at 0.2 × --lr unless --text-lr is given." + BertFolder.HELP,
            converter = BertFolder.class)
    Path bert;

    @Option(names = "--vocab",
            description = "vocab.txt or tokenizer.json (default: the BERT uncased vocabulary bundled in the jar).")
    Path vocab;

    // No picocli defaults for settings a YAML config may also give: a flag given wins over the YAML, a flag
    // not given must not (its default would silently overwrite the file's value).
    @Option(names = "--train-split", description = "Split to train on: train or narration (default: train).")
    String trainSplit;

    @Option(names = "--val-split", description = "Split for the periodic validation (default: validation).")
    String valSplit;

    @Option(names = "--val-clips", description = "Validation clips for the periodic R@1 (default: 500).")
    Integer valClips;

    @Option(names = "--eval-every", description = "Validate every N steps; 0 = never (default: 100).")
    Long evalEvery;

    // ---- optimisation (preset values unless given)
    @Option(names = "--steps", description = "Training steps.") Long steps;
    @Option(names = "--batch", description = "K, pairs per batch.") Integer batch;
    @Option(names = "--lr", description = "Peak learning rate.") Double lr;
    @Option(names = "--text-lr", description = "Peak learning rate of the text encoder (its embeddings and layers; the "
            + "projection text.proj, the video encoder and the fusion use --lr), with the same warm-up and decay. The "
            + "paper fine-tunes its pretrained BERT at 2e-5 against 1e-4 from scratch (docs/method.md §6). Default "
            + "from scratch: the preset's scratchTextRateRatio × --lr (cpu: 4 × 5e-4 = 2e-3, measured in "
            + "docs/ablation-youcook2.md; paper: --lr); with --bert: 0.2 × --lr. "
            + "0 freezes the text encoder. Kept by --resume.") Double textLr;
    @Option(names = "--warmup", description = "Linear warm-up steps.") Long warmup;
    @Option(names = "--weight-decay", description = "AdamW weight decay.") Double weightDecay;
    @Option(names = "--clip-norm", description = "Clip the global gradient norm (0: off).") Double clipNorm;
    @Option(names = "--fusion-chunk", description = "Anchors whose L3 fusion pairs are in memory at once (gradient "
            + "caching; default 0: sized automatically; the batch size or more: the whole batch). Changes memory and "
            + "speed, not the gradients.")
    Integer fusionChunk;
    @Option(names = "--seed", description = "Seed of initialisation, data order, dropout and negatives.") Long seed;
    @Option(names = "--checkpoint-every", description = "Write the checkpoint every N steps.") Long checkpointEvery;

    // ---- method (docs/method.md §2-§4)
    @Option(names = "--losses",
            description = "Losses of the objective: L1, L3, L1+L3, L1+L2+L3 (default: L1+L2+L3).") String losses;
    @Option(names = "--negatives", description = "L3 negatives: cascade, random or full.") String negatives;
    @Option(names = "--kprime", description = "K', hard negatives per anchor in L3.") Integer kPrime;
    @Option(names = "--tag-set",
            description = "Tokens of interest: none, noun, verb, noun+verb, det+adp, all.") String tagSet;
    @Option(names = "--similarity", description = "dot (the paper) or cosine (with --temperature).") String similarity;
    @Option(names = "--temperature", description = "τ for cosine similarity.") Double temperature;
    @Option(names = "--lambda", description = "λ, weight of L2: 0.5 in the paper; 0 in the cpu preset [ours], where L2 "
            + "cost the encoders at low SNR (docs/benchmark-family.md).") Double lambda;
    @Option(names = "--l1-video-to-text", description = "Add the video→text direction to L1.") Boolean l1VideoToText;
    @Option(names = "--l3-detached", arity = "0..1", paramLabel = "true|false", description = "[ours] L3 trains the "
            + "fusion only (its gradient does not reach the text and video encoders); on in the cpu preset, off with "
            + "--l3-detached=false or --objective paper. The paper trains all modules jointly; on the benchmark "
            + "family's low-SNR members the joint objective fell far below L1 and this did not "
            + "(docs/benchmark-family.md).") Boolean l3Detached;
    @Option(names = "--calibration-videos", paramLabel = "N", description = "[ours] Hold N training videos out of "
            + "training and, after it, choose the cascade's weights of s2 and s3 on their captions (written into the "
            + "checkpoint; docs/method.md §5). At most 10 %% of the training videos, none when that is fewer than 10. "
            + "The cpu preset holds 100 out, and keeps s1 alone unless a weight pair beats it there by a paired z "
            + "of 2.8 (train.calibrationGuard); 0 (the paper preset, --objective paper): the fixed "
            + "s1 + 0.5·s2 + s3.") Integer calibrationVideos;

    // ---- sizes
    @Option(names = "--hidden", description = "d.") Integer hidden;
    @Option(names = "--heads", description = "Attention heads.") Integer heads;
    @Option(names = "--text-layers") Integer textLayers;
    @Option(names = "--video-layers") Integer videoLayers;
    @Option(names = "--fusion-layers") Integer fusionLayers;
    @Option(names = "--max-frames", description = "Frames per clip (48; 256 for ActivityNet).") Integer maxFrames;
    @Option(names = "--max-tokens", description = "Tokens per caption (30; 256 for ActivityNet).") Integer maxTokens;
    @Option(names = "--dropout") Double dropout;

    /**
     * Every flag that sets a run-config key, as {@code taco train --config}'s YAML and {@code --set} name it: a
     * flag given is that key's override, parsed, validated and recorded as given (a resume may not change it)
     * in one place, {@link RunConfigFile#applyOverrides}. The other flags are the command's own
     * ({@link #COMMAND_ONLY}).
     */
    static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("--train-split", "data.trainSplit"), Map.entry("--val-split", "data.validationSplit"),
            Map.entry("--val-clips", "data.validationClips"), Map.entry("--eval-every", "data.evalEvery"),
            Map.entry("--steps", "train.steps"), Map.entry("--batch", "train.batchSize"),
            Map.entry("--lr", "train.learningRate"),
            Map.entry("--text-lr", "train.textLearningRate"), Map.entry("--warmup", "train.warmupSteps"),
            Map.entry("--weight-decay", "train.weightDecay"), Map.entry("--clip-norm", "train.clipNorm"),
            Map.entry("--fusion-chunk", "train.fusionChunk"), Map.entry("--seed", "train.seed"),
            Map.entry("--checkpoint-every", "train.checkpointEvery"),
            Map.entry("--negatives", "model.negatives"), Map.entry("--kprime", "model.kPrime"),
            Map.entry("--tag-set", "model.tagSet"), Map.entry("--similarity", "model.similarity"),
            Map.entry("--temperature", "model.temperature"),
            Map.entry("--lambda", "model.lambda"), Map.entry("--l1-video-to-text", "model.l1VideoToText"),
            Map.entry("--l3-detached", "model.l3Detached"), Map.entry("--hidden", "model.hiddenSize"),
            Map.entry("--heads", "model.numAttentionHeads"), Map.entry("--text-layers", "model.textLayers"),
            Map.entry("--video-layers", "model.videoLayers"), Map.entry("--fusion-layers", "model.fusionLayers"),
            Map.entry("--max-frames", "model.maxFrames"), Map.entry("--max-tokens", "model.maxTokens"),
            Map.entry("--dropout", "model.dropout"), Map.entry("--calibration-videos", "train.calibrationVideos"));

    /** Flags of the command itself, not run-config keys (--losses sets three: model.useL1, useL2, useL3). */
    static final List<String> COMMAND_ONLY = List.of("--annotations", "--features", "--dataset", "--fps",
            "--on-missing", "--out", "--preset", "--config", "--set", "--resume", "--objective", "--on-stall",
            "--overwrite", "--init", "--bert", "--vocab", "--losses", "--help", "--version");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    /** Each flag given, as the override of its key ({@link #KEYS}), in the order the options are declared. */
    private void applyFlags(TrainingRun.Spec spec) {
        for (CommandLine.Model.OptionSpec option : commandSpec.options()) {
            String key = KEYS.get(option.longestName());
            if (key == null || option.getValue() == null) {
                continue;
            }
            String flag = option.longestName() + " " + option.getValue();
            try {
                RunConfigFile.applyOverrides(spec, List.of(key + "=" + option.getValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flag + ": " + e.getMessage().replaceFirst("^--set [^:]*: ", ""), e);
            }
        }
        if (losses != null) {
            spec.model.losses(losses);
            spec.given.addAll(List.of("model.useL1", "model.useL2", "model.useL3"));
        }
    }

    @Override
    public Integer call() throws IOException {
        TrainingRun.Spec spec = spec();
        TrainingRun.Result r = TrainingRun.run(spec);
        if (r.stepsTrained() == 0) {
            System.out.printf(Locale.ROOT,
                    "nothing to train: the checkpoint %s is already at step %d of %d (give --steps N to train on)%n",
                    r.checkpoint(), r.steps(), spec.train.steps);
        } else {
            System.out.printf(Locale.ROOT, "trained %d steps%s in %.0f s; last loss %.4f; checkpoint %s%n",
                    r.stepsTrained(), r.stepsTrained() == r.steps() ? ""
                            : " (steps " + (r.steps() - r.stepsTrained() + 1) + "–" + r.steps() + ", resumed)",
                    r.seconds(), r.last().loss(), r.checkpoint());
        }
        if (r.validation() != null) {
            System.out.println("validation: " + r.validation());
        }
        if (r.calibration() != null) {
            System.out.println(r.calibration().summary());
        }
        return 0;
    }

    TrainingRun.Spec spec() throws IOException {
        TrainingRun.Spec spec = new TrainingRun.Spec();
        spec.model = Preset.parse(preset).model(0);
        spec.train = Preset.parse(preset).train();
        spec.evalEvery = 100;
        if (Objectives.paper(objective)) {
            spec.train.usePaperObjective(spec.model);
            spec.given.addAll(Objectives.KEYS);
        }
        if (config != null) {
            RunConfigFile.apply(spec, config);
        }
        if (overrides != null) {
            RunConfigFile.applyOverrides(spec, overrides);
        }
        spec.dataset = data.dataset;
        spec.annotations = data.annotations;
        spec.features = data.features;
        spec.fps = data.fps;
        if (data.onMissing != null) spec.onMissing = data.missingPolicy();
        spec.outDir = out;
        spec.resume = resume;
        spec.overwrite = overwrite;
        spec.onStall = TrainingRun.OnStall.parse(onStall);
        spec.init = init;
        spec.vocabulary = vocab;
        spec.validator = RetrievalEvaluator.validator();
        spec.calibrator = CascadeCalibration.calibrator(spec, CascadeRanker.DEFAULT_TOP_R);
        if (bert != null) {
            spec.model = PretrainedText.sizes(bert, spec.model);
            spec.bert = bert;
            if (vocab == null) spec.vocabulary = PretrainedText.vocabulary(bert);
        }
        applyFlags(spec);
        TacoConfig m = spec.model;
        TrainOptions o = spec.train;
        TacoConfig.checkTemperatureApplies(temperature, m.similarity);
        o.validate();
        return spec;
    }
}
