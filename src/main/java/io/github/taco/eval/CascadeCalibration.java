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
    /** What is written beside config.json: the grid and the choice. */
    public static final String FILE = "calibration.json";

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
            Choice c = calibrate(data, run.trainSplit, run.train.calibrationVideos, topR);
            return new CascadeCalibrator.Outcome(c.weightS2(), c.weightS3(), c.clips() == 0 ? null : FILE,
                    c.describe());
        };
    }

    /**
     * @param weightS2 the chosen weight of s2
     * @param weightS3 the chosen weight of s3
     * @param r1       its text→video R@1 on the held-out captions
     * @param paperR1  the paper's weights' R@1 there
     * @param clips    held-out clips scored
     * @param grid     R@1 per {@code "w2,w3"}
     */
    public record Choice(double weightS2, double weightS3, double r1, double paperR1, int clips,
            Map<String, Double> grid) {
        public String describe() {
            if (clips == 0) {
                return String.format(Locale.ROOT, "cascade weights kept at s1 + %s·s2 + %s·s3: the training split has "
                        + "too few videos to hold %d out for choosing them", RetrievalEvaluator.weight(weightS2),
                        RetrievalEvaluator.weight(weightS3), CalibrationVideos.MIN_VIDEOS);
            }
            return String.format(Locale.ROOT, "cascade weights s1 + %s·s2 + %s·s3 chosen on %d held-out training "
                    + "clips: R@1 %.1f (the paper's 0.5 and 1: %.1f)", RetrievalEvaluator.weight(weightS2),
                    RetrievalEvaluator.weight(weightS3), clips, r1, paperR1);
        }
    }

    /**
     * Chooses the weights for the checkpoint of a run that held out {@code videos} training videos and
     * writes them into its config.json (and the grid into {@link #FILE}).
     *
     * @param data       how the run read its data: dataset, annotations, features, fps (the split and clips are
     *                   set here)
     * @param trainSplit the split the run trained on (the held-out videos are some of its videos)
     * @param topR       the cascade's re-scored prefix
     */
    public static Choice calibrate(EvalRun.Spec data, Split trainSplit, int videos, int topR) throws IOException {
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
            Choice none = new Choice(kept.weightS2, kept.weightS3, Double.NaN, Double.NaN, 0, Map.of());
            LOG.info("{}", none.describe());
            return none;
        }
        spec.topR = topR;
        int[] clips = new int[1];
        Map<List<Double>, Double> grid = EvalRun.run(spec, (model, batches) -> {
            clips[0] = batches.stream().mapToInt(Batch::size).sum();
            return new RetrievalEvaluator(model, new RetrievalEvaluator.Options(topR, 0)).cascadeGrid(batches, W2, W3);
        });
        List<Double> paper = List.of(0.5, 1.0);
        List<Double> best = paper;
        for (Map.Entry<List<Double>, Double> e : grid.entrySet()) {
            if (e.getValue() > grid.get(best)) {
                best = e.getKey();
            }
        }
        Map<String, Double> named = new LinkedHashMap<>();
        grid.forEach((k, v) -> named.put(RetrievalEvaluator.weight(k.get(0)) + ","
                + RetrievalEvaluator.weight(k.get(1)), v));
        Choice choice = new Choice(best.get(0), best.get(1), grid.get(best), grid.get(paper), clips[0], named);
        Path configFile = data.checkpoint.resolve(TacoModel.CONFIG_FILE);
        TacoConfig config = TacoConfig.read(configFile);
        config.weightS2 = choice.weightS2();
        config.weightS3 = choice.weightS3();
        AtomicFiles.writeString(configFile, config.toJson());
        AtomicFiles.writeString(data.checkpoint.resolve(FILE),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(choice));
        LOG.info("{}", choice.describe());
        return choice;
    }
}
