package io.github.taco.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.data.Batch;
import io.github.taco.data.CalibrationVideos;
import io.github.taco.data.Dataset;
import io.github.taco.data.Datasets;
import io.github.taco.data.Split;
import io.github.taco.io.AtomicFiles;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.train.CascadeCalibrator;
import io.github.taco.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * [ours] The inference cascade's weights chosen per checkpoint (docs/method.md §5 fixes them at
 * s1 + 0.5·s2 + s3): after a run that held out {@code train.calibrationVideos} training videos, the
 * cascade's text→video R@1 on their captions is measured for every weight pair of a small grid, and
 * the best pair is written into the checkpoint's config.json, where evaluation and search read it.
 *
 * <p>Why: on the benchmark family (docs/benchmark-family.md) a cascade with fixed weights ranked below
 * its own s1 where s2 or the fusion had learned little; the grid holds (0, 0), which is s1 alone, and
 * the paper's (0.5, 1). A tie keeps the paper's pair, else the first in the grid's order (smaller
 * weights first). The validation split is never looked at.
 */
public final class CascadeCalibration {
    private static final Logger LOG = LoggerFactory.getLogger(CascadeCalibration.class);
    /** The weights of s2 tried. */
    public static final double[] W2 = {0, 0.25, 0.5, 1};
    /** The weights of s3 tried. */
    public static final double[] W3 = {0, 0.25, 0.5, 1, 2};

    private CascadeCalibration() {}

    /**
     * The calibrator a training run calls once its checkpoint is written ({@link TrainingRun.Spec#calibrator}): it
     * reads the data as the run did and holds out the same videos.
     *
     * @param topR the cascade's re-scored prefix
     */
    public static CascadeCalibrator calibrator(TrainingRun.Spec run, int topR) {
        return checkpoint -> {
            EvalRun.Spec data = new EvalRun.Spec();
            data.checkpoint = checkpoint;
            data.dataset = run.dataset;
            data.annotations = run.annotations;
            data.features = run.features;
            data.fps = run.fps;
            data.onMissing = run.onMissing;
            Choice c = calibrate(data, run.trainSplit, run.train.calibrationVideos, topR, run.train.calibrationGuard);
            return new CascadeCalibrator.Outcome(c.weightS2(), c.weightS3(), c.describe());
        };
    }

    /**
     * @param weightS2 the chosen weight of s2
     * @param weightS3 the chosen weight of s3
     * @param r1       its text→video R@1 on the held-out captions
     * @param paperR1  the paper's weights' R@1 there
     * @param clips    held-out clips scored
     * @param grid     R@1 per {@code "w2,w3"}
     * @param guard    the z the best pair had to reach over s1 alone (0: no guard)
     * @param bestZ    the best pair's z over s1 alone: its mean gain in hits@1 per caption over the standard error
     *                 of that mean (NaN when it is s1 alone or no caption differs)
     */
    public record Choice(double weightS2, double weightS3, double r1, double paperR1, int clips,
            Map<String, Double> grid, double guard, double bestZ) {
        public String describe() {
            if (clips == 0) {
                return String.format(Locale.ROOT, "cascade weights kept at s1 + %s·s2 + %s·s3: the training split has "
                        + "too few videos to hold %d out for choosing them", RetrievalEvaluator.weight(weightS2),
                        RetrievalEvaluator.weight(weightS3), CalibrationVideos.MIN_VIDEOS);
            }
            String chosen = String.format(Locale.ROOT, "cascade weights s1 + %s·s2 + %s·s3 chosen on %d held-out "
                    + "training clips: R@1 %.1f (the paper's 0.5 and 1: %.1f)", RetrievalEvaluator.weight(weightS2),
                    RetrievalEvaluator.weight(weightS3), clips, r1, paperR1);
            return guard > 0 && weightS2 == 0 && weightS3 == 0 && !Double.isNaN(bestZ) && bestZ < guard
                    ? chosen + String.format(Locale.ROOT, "; s1 alone kept: the best pair beat it by z = %.1f, below "
                            + "the guard's %s", bestZ, RetrievalEvaluator.weight(guard))
                    : chosen;
        }
    }

    /**
     * Chooses the weights for the checkpoint of a run that held out {@code videos} training videos and
     * writes them into its config.json (and the grid into {@link CascadeCalibrator#FILE}).
     *
     * @param data       how the run read its data: dataset, annotations, features, fps (the split and clips are
     *                   set here)
     * @param trainSplit the split the run trained on (the held-out videos are some of its videos)
     * @param topR       the cascade's re-scored prefix
     * @param guard      {@code train.calibrationGuard}: 0, or the z a pair must reach over s1 alone
     */
    public static Choice calibrate(EvalRun.Spec data, Split trainSplit, int videos, int topR, double guard)
            throws IOException {
        Choice choice = choose(data, trainSplit, videos, topR, guard);
        if (choice.clips() == 0) {
            LOG.info("{}", choice.describe());
            return choice;
        }
        Path configFile = data.checkpoint.resolve(TacoModel.CONFIG_FILE);
        TacoConfig config = TacoConfig.read(configFile);
        config.weightS2 = choice.weightS2();
        config.weightS3 = choice.weightS3();
        AtomicFiles.writeString(configFile, config.toJson());
        AtomicFiles.writeString(data.checkpoint.resolve(CascadeCalibrator.FILE),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(choice));
        LOG.info("{}", choice.describe());
        return choice;
    }

    /** {@link #calibrate}'s choice, written nowhere. */
    public static Choice choose(EvalRun.Spec data, Split trainSplit, int videos, int topR, double guard)
            throws IOException {
        Dataset dataset = Datasets.read(data.dataset, data.annotations);
        EvalRun.Spec spec = new EvalRun.Spec();
        spec.checkpoint = data.checkpoint;
        spec.dataset = data.dataset;
        spec.annotations = data.annotations;
        spec.features = data.features;
        spec.fps = data.fps;
        spec.onMissing = data.onMissing;
        spec.split = trainSplit;
        spec.videos = CalibrationVideos.choose(dataset.clips(trainSplit), videos);
        if (spec.videos.isEmpty()) {
            // too few training videos to hold any out (CalibrationVideos.count): training kept them all
            TacoConfig kept = TacoConfig.read(data.checkpoint.resolve(TacoModel.CONFIG_FILE));
            return new Choice(kept.weightS2, kept.weightS3, Double.NaN, Double.NaN, 0, Map.of(), guard, Double.NaN);
        }
        spec.topR = topR;
        int[] clips = new int[1];
        Map<List<Double>, int[]> ranks = EvalRun.run(spec, (model, batches) -> {
            clips[0] = batches.stream().mapToInt(Batch::size).sum();
            return new RetrievalEvaluator(model, new RetrievalEvaluator.Options(topR, 0)).cascadeGrid(batches, W2, W3);
        });
        Map<List<Double>, Double> grid = new LinkedHashMap<>();
        ranks.forEach((k, v) -> grid.put(k, RetrievalMetrics.recallAt(v, 1)));
        List<Double> paper = List.of(0.5, 1.0);
        List<Double> best = paper;
        for (Map.Entry<List<Double>, Double> e : grid.entrySet()) {
            if (e.getValue() > grid.get(best)) {
                best = e.getKey();
            }
        }
        List<Double> s1Alone = List.of(0.0, 0.0);
        double z = best.equals(s1Alone) ? Double.NaN : pairedZ(ranks.get(best), ranks.get(s1Alone));
        List<Double> chosen = guard > 0 && !(z >= guard) ? s1Alone : best;
        Map<String, Double> named = new LinkedHashMap<>();
        grid.forEach((k, v) -> named.put(RetrievalEvaluator.weight(k.get(0)) + ","
                + RetrievalEvaluator.weight(k.get(1)), v));
        return new Choice(chosen.get(0), chosen.get(1), grid.get(chosen), grid.get(paper), clips[0], named, guard, z);
    }

    /**
     * How far {@code a} beats {@code b} in hits@1 on the same captions: the mean per-caption difference over its
     * standard error (a paired z; NaN when no caption differs).
     */
    static double pairedZ(int[] a, int[] b) {
        int n = a.length;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            int d = (a[i] == 1 ? 1 : 0) - (b[i] == 1 ? 1 : 0);
            sum += d;
            sumSq += d * d;
        }
        double mean = sum / n;
        double variance = (sumSq - n * mean * mean) / Math.max(1, n - 1);
        return variance > 0 ? mean / Math.sqrt(variance / n) : Double.NaN;
    }
}
