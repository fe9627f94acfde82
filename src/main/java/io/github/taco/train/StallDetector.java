package io.github.taco.train;

import io.github.taco.loss.NegativeSampler;
import io.github.taco.model.TacoConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Tells, within {@value #WINDOW} steps (a collapse) or {@value #STALL_PERSISTENCE} (stalled encoders) after the
 * warm-up, when a run has stopped learning, so that it is not trained on
 * for hours in silence (issue 31). A contrastive loss that learns nothing sits at its chance value: with
 * every score equal, softmax cross-entropy over n candidates is ln n. So L1 and L2 sit at ln K (K pairs
 * per batch) and L3 at ln(K' + 1) (the positive and its K' negatives; docs/method.md §2–4).
 *
 * <p>Two signatures, both read from every step's losses over the last {@value #WINDOW} steps, and only
 * once the warm-up is over (during it a loss near chance is normal):
 * <ul>
 *   <li>{@link Kind#COLLAPSE}: every loss in use within {@value #AT_CHANCE} × its chance value at every step
 *       of the window; or L1 and L2 so at every step while L3's window mean has not fallen below {@value #FALLEN}
 *       × its chance value (with collapsed encoders L3 wobbles around chance by a few per cent from batch to
 *       batch: docs/benchmark-family.md, "The stall detector's part"). The encoders map every clip and caption to
 *       nearly one point; the gradient then vanishes too (reported against its peak).</li>
 *   <li>{@link Kind#ENCODERS_STALLED}: L1's mean over the window above {@value #NOT_LEFT} × ln K for
 *       {@value #STALL_PERSISTENCE} steps after the warm-up while L2 or L3 has fallen below {@value #FALLEN}
 *       × its chance value: the fusion learns from the features alone while the encoders learn nothing (seen
 *       on a faint rendering, issue 31).</li>
 * </ul>
 * The thresholds were set from the two failures reported in issue 31 and the logged losses of healthy
 * runs of the built-in benchmark (L1 at 0.78 × ln K ten steps after the cpu preset's warm-up), before
 * the benchmark family's runs; docs/benchmark-family.md counts what it flagged there.
 */
public final class StallDetector {
    /** Steps of evidence a stall needs (every step, not every logged one). */
    public static final int WINDOW = 20;
    /** A loss "at chance": within 2 % of ln n at every step of the window. */
    static final double AT_CHANCE = 0.02;
    /** L1 "has not left chance": its mean over the window above 95 % of ln K. */
    static final double NOT_LEFT = 0.95;
    /** Another loss "has fallen": its mean over the window below 85 % of its chance value. */
    static final double FALLEN = 0.85;
    /**
     * Steps L1's window mean must have stayed near chance before the encoders are called stalled: a TACo
     * run on a low-SNR rendering leaves chance late (L1 4.0 at step 40 while L3 was already at 0.93, then 3.4
     * at step 60: issue 31's lowsnr member) and must not be stopped for it; the stall of issue 31 sat there for
     * 400 steps.
     */
    public static final int STALL_PERSISTENCE = 80;

    /** What kind of failure. */
    public enum Kind {
        COLLAPSE, ENCODERS_STALLED;

        /** The name in metrics.jsonl. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A detected stall.
     *
     * @param step    the step at which it was detected
     * @param since   the step from which it held without a break (tracked from step 1, the warm-up included)
     * @param losses  the losses involved, e.g. "L1, L2, L3"
     * @param message what was seen, with the numbers
     * @param advice  what usually causes it and what to try
     */
    public record Stall(Kind kind, long step, long since, String losses, String message, String advice) {
        /** One paragraph for the log and the error. */
        public String describe() {
            return message + " " + advice;
        }
    }

    private final boolean useL1;
    private final boolean useL2;
    private final boolean useL3;
    private final double chanceL12;
    private final double chanceL3;
    private final long grace;
    private final ArrayDeque<Trainer.StepResult> window = new ArrayDeque<>();
    private double peakGradNorm;
    /** First step of the present unbroken run of steps with every loss at chance (−1: none), warm-up included. */
    private long atChanceSince = -1;
    /** As {@link #atChanceSince}, for L1 and L2 alone (−1: none, or neither is in use). */
    private long encodersAtChanceSince = -1;
    /** First step of the present unbroken run of steps with L1 not below {@link #NOT_LEFT} × ln K (−1: none). */
    private long l1NearChanceSince = -1;
    /** The step since which L1's window mean has stayed at or above {@link #NOT_LEFT} × ln K (−1: it is below). */
    private long l1MeanNearChanceSince = -1;

    /**
     * @param c       the model's config (which losses are on, K', the negatives)
     * @param options batch size K and warm-up
     */
    public StallDetector(TacoConfig c, TrainOptions options) {
        useL1 = c.useL1;
        useL2 = c.useL2;
        useL3 = c.useL3;
        int k = options.batchSize;
        chanceL12 = Math.log(k);
        chanceL3 = Math.log(NegativeSampler.effectiveKPrime(c.negatives, c.kPrime, k) + 1);
        grace = options.warmupSteps;
    }

    /** Chance value of L1 and L2: ln K. */
    public double chanceL1() {
        return chanceL12;
    }

    /** Chance value of L3: ln(K' + 1). */
    public double chanceL3() {
        return chanceL3;
    }

    /**
     * Feeds one step; returns the stall this step reveals, or null. Skipped steps (a non-finite
     * gradient) carry no evidence and are left out.
     */
    public Stall observe(Trainer.StepResult r) {
        if (r.skipped()) {
            return null;
        }
        // the onsets are tracked from step 1, so that a stall seen after the warm-up says when it really began
        atChanceSince = atChance(r) ? (atChanceSince < 0 ? r.step() : atChanceSince) : -1;
        encodersAtChanceSince = encodersAtChance(r) ? (encodersAtChanceSince < 0 ? r.step() : encodersAtChanceSince)
                : -1;
        l1NearChanceSince = useL1 && r.l1() >= NOT_LEFT * chanceL12
                ? (l1NearChanceSince < 0 ? r.step() : l1NearChanceSince) : -1;
        window.addLast(r);
        if (window.size() > WINDOW) {
            window.removeFirst();
        }
        double norm = mean(Trainer.StepResult::gradNorm);
        if (window.size() == WINDOW) {
            peakGradNorm = Math.max(peakGradNorm, norm);
        } else {
            return null;
        }
        if (useL1 && mean(Trainer.StepResult::l1) >= NOT_LEFT * chanceL12) {
            l1MeanNearChanceSince = l1MeanNearChanceSince < 0 ? r.step() : l1MeanNearChanceSince;
        } else {
            l1MeanNearChanceSince = -1;
        }
        if (window.peekFirst().step() <= grace) {
            return null;
        }
        long windowStart = window.peekFirst().step();
        Stall collapse = collapse(r.step(), windowStart, norm);
        return collapse != null ? collapse : encodersStalled(r.step(), windowStart);
    }

    /**
     * Every loss in use within {@link #AT_CHANCE} × its chance value at this step. L3 is NaN in the steps
     * before its gate opens ({@link TrainOptions#l3StartAccuracy}): then it is not in use.
     */
    private boolean atChance(Trainer.StepResult r) {
        boolean l3 = useL3 && !Double.isNaN(r.l3());
        return (useL1 || useL2 || l3) && (!useL1 || near(r.l1(), chanceL12)) && (!useL2 || near(r.l2(), chanceL12))
                && (!l3 || near(r.l3(), chanceL3));
    }

    /** L1 and L2, those in use (at least one), within {@link #AT_CHANCE} × ln K at this step. */
    private boolean encodersAtChance(Trainer.StepResult r) {
        return (useL1 || useL2) && (!useL1 || near(r.l1(), chanceL12)) && (!useL2 || near(r.l2(), chanceL12));
    }

    private static boolean near(double loss, double chance) {
        return Math.abs(loss - chance) <= AT_CHANCE * chance;
    }

    private Stall collapse(long step, long windowStart, double norm) {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        long since;
        if (atChanceSince >= 0 && atChanceSince <= windowStart) { // every loss, every step of the window
            since = atChanceSince;
        } else if (encodersAtChanceSince >= 0 && encodersAtChanceSince <= windowStart
                && !(useL3 && mean(Trainer.StepResult::l3) < FALLEN * chanceL3)) { // L3 near chance on average
            since = encodersAtChanceSince;
        } else {
            return null;
        }
        addLoss(names, values, useL1, "L1", mean(Trainer.StepResult::l1), chanceL12, "ln K");
        addLoss(names, values, useL2, "L2", mean(Trainer.StepResult::l2), chanceL12, "ln K");
        addLoss(names, values, useL3 && !Double.isNaN(window.peekLast().l3()), "L3", mean(Trainer.StepResult::l3),
                chanceL3, "ln(K'+1)");
        String losses = String.join(", ", names);
        String message = String.format(Locale.ROOT,
                "training collapsed: %s %s sat at chance since step %d (%s), gradient norm %.3g (its peak %.3g): the "
                        + "model scores every clip and caption alike and learns nothing more.",
                losses, names.size() == 1 ? "has" : "have", since, String.join(", ", values), norm, peakGradNorm);
        String advice = "This usually comes from a learning rate too high for the text encoder or a warm-up too short, "
                + "sometimes from features of very low signal-to-noise. Try a lower --text-lr (e.g. 5e-4) or --lr, a "
                + "longer --warmup, or --clip-norm 1; check the features with taco data check.";
        return new Stall(Kind.COLLAPSE, step, since, losses, message, advice);
    }

    private Stall encodersStalled(long step, long windowStart) {
        if (!useL1) {
            return null;
        }
        // since the present run of steps with L1 near chance began, or since its window mean has been there
        long meanSince = l1MeanNearChanceSince - WINDOW + 1;
        long since = l1NearChanceSince > 0 && l1NearChanceSince <= meanSince ? l1NearChanceSince
                : Math.max(1, meanSince);
        double l1 = mean(Trainer.StepResult::l1);
        // near chance for STALL_PERSISTENCE steps, counted from the first full window after the warm-up
        if (l1MeanNearChanceSince < 0 || step - Math.max(l1MeanNearChanceSince, grace + WINDOW) < STALL_PERSISTENCE) {
            return null;
        }
        double l3 = useL3 ? mean(Trainer.StepResult::l3) : Double.NaN;
        double l2 = useL2 ? mean(Trainer.StepResult::l2) : Double.NaN;
        String fell;
        if (useL3 && l3 < FALLEN * chanceL3) {
            fell = String.format(Locale.ROOT, "L3 fell to %.3f (chance ln(K'+1) = %.3f)", l3, chanceL3);
        } else if (useL2 && l2 < FALLEN * chanceL12) {
            fell = String.format(Locale.ROOT, "L2 fell to %.3f (chance ln K = %.3f)", l2, chanceL12);
        } else {
            return null;
        }
        String message = String.format(Locale.ROOT,
                "the encoders are not learning: L1 has stayed at %.3f, near its chance value ln K = %.3f, since step "
                        + "%d, while %s: the fusion learns from the features alone and the text and video encoders do "
                        + "not align clips and captions.",
                l1, chanceL12, since, fell);
        String advice = "This usually comes from the text encoder's learning rate (too high or too low for these "
                + "features) or from L3's gradient swamping the shared encoders early. Try --text-lr 5e-4, or train "
                + "with --losses L1 first and fine-tune from that checkpoint (--init).";
        return new Stall(Kind.ENCODERS_STALLED, step, since, "L1", message, advice);
    }

    private static void addLoss(List<String> names, List<String> values, boolean on, String name, double v,
            double chance, String label) {
        if (on) {
            names.add(name);
            values.add(String.format(Locale.ROOT, "%s %.3f against %s = %.3f", name, v, label, chance));
        }
    }

    /** Mean over the window's steps where the value is defined (L3 is NaN before its gate opens); NaN if none. */
    private double mean(ToDoubleFunction<Trainer.StepResult> f) {
        double s = 0;
        int n = 0;
        for (Trainer.StepResult r : window) {
            double v = f.applyAsDouble(r);
            if (!Double.isNaN(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
