package io.github.taco.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.taco.data.Batch;
import io.github.taco.data.BatchBuilder;
import io.github.taco.data.CalibrationVideos;
import io.github.taco.data.CheckReport;
import io.github.taco.data.Clip;
import io.github.taco.data.DataLoaders;
import io.github.taco.data.Dataset;
import io.github.taco.data.DatasetChecker;
import io.github.taco.data.Datasets;
import io.github.taco.data.LoaderConfig;
import io.github.taco.data.MissingPolicy;
import io.github.taco.data.PrefetchLoader;
import io.github.taco.data.Split;
import io.github.taco.features.CachedFeatureStore;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.io.EnumNames;
import io.github.taco.model.Checkpoint;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.text.CaptionEncoder;
import io.github.taco.text.EncodedText;
import io.github.taco.text.Idf;
import io.github.taco.text.TextPipeline;
import io.github.taco.text.WordPieceTokenizer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole training run (docs/method.md §6): data, text pipeline with the training IDF, model, the loop with
 * periodic validation and atomic checkpoints, metrics as JSONL and a PNG of the curves.
 *
 * <p>The run folder holds {@code checkpoint/} (the latest complete checkpoint: model, optimizer,
 * step, vocabulary, IDF), {@code metrics.jsonl} and {@code curves.png}.
 */
public final class TrainingRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String CHECKPOINT_DIR = "checkpoint";
    public static final String DATA_FILE = "data.json";

    /** What to train on and where to write; see {@code taco train --help} for each field. */
    public static final class Spec {
        public String dataset = "youcook2";
        public Path annotations;
        public Path features;
        public double fps = 1.0;
        public Split trainSplit = Split.TRAIN;
        public Split validationSplit = Split.VALIDATION;
        /** Validation clips used for the periodic R@1 (the first N of the split); 0 turns it off. */
        public int validationClips = 500;
        public long evalEvery = 0;
        public Path vocabulary;
        public Path outDir;
        /** Fine-tune from this checkpoint's weights (a fresh optimizer and schedule). */
        public Path init;
        /**
         * Initialise the text encoder from this Hugging Face BertModel folder (fresh models only). Unless
         * {@code train.textLearningRate} is set, the text encoder then trains at
         * {@link TrainOptions#PRETRAINED_TEXT_RATE_RATIO} × the learning rate (docs/method.md §6).
         */
        public Path bert;
        /**
         * Continue the run in {@link #outDir} from its checkpoint. Its {@link #model} and {@link #train}
         * settings are then the checkpoint's; of the {@link #given} ones, a different value is refused
         * except for the steps, the checkpoint interval and the fusion chunk, which are applied.
         */
        public boolean resume;
        /**
         * Load every feature file the run reads before step 1 (in parallel, into the feature cache) and
         * report every unusable or missing one at once, instead of failing at the batch that needs it.
         */
        public boolean preflight = true;
        /**
         * Replace a run already in {@link #outDir} (without it, and without {@link #resume}, such a folder is refused).
         */
        public boolean overwrite;
        /**
         * The settings the user gave ("model.hiddenSize", "train.batchSize", ...: flags and YAML keys),
         * checked against the checkpoint on {@link #resume} ({@link ResumeCheck}).
         */
        public Set<String> given = new TreeSet<>();
        public MissingPolicy onMissing = MissingPolicy.FAIL;
        public long logEvery = 10;
        /** What to do when the run stops learning ({@link StallDetector}): stop (default) or warn and go on. */
        public OnStall onStall = OnStall.FAIL;
        public long featureCacheBytes = 2L << 30;
        public TacoConfig model = TacoConfig.cpu(0);
        public TrainOptions train = new TrainOptions();
        /** Computes the validation metrics every {@link #evalEvery} steps (null: no validation). */
        public Validator validator;
        /**
         * Chooses the cascade's weights on the videos held out by {@code train.calibrationVideos} once the checkpoint
         * is written (null: the configured weights stay). {@code eval.CascadeCalibration.calibrator} gives one.
         */
        public CascadeCalibrator calibrator;
    }

    /** The outcome: last step's losses and the final validation report (null when validation is off). */
    /**
     * @param steps        the step the run ended at (the checkpoint's step)
     * @param stepsTrained steps trained by this call (fewer than {@code steps} after a resume; 0 when the
     *                     checkpoint was already at the end)
     */
    /**
     * @param stall       the stall the run showed and went on after ({@link Spec#onStall} WARN), or null
     * @param calibration the cascade's weights chosen by {@link Spec#calibrator} in this call, or null
     */
    public record Result(long steps, long stepsTrained, Trainer.StepResult last, Map<String, Double> validation,
            Path checkpoint, double seconds, DataFindings data, StallDetector.Stall stall,
            CascadeCalibrator.Outcome calibration) {}

    /** What a run does when {@link StallDetector} finds it has stopped learning. */
    public enum OnStall {
        /** Stop with an error naming the stall (the default): a broken run should not train on for hours. */
        FAIL,
        /** Say so in the log, metrics.jsonl and the curves, and go on (for experiments that count stalls). */
        WARN;

        /** fail or warn (any case); anything else is an error naming them. */
        public static OnStall parse(String s) {
            return EnumNames.parse(OnStall.class, s, "--on-stall");
        }
    }

    /** Thrown when a run stalls and {@link Spec#onStall} is FAIL; metrics.jsonl and curves.png record the stall. */
    public static final class StalledException extends IOException {
        public final StallDetector.Stall stall;

        StalledException(StallDetector.Stall stall, String message) {
            super(message);
            this.stall = stall;
        }
    }

    /**
     * What the run found in its data (also in the log, metrics.jsonl's header and data.json): captions
     * cut to maxTokens, segments repaired and clips left out by the pre-flight check.
     */
    public record DataFindings(int captionsCut, long segmentRepairs, int clipsLeftOut) {}

    private TrainingRun() {}

    public static Result run(Spec spec) throws IOException {
        long t0 = System.nanoTime();
        Path ckpt = prepareOutput(spec);
        Dataset dataset = Datasets.read(spec.dataset, spec.annotations);
        List<Clip> train = dataset.clips(spec.trainSplit);
        List<Clip> validation = dataset.clips(spec.validationSplit);
        if (train.size() < spec.train.batchSize) {
            throw new IllegalArgumentException(spec.annotations + ": split " + spec.trainSplit + " has " + train.size()
                    + " clips, fewer than the batch size " + spec.train.batchSize);
        }
        LOG.info("{}: {} training clips ({}), {} validation clips ({})", spec.dataset, train.size(), spec.trainSplit,
                validation.size(), spec.validationSplit);

        // The vocabulary and IDF travel with the checkpoint, so evaluation and search tokenize and weigh like training.
        Path vocab = spec.resume ? vocabularyIn(ckpt)
                : spec.init != null && vocabularyIn(spec.init) != null && spec.vocabulary == null
                        ? vocabularyIn(spec.init)
                : spec.vocabulary != null ? spec.vocabulary : TextPipeline.defaultVocabulary();
        try (FeatureStore raw = FeatureStores.open(spec.features, spec.fps);
                FeatureStore store = new CachedFeatureStore(raw, spec.featureCacheBytes);
                TextPipeline plain = TextPipeline.builder().tokenizer(vocab).maxLength(spec.model.maxTokens)
                        .tagSet(spec.model.tagSet).build()) {
            UsableClips usable = usableClips(spec, train, validation, dataset, store);
            train = usable.train();
            validation = usable.validation();
            CheckReport check = usable.check();
            Set<String> leftOut = usable.leftOut();
            Idf idf = spec.resume ? Idf.load(ckpt.resolve(Checkpoint.IDF_FILE)) : plain.fitIdf(allTexts(train));
            Path idfFile = spec.outDir.resolve(Checkpoint.IDF_FILE);
            idf.save(idfFile);
            try (TextPipeline text = TextPipeline.builder().tokenizer(vocab).maxLength(spec.model.maxTokens)
                    .tagSet(spec.model.tagSet).idf(idf).build();
                    NDManager root = NDManager.newBaseManager(Engine.getInstance().defaultDevice())) {
                // Every caption is encoded up front (all cores, disk cache): the loader thread then does
                // no native calls while the engine trains. Tokenizer calls on the loader thread during
                // training coincided with corrupted gradients (measured, one intra-op thread): their garbage made GCs
                // more frequent, and a GC freed DJL's scalar constants (docs/gradient-corruption.md, fixed by Scalars).
                // the held-out videos' captions too when they rejoin training (train.calibrationRefit)
                Precomputed captions = precomputed(text, refits(spec) ? concat(train, usable.heldOut()) : train,
                        validation, spec);
                CaptionEncoder encoder = captions.encoder();
                DataFindings found = new DataFindings(captions.cut(), check == null ? 0 : check.segmentRepairs(),
                        leftOut.size());
                Trainer trainer = createTrainer(spec, ckpt, store.dim(), text, root);
                try {
                    return loop(spec, found, trainer, train, usable.heldOut(), validation, store, encoder, ckpt,
                            Map.of(WordPieceTokenizer.nameInFolder(vocab.getFileName().toString()), vocab,
                                    Checkpoint.IDF_FILE, idfFile), t0);
                } finally {
                    trainer.model().close();
                    trainer.close();
                }
            }
        }
    }

    /**
     * Setup, first step: the run's folder. A fresh run refuses a folder that holds one (unless --overwrite);
     * --resume takes the checkpoint's settings (with the changes ResumeCheck allows).
     *
     * @return the checkpoint folder
     */
    private static Path prepareOutput(Spec spec) throws IOException {
        if (Files.exists(spec.outDir) && !Files.isDirectory(spec.outDir)) {
            throw new IOException("--out " + spec.outDir + " is a file; give a folder (it is created when missing)");
        }
        Path ckpt = spec.outDir.resolve(CHECKPOINT_DIR);
        Path metrics = spec.outDir.resolve("metrics.jsonl");
        if (spec.resume) {
            if (!Files.isDirectory(ckpt)) {
                throw new IOException("--resume: no checkpoint yet in " + spec.outDir + "; start without --resume");
            }
            ResumeCheck.check(ckpt, spec).forEach(change -> LOG.info("--resume: {}", change));
            // from here on the run's settings are the checkpoint's (with the changes allowed above)
            spec.model = TacoConfig.read(ckpt.resolve(TacoModel.CONFIG_FILE));
            spec.train = ResumeCheck.resumedOptions(ckpt, spec);
        } else if (Files.isDirectory(ckpt) || Files.exists(metrics)) {
            if (!spec.overwrite) {
                throw new IOException(spec.outDir + " already holds a training run ("
                        + (Files.isDirectory(ckpt) ? CHECKPOINT_DIR + "/" : "metrics.jsonl")
                        + "); continue it with --resume, or replace it with --overwrite");
            }
            LOG.info("--overwrite: replacing the run in {}", spec.outDir);
            IOUtils.rm(ckpt);
            Files.deleteIfExists(metrics);
        }
        Files.createDirectories(spec.outDir);
        return ckpt;
    }

    /** What setup keeps of the splits: the clips that train and validate, and what the pre-flight check found. */
    private record UsableClips(List<Clip> train, List<Clip> heldOut, List<Clip> validation, CheckReport check,
            Set<String> leftOut) {}

    /**
     * Setup, second step: the pre-flight check of every feature file the run reads, the clips it leaves out
     * (--on-missing skip), and the videos held out for the cascade's calibration
     * ({@link TrainOptions#calibrationVideos}).
     */
    private static UsableClips usableClips(Spec spec, List<Clip> train, List<Clip> validation, Dataset dataset,
            FeatureStore store) throws IOException {
        CheckReport check = preflight(spec, dataset, store);
        Set<String> leftOut = check == null ? Set.of() : check.leftOut();
        if (!leftOut.isEmpty()) {
            train = new ArrayList<>(train);
            validation = new ArrayList<>(validation);
            train.removeIf(c -> leftOut.contains(c.clipId()));
            validation.removeIf(c -> leftOut.contains(c.clipId()));
            LOG.warn("--on-missing skip: {} clips left out (no caption, or a segment after the features end)",
                    leftOut.size());
        }
        List<Clip> heldOut = List.of();
        if (spec.train.calibrationVideos > 0 && !spec.model.useL3) {
            LOG.info("train.calibrationVideos ignored: without L3 there is no cascade to calibrate, so no "
                    + "video is held out");
        } else if (spec.train.calibrationVideos > 0) {
            // chosen from the split as annotated, before the pre-flight check left clips out: the calibration after
            // training finds the same videos from the annotations alone
            List<Clip> annotated = dataset.clips(spec.trainSplit);
            Set<String> held = CalibrationVideos.choose(annotated, spec.train.calibrationVideos);
            train = new ArrayList<>(train);
            int before = train.size();
            heldOut = train.stream().filter(c -> held.contains(c.videoId())).toList();
            train.removeIf(c -> held.contains(c.videoId()));
            if (held.isEmpty()) {
                LOG.warn("train.calibrationVideos {}: the training split has {} videos; at most {} % of them may be "
                        + "held out and at least {} are needed to choose the cascade's weights, so none is held out "
                        + "and the cascade keeps s1 + {}·s2 + {}·s3", spec.train.calibrationVideos,
                        annotated.stream().map(Clip::videoId).distinct().count(),
                        Math.round(CalibrationVideos.MAX_SHARE * 100), CalibrationVideos.MIN_VIDEOS,
                        plain(spec.model.weightS2), plain(spec.model.weightS3));
            } else {
                LOG.info("train.calibrationVideos: {} training videos ({} clips) held out for the cascade's weights",
                        held.size(), before - train.size());
            }
            if (train.size() < spec.train.batchSize) {
                throw new IllegalArgumentException("train.calibrationVideos " + spec.train.calibrationVideos
                        + " leaves " + train.size() + " training clips, fewer than the batch size "
                        + spec.train.batchSize);
            }
        }
        return new UsableClips(train, heldOut, validation, check, leftOut);
    }

    private static Trainer createTrainer(Spec spec, Path ckpt, int featureDim, TextPipeline text,
            NDManager root) throws IOException {
        if (spec.resume) {
            if (!Files.isDirectory(ckpt)) {
                throw new IOException("--resume: no checkpoint in " + ckpt);
            }
            Trainer t = Trainer.resume(ckpt, root, spec.train);
            LOG.info("resuming {} at step {}", ckpt, t.step());
            return t;
        }
        TacoModel model;
        if (spec.init != null) {
            model = TacoModel.load(spec.init, root);
            if (model.config().featureDim != featureDim) {
                model.close();
                throw new IOException(spec.init + " was trained on " + model.config().featureDim + "-d features, "
                        + spec.features + " has " + featureDim);
            }
            LOG.info("fine-tuning from {}", spec.init);
        } else {
            TacoConfig c = spec.model.copy();
            c.featureDim = featureDim;
            c.vocabSize = text.tokenizer().vocabularySize();
            model = new TacoModel(c, root, spec.train.seed);
            if (spec.bert != null) {
                model.loadPretrainedText(spec.bert);
                LOG.info("text encoder initialised from {}", spec.bert);
            }
        }
        TacoConfig mc = model.config();
        LOG.info("model: {} parameters, d={}{}, layers text/video/fusion {}/{}/{}", model.weights().parameterCount(),
                mc.hiddenSize, mc.textProjected() ? " (text encoder " + mc.textWidth() + " wide, projected to d)" : "",
                mc.textLayers, mc.videoLayers, mc.fusionLayers);
        TrainOptions options = trainOptions(spec);
        List<String> departures = options.objectiveDepartures(mc);
        LOG.info("objective: {}{}", mc.lossesName(), departures.isEmpty() ? ", the paper's"
                : ", departing from the paper's by " + String.join(", ", departures)
                        + " (docs/method.md §4; --objective paper for the paper's)");
        if (mc.useL2 && mc.lambda == 0 && mc.useL3) {
            LOG.info("λ = 0: L2 is logged but trains nothing; s2 joins the cascade with its calibrated (or configured) "
                    + "weight (--lambda 0.5 trains it, as the paper does)");
        } else if (mc.useL2 && mc.lambda == 0) {
            // L1+L2 under the cpu preset: what a user asking for L2 does not expect
            LOG.warn("λ = 0 (the cpu preset's) and no L3: L2 trains nothing, so this run trains L1 alone; "
                    + "--lambda 0.5 trains L2, as the paper does");
        }
        if (options.textRateScale() != 1.0) {
            LOG.info("text encoder learning rate {} (main {})", options.effectiveTextLearningRate(),
                    options.learningRate);
        }
        return new Trainer(model, options);
    }

    /**
     * The options a fresh run trains with: the spec's, and with a pretrained text encoder ({@link Spec#bert})
     * and no text rate of its own, the text encoder at {@link TrainOptions#PRETRAINED_TEXT_RATE_RATIO} × the
     * learning rate — the paper fine-tunes its BERT at 2e-5 where it trains from scratch at 1e-4
     * (docs/method.md §6). Saved with the checkpoint, so {@code --resume} keeps it.
     */
    public static TrainOptions trainOptions(Spec spec) {
        TrainOptions o = spec.train.copy();
        if (spec.bert != null && spec.init == null && o.textLearningRate == null) {
            o.textLearningRate = o.learningRate * TrainOptions.PRETRAINED_TEXT_RATE_RATIO;
        }
        return o;
    }

    private static Result loop(Spec spec, DataFindings found, Trainer trainer, List<Clip> train, List<Clip> heldOut,
            List<Clip> validation, FeatureStore store, CaptionEncoder text, Path ckpt, Map<String, Path> savedFiles,
            long t0) throws IOException {
        TacoConfig c = trainer.model().config();
        LoaderConfig lc = new LoaderConfig(spec.train.batchSize, c.maxFrames, c.maxTokens, spec.train.seed, 0, true,
                true, 4, spec.onMissing);
        List<Batch> valBatches = validationBatches(spec, validation, store, text, c);
        long start = trainer.step();
        Trainer.StepResult last = null;
        StallDetector detector = new StallDetector(c, spec.train);
        StallDetector.Stall stall = null;
        long l3Gate = trainer.l3From();
        long l2Gate = trainer.l2From();
        Map<String, Double> report = null;
        Map<String, Path> extras = new LinkedHashMap<>(savedFiles);
        carryCalibration(ckpt, extras); // a resumed run keeps what an earlier calibration wrote
        // train.calibrationRefit: the step after which the held-out videos rejoin training (-1: never)
        long refitAt = refits(spec) && spec.calibrator != null && !heldOut.isEmpty()
                ? Math.max(1, spec.train.steps - Math.round(spec.train.calibrationRefit * spec.train.steps)) : -1;
        CascadeCalibrator.Outcome calibration = null;
        boolean calibrated = refitAt >= 0 && start >= refitAt; // resumed after it: the checkpoint holds the weights
        List<Clip> all = refitAt >= 0 ? concat(train, heldOut) : train;
        PrefetchLoader batches = null;
        // gradient norms between two log lines: a single step's norm is too noisy to read, and the
        // share of clipped steps tells whether --clip-norm is shrinking the updates
        double normSum = 0;
        int normSteps = 0;
        int clippedSteps = 0;
        try (MetricsLog log = new MetricsLog(spec.outDir.resolve("metrics.jsonl"), start);
                Progress progress = new Progress("train", start, spec.train.steps, spec.logEvery)) {
            batches = DataLoaders.open(calibrated ? all : train, store, text, lc, start);
            if (start == 0) { // the header: what the data check found, for whoever reads the log later
                log.write(new MetricsRecord.Header(train.size(), validation.size(), found.segmentRepairs(),
                        found.clipsLeftOut(), found.captionsCut()));
            }
            while (trainer.step() < spec.train.steps) {
                try {
                    last = trainer.train(batches.next());
                } catch (Trainer.NonFiniteLossException e) {
                    log.write(new MetricsRecord.Error(e.step, e.getMessage()));
                    throw new IOException(e.getMessage() + (Files.isDirectory(ckpt)
                            ? "; the last good checkpoint is " + ckpt : "; no checkpoint was written yet")
                            + ". Try a lower --lr or --clip-norm.", e);
                }
                long step = trainer.step();
                if (l3Gate < 0 && trainer.l3From() >= 0) {
                    l3Gate = trainer.l3From();
                    log.write(new MetricsRecord.L3Gate(step, l3Gate)); // the gate of train.l3StartAccuracy opened
                }
                if (l2Gate < 0 && trainer.l2From() >= 0) {
                    l2Gate = trainer.l2From();
                    log.write(new MetricsRecord.L2Gate(step, l2Gate));
                }
                StallDetector.Stall seen = stall == null ? detector.observe(last) : null;
                if (seen != null) {
                    stall = seen;
                    log.write(new MetricsRecord.Stall(step, seen.kind().label(), seen.since(), seen.losses(),
                            seen.describe()));
                    if (spec.onStall == OnStall.FAIL) {
                        TrainingCurves.write(log.records(), spec.outDir.resolve("curves.png"));
                        throw new StalledException(seen, "step " + step + ": " + seen.describe()
                                + " Stopped: the run would train on without learning (its metrics.jsonl and curves.png "
                                + "mark the stall; --on-stall warn trains on)"
                                + (Files.isDirectory(ckpt) ? "; the checkpoint saved before it, " + ckpt + ", is kept."
                                        : "; no checkpoint was written."));
                    }
                    LOG.warn("step {}: {} Training goes on (--on-stall warn).", step, seen.describe());
                }
                if (!last.skipped()) {
                    normSum += last.gradNorm();
                    normSteps++;
                    if (spec.train.clipNorm > 0 && last.gradNorm() > spec.train.clipNorm) {
                        clippedSteps++;
                    }
                }
                boolean evalNow = spec.validator != null && !valBatches.isEmpty() && spec.evalEvery > 0
                        && (step % spec.evalEvery == 0 || step == spec.train.steps);
                if (evalNow) {
                    report = spec.validator.validate(trainer.model(), valBatches);
                }
                if (step % spec.logEvery == 0 || evalNow || step == spec.train.steps || last.skipped()) {
                    log.write(new MetricsRecord.Step(step, last.loss(), last.l1(), last.l2(), last.l3(),
                            last.learningRate(), last.skipped() ? true : null,
                            normSteps > 0 ? normSum / normSteps : null, // mean pre-clipping norm since the last line
                            normSteps > 0 ? (double) clippedSteps / normSteps : null, // share of them clipped
                            evalNow ? report : null));
                    normSum = 0;
                    normSteps = 0;
                    clippedSteps = 0;
                }
                progress.step(step, String.format(Locale.ROOT, "loss %.3f%s", last.loss(),
                        evalNow ? " val " + summary(report) : ""));
                boolean saved = spec.train.checkpointEvery > 0 && step % spec.train.checkpointEvery == 0
                        && step < spec.train.steps;
                if (saved) {
                    trainer.save(ckpt, extras);
                    TrainingCurves.write(log.records(), spec.outDir.resolve("curves.png"));
                }
                if (step == refitAt && !calibrated) {
                    // the weights are chosen on videos the model has not seen yet; then those videos train too
                    if (!saved) {
                        trainer.save(ckpt, extras);
                    }
                    calibration = calibrate(spec, trainer, ckpt, extras);
                    calibrated = true;
                    log.write(new MetricsRecord.Calibration(step, calibration.summary(), heldOut.size()));
                    LOG.info("step {}: the {} held-out clips rejoin training for the last {} steps "
                            + "(train.calibrationRefit {})", step, heldOut.size(), spec.train.steps - step,
                            spec.train.calibrationRefit);
                    batches.close();
                    batches = DataLoaders.open(all, store, text, lc, step);
                }
            }
            trainer.save(ckpt, extras);
            Files.writeString(spec.outDir.resolve(DATA_FILE), JSON.writeValueAsString(DataInfo.of(spec, found)));
            TrainingCurves.write(log.records(), spec.outDir.resolve("curves.png"));
        } finally {
            if (batches != null) {
                batches.close();
            }
        }
        if (!calibrated && spec.calibrator != null && spec.train.calibrationVideos > 0 && spec.model.useL3
                && trainer.step() > start) {
            calibration = calibrate(spec, trainer, ckpt, extras);
        }
        return new Result(trainer.step(), trainer.step() - start, last, report, ckpt, (System.nanoTime() - t0) / 1e9,
                found, stall, calibration);
    }

    /** Whether the held-out videos rejoin training at the end ({@link TrainOptions#calibrationRefit}). */
    private static boolean refits(Spec spec) {
        return spec.train.calibrationRefit > 0 && spec.train.calibrationVideos > 0 && spec.model.useL3;
    }

    /** Runs the calibrator on the saved checkpoint; the model keeps its choice, so later saves write it too. */
    private static CascadeCalibrator.Outcome calibrate(Spec spec, Trainer trainer, Path ckpt, Map<String, Path> extras)
            throws IOException {
        CascadeCalibrator.Outcome outcome = spec.calibrator.calibrate(ckpt);
        trainer.model().cascadeWeights(outcome.weightS2(), outcome.weightS3());
        carryCalibration(ckpt, extras);
        return outcome;
    }

    /** Later saves copy the calibration's file from the checkpoint into the next one, before the swap. */
    private static void carryCalibration(Path ckpt, Map<String, Path> extras) {
        if (Files.isRegularFile(ckpt.resolve(CascadeCalibrator.FILE))) {
            extras.put(CascadeCalibrator.FILE, ckpt.resolve(CascadeCalibrator.FILE));
        }
    }

    private static List<Clip> concat(List<Clip> a, List<Clip> b) {
        List<Clip> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Validation clips as fixed batches (the first caption of each clip). */
    static List<Batch> validationBatches(Spec spec, List<Clip> validation, FeatureStore store, CaptionEncoder text,
            TacoConfig c) throws IOException {
        List<Batch> out = new ArrayList<>();
        if (spec.validationClips <= 0 || spec.evalEvery <= 0 || validation.size() < 2) {
            return out;
        }
        List<Clip> clips = validation.subList(0, Math.min(spec.validationClips, validation.size()));
        BatchBuilder builder = new BatchBuilder(store, text, c.maxFrames, c.maxTokens, true, spec.onMissing);
        for (int s = 0; s < clips.size(); s += 128) {
            out.add(builder.build(clips.subList(s, Math.min(clips.size(), s + 128)), new Random(0)));
        }
        return out;
    }

    /** The captions' encoder and how many captions it cut to maxTokens. */
    record Precomputed(CaptionEncoder encoder, int cut) {}

    /** All training and validation captions encoded once, looked up by text. */
    static Precomputed precomputed(TextPipeline text, List<Clip> train, List<Clip> validation, Spec spec) {
        LinkedHashSet<String> captions = new LinkedHashSet<>(allTexts(train));
        List<Clip> val = validation.subList(0, Math.min(validation.size(), Math.max(0, spec.validationClips)));
        captions.addAll(allTexts(val));
        List<String> list = new ArrayList<>(captions);
        long t = System.nanoTime();
        List<EncodedText> encoded = text.encodeAll(list);
        Map<String, EncodedText> byText = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            byText.put(list.get(i), encoded.get(i));
        }
        LOG.info("encoded {} captions in {} s", list.size(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t) / 1e9));
        // Captions longer than maxTokens are cut: say how many (those whose words alone, with [CLS] and
        // [SEP], exceed it are cut for sure; a word may take several pieces, so a few more may be).
        int cut = 0;
        String longest = null;
        int longestWords = 0;
        for (String caption : list) {
            int words = text.tokenizer().words(caption).size();
            if (words + 2 > spec.model.maxTokens) {
                cut++;
                if (words > longestWords) {
                    longestWords = words;
                    longest = caption;
                }
            }
        }
        if (cut > 0) {
            LOG.warn("{} of {} captions are longer than maxTokens={} and were cut to it (the longest has "
                    + "{} words: \"{}\")", cut, list.size(), spec.model.maxTokens, longestWords,
                    longest.length() > 80 ? longest.substring(0, 80) + "…" : longest);
        }
        CaptionEncoder encoder = caption -> {
            EncodedText e = byText.get(caption);
            if (e == null) {
                throw new IllegalStateException("caption was not pre-encoded: " + caption);
            }
            return e;
        };
        return new Precomputed(encoder, cut);
    }

    /** The tokenizer file a checkpoint folder carries, or null. */
    static Path vocabularyIn(Path dir) {
        return WordPieceTokenizer.fileIn(dir);
    }

    static List<String> allTexts(List<Clip> clips) {
        List<String> texts = new ArrayList<>();
        for (Clip c : clips) texts.addAll(c.texts());
        return texts;
    }

    /** {@code data.json}: where the run's data came from, for whoever loads the checkpoint later. */
    private record DataInfo(String dataset, String annotations, String features, double fps,
            @JsonProperty("train_split") String trainSplit,
            @JsonProperty("captions_cut_to_max_tokens") int captionsCut) {
        static DataInfo of(Spec spec, DataFindings found) {
            return new DataInfo(spec.dataset, spec.annotations.toAbsolutePath().toString(),
                    spec.features.toAbsolutePath().toString(), spec.fps, spec.trainSplit.toString(),
                    found.captionsCut());
        }
    }

    private static String summary(Map<String, Double> report) {
        StringBuilder sb = new StringBuilder();
        report.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s %.1f ", k, v)));
        return sb.toString().trim();
    }



    /**
     * The pre-flight data check ({@link Spec#preflight};
     * {@link #preflight(Dataset, FeatureStore, MissingPolicy, int)}).
     */
    private static CheckReport preflight(Spec spec, Dataset dataset, FeatureStore store) throws IOException {
        if (!spec.preflight) {
            return null;
        }
        CheckReport report = preflight(dataset.only(EnumSet.of(spec.trainSplit, spec.validationSplit)),
                store, spec.onMissing, spec.model.maxFrames);
        return report;
    }

    /**
     * Loads every feature file of {@code used} (in parallel, with a progress bar) and checks its clips
     * before any work starts. A missing video under {@code fail}, an unusable file, a blank caption or
     * a segment after the features end (under {@code fail}) stops with all of them named. Duration
     * mismatches and segment repairs are logged as warnings. Used by train and eval.
     *
     * @return the check's report; its {@code leftOut} are the clips to leave out (under {@code --on-missing skip})
     */
    public static CheckReport preflight(Dataset used, FeatureStore store, MissingPolicy onMissing, int maxFrames)
            throws IOException {
        int videos = used.videoIds().size();
        long t0 = System.nanoTime();
        CheckReport report;
        try (Progress progress = new Progress("checking features", 0, videos, Math.max(1, videos / 5))) {
            AtomicLong done = new AtomicLong();
            report = DatasetChecker.check(used, store, onMissing, maxFrames,
                    () -> progress.step(done.incrementAndGet(), ""));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info(String.format(Locale.ROOT, "checked the features of %d clips (%d videos) in %.1f s (%.0f clips/s)",
                used.clips().size(), videos, seconds, used.clips().size() / Math.max(seconds, 1e-9)));
        report.warnings().forEach(w -> LOG.warn("{}", w));
        List<String> fatal = new ArrayList<>();
        for (String p : report.problems()) {
            if (p.startsWith("duration mismatch")) {
                LOG.warn("{}", p);
            } else {
                fatal.add(p);
            }
        }
        if (!fatal.isEmpty()) {
            throw new IOException("the data have problems; nothing was trained or evaluated (see 'taco data check' for "
                    + "the whole report):\n  - " + String.join("\n  - ", fatal));
        }
        return report;
    }

    /** A weight as the tables print it: 1 and 0.5, not 1.0 and 0.50. */
    private static String plain(double w) {
        return BigDecimal.valueOf(w).stripTrailingZeros().toPlainString();
    }
}
