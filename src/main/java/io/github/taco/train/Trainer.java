package io.github.taco.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.taco.data.Batch;
import io.github.taco.io.AtomicFiles;
import io.github.taco.loss.StepTimer;
import io.github.taco.loss.TacoObjective;
import io.github.taco.model.Negatives;
import io.github.taco.model.TacoModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop's core: one optimisation step on a batch, and exact checkpoints.
 *
 * <p>Exact resume: every random choice of step s (dropout masks, random negatives, the batch)
 * is derived from (seed, s), so a run restarted from the checkpoint of step s continues with the
 * same losses as a run that never stopped.
 */
public final class Trainer implements AutoCloseable {
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Supplies the batch of a step; must be a pure function of the step for exact resume. */
    @FunctionalInterface
    public interface BatchSource {
        Batch batch(long step);
    }

    /** Losses of one step as plain numbers (NaN for a term that is switched off). */
    public record StepResult(long step, double loss, double l1, double l2, double l3, double learningRate,
            double gradNorm, boolean skipped) {}

    /** Consecutive steps with a non-finite gradient after which the run stops instead of skipping. */
    public static final int MAX_SKIPPED_STEPS = 5;

    /** Thrown when a loss is NaN or infinite; the weights are left as they were before the step. */
    public static final class NonFiniteLossException extends RuntimeException {
        public final long step;

        NonFiniteLossException(long step, String what) {
            super("training produced " + what + " at step " + step + "; the weights of step " + step
                    + " are unchanged");
            this.step = step;
        }
    }

    private final TacoModel model;
    private final TrainOptions options;
    private final TacoObjective objective;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final StepTimer timer = new StepTimer();
    private long step;
    private long skippedSteps;
    private int consecutiveSkips;
    /** The step from which L3 is on ({@link TrainOptions#l3StartAccuracy}); −1 while the gate is closed. */
    private long l3From;
    /** The step from which L2 is in L ({@link TrainOptions#l2StartAccuracy}); −1 while the gate is closed. */
    private long l2From;
    /** s1's in-batch text→video top-1 accuracy of the last steps, oldest first, while a gate is closed. */
    private final ArrayDeque<Double> recentAccuracy = new ArrayDeque<>();
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    public Trainer(TacoModel model, TrainOptions options) {
        this.model = model;
        this.options = options.validate();
        this.objective = new TacoObjective(model);
        // The text encoder proper follows the main schedule scaled to its own rate (docs/method.md §6);
        // text.proj, video and fusion take the main rate.
        double textScale = options.textRateScale();
        this.optimizer = new AdamW(model.weights(), options.beta1, options.beta2, options.eps, options.weightDecay,
                name -> TacoModel.isTextEncoderWeight(name) ? textScale : 1.0);
        this.schedule = options.schedule();
        this.l3From = options.l3StartAccuracy > 0 && model.config().useL3 ? -1 : 0;
        this.l2From = options.l2StartAccuracy > 0 && model.config().useL2 ? -1 : 0;
    }

    /**
     * The step from which L3 is in the objective, or −1 while it waits for s1 to learn
     * ({@link TrainOptions#l3StartAccuracy}).
     */
    public long l3From() {
        return l3From;
    }

    /**
     * The step from which L2 is in the objective, or −1 while it waits for s1 to learn
     * ({@link TrainOptions#l2StartAccuracy}).
     */
    public long l2From() {
        return l2From;
    }

    public long step() {
        return step;
    }

    /** Steps whose update was skipped because of a non-finite gradient. */
    public long skippedSteps() {
        return skippedSteps;
    }

    public TacoModel model() {
        return model;
    }

    public TrainOptions options() {
        return options;
    }

    public StepTimer timer() {
        return timer;
    }

    /** One step: forward, L, backward, AdamW update. */
    public StepResult train(Batch batch) {
        Engine.getInstance().setRandomSeed((int) (options.seed * 1_000_003L + step));
        Random random = new Random(options.seed * 1_000_033L + step);
        model.setTraining(true);
        try (NDManager scope = model.weights().manager().newSubManager()) {
            TacoModel.Inputs in = batch.toInputs(scope);
            TacoObjective.Terms terms;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Negatives negatives = step < options.randomNegativesSteps ? Negatives.RANDOM : objective.negatives();
                terms = objective.computeAndBackward(in, random, timer, gc, options.fusionChunk, negatives,
                        l2From >= 0, l3From >= 0);
            }
            if (l3From < 0 || l2From < 0) {
                openGatesIfLearned(terms.s1());
            }
            double loss = terms.total().getFloat();
            if (!Double.isFinite(loss)) {
                optimizer.zeroGradients();
                throw new NonFiniteLossException(step, Double.isNaN(loss) ? "a NaN loss" : "an infinite loss");
            }
            double lr = schedule.at(step);
            // A finite loss can still have a NaN gradient; one such update would ruin every weight.
            double norm = optimizer.gradientNorm();
            if (!Double.isFinite(norm)) {
                // Skip the update (as mixed-precision loss scaling does) rather than lose the run; a
                // streak of them means training has diverged.
                List<String> bad = optimizer.nonFiniteGradients();
                optimizer.zeroGradients();
                String what = "a non-finite gradient (" + (bad.isEmpty() ? "norm overflow" : bad.size()
                        + " tensors, e.g. " + bad.subList(0, Math.min(3, bad.size()))) + ")";
                if (++consecutiveSkips > MAX_SKIPPED_STEPS) {
                    throw new NonFiniteLossException(step, what + " for " + consecutiveSkips + " steps in a row");
                }
                LOG.warn("step {}: {}; update skipped", step, what);
                skippedSteps++;
                StepResult r = new StepResult(step, loss, value(terms.l1()), value(terms.l2()), value(terms.l3()), lr,
                        norm, true);
                step++;
                return r;
            }
            consecutiveSkips = 0;
            double scale = options.clipNorm > 0 && norm > options.clipNorm ? options.clipNorm / norm : 1.0;
            optimizer.step(lr, scale);
            timer.lap("optimizer");
            StepResult r = new StepResult(step, loss, value(terms.l1()), value(terms.l2()), value(terms.l3()), lr, norm,
                    false);
            step++;
            return r;
        } finally {
            model.setTraining(false);
        }
    }

    /**
     * Opens the gates of L3 and L2 once s1's in-batch top-1 accuracy (text i ranks video i first), averaged over the
     * last {@link TrainOptions#GATE_WINDOW} steps, reaches {@link TrainOptions#l3StartAccuracy} (resp.
     * {@link TrainOptions#l2StartAccuracy}); the loss then takes part from the next step on.
     */
    private void openGatesIfLearned(NDArray s1) {
        if (s1 == null) {
            return;
        }
        long k = s1.getShape().get(0);
        float[] hits = s1.argMax(1).eq(s1.getManager().arange(k).toType(DataType.INT64, false))
                .toType(DataType.FLOAT32, false).toFloatArray();
        double acc = 0;
        for (float h : hits) {
            acc += h;
        }
        recentAccuracy.addLast(acc / k);
        if (recentAccuracy.size() > TrainOptions.GATE_WINDOW) {
            recentAccuracy.removeFirst();
        }
        if (recentAccuracy.size() < TrainOptions.GATE_WINDOW) {
            return;
        }
        double mean = recentAccuracy.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        if (l3From < 0 && mean >= options.l3StartAccuracy) {
            l3From = step + 1;
            logGate(mean, "L3", options.l3StartAccuracy, l3From);
        }
        if (l2From < 0 && mean >= options.l2StartAccuracy) {
            l2From = step + 1;
            logGate(mean, "L2", options.l2StartAccuracy, l2From);
        }
        if (l3From >= 0 && l2From >= 0) {
            recentAccuracy.clear();
        }
    }

    private void logGate(double mean, String loss, double share, long from) {
        LOG.info("step {}: s1's in-batch accuracy {} over the last {} steps reached {}: {} joins the objective from "
                + "step {}", step, String.format(Locale.ROOT, "%.3f", mean), TrainOptions.GATE_WINDOW, share, loss,
                from);
    }

    private static double value(NDArray a) {
        return a == null ? Double.NaN : a.getFloat();
    }

    /**
     * Writes a complete checkpoint folder atomically: everything goes into a temporary sibling
     * folder that is then renamed over {@code dir}, so a crash never leaves a half-written one.
     *
     * @param extras further files to copy in (e.g. the vocabulary and the training IDF), by name
     */
    public void save(Path dir, Map<String, Path> extras) throws IOException {
        Path abs = dir.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = AtomicFiles.tempSibling(abs, true);
        try {
            model.save(tmp);
            optimizer.save(tmp.resolve(OPTIMIZER_FILE));
            ObjectNode state = JSON.createObjectNode();
            state.put("step", step);
            state.put("optimizer_steps", optimizer.steps());
            state.put("skipped_steps", skippedSteps);
            state.put("l3_from", l3From);
            state.put("l2_from", l2From);
            state.set("l3_gate_accuracy", JSON.valueToTree(recentAccuracy)); // the window of both gates
            state.set("options", JSON.valueToTree(options));
            AtomicFiles.writeString(tmp.resolve(STATE_FILE), JSON.writeValueAsString(state));
            for (Map.Entry<String, Path> e : extras.entrySet()) {
                Files.copy(e.getValue(), tmp.resolve(e.getKey()));
            }
            Path old = null;
            if (Files.exists(abs)) {
                old = abs.resolveSibling("." + abs.getFileName() + ".old" + System.nanoTime());
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                IOUtils.rm(old);
            }
        } finally {
            if (Files.exists(tmp)) {
                IOUtils.rm(tmp);
            }
        }
    }

    /**
     * Rebuilds model, optimizer state and step from a checkpoint folder written by {@link #save}.
     * {@code override} (may be null) replaces the saved options, e.g. to train for more steps; a text
     * learning rate it leaves unset is the saved one, so a run started with {@code --bert} (or
     * {@code --text-lr}) resumes at the text rate it started with.
     */
    public static Trainer resume(Path dir, NDManager manager, TrainOptions override) throws IOException {
        Path stateFile = dir.resolve(STATE_FILE);
        if (!Files.isRegularFile(stateFile)) {
            throw new IOException(dir + " cannot be resumed: " + STATE_FILE
                    + " is missing (is it a model-only checkpoint?)");
        }
        var state = JSON.readTree(stateFile.toFile());
        TrainOptions saved = JSON.treeToValue(state.get("options"), TrainOptions.class);
        TrainOptions options = saved;
        if (override != null) {
            options = override.copy();
            if (options.textLearningRate == null) {
                options.textLearningRate = saved.textLearningRate;
                // a checkpoint saved before the ratio existed reads 1: it resumes at the rate it trained at
                options.scratchTextRateRatio = saved.scratchTextRateRatio;
            }
        }
        TacoModel model = TacoModel.load(dir, manager);
        Trainer t = new Trainer(model, options);
        t.step = state.get("step").asLong();
        t.skippedSteps = state.path("skipped_steps").asLong(0);
        // without its gate, a loss is on from step 1 (from 0)
        if (options.l3StartAccuracy > 0 && state.has("l3_from")) {
            t.l3From = state.get("l3_from").asLong();
        }
        if (options.l2StartAccuracy > 0 && state.has("l2_from")) {
            t.l2From = state.get("l2_from").asLong();
        }
        if (t.l3From < 0 || t.l2From < 0) {
            state.path("l3_gate_accuracy").forEach(a -> t.recentAccuracy.addLast(a.asDouble()));
        }
        t.optimizer.load(dir.resolve(OPTIMIZER_FILE), state.path("optimizer_steps").asLong(t.step));
        return t;
    }


    @Override
    public void close() {
        optimizer.close();
    }
}
