package io.github.taco.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.VideoFeatures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * COIN action segmentation (docs/method.md §7) with a linear probe: a per-frame softmax classifier over the
 * frozen video encoder's outputs x^k ({@link FrameVectors}), trained with cross-entropy on every
 * frame of the "training" subset (classes: background 0 and every step id of COIN.json), then
 * evaluated by frame accuracy on the "testing" subset, with and without background
 * ({@link FrameAccuracy}). Inputs are standardised per dimension with the training frames' mean and
 * standard deviation: a contrastively trained encoder's outputs share a large common direction
 * (all the more after L2 normalisation), which leaves the informative part at a scale a few probe
 * epochs cannot reach; standardising is an affine map, so the probe stays linear in x^k.
 *
 * <p>Only the classifier's weight and bias carry gradients: frame vectors are computed outside the
 * {@link GradientCollector}, detached and copied to the heap, so the encoder never changes. The
 * optimiser is Adam (β = 0.9, 0.999), written out in a few lines; mini-batches of frames are drawn
 * in a seeded shuffled order, so a run is deterministic on one thread.
 *
 * <p>Classes: the step ids found anywhere in COIN.json (training or testing), so a testing step
 * never seen in training is a class the probe can in principle predict but never learned (its
 * frames count as errors). Step ids must be ≥ 1 (0 is background); anything else is an error naming
 * the video. Videos without features fail with an error naming the file, or, with
 * {@link Options#skipMissing}, are skipped and counted.
 */
public final class CoinSegmentation {

    /** Turns a video's features into per-frame vectors (the frozen encoder). */
    @FunctionalInterface
    public interface FrameEncoder {
        FrameVectors encode(VideoFeatures video);
    }

    /** Training options of the probe. */
    public static final class Options {
        /** Passes over the training frames. */
        public int epochs = 10;
        /** Adam learning rate. */
        public double learningRate = 1e-2;
        /** Frames per update. */
        public int batchSize = 256;
        /** Use every n-th training frame (1: all); bounds memory on the real data. */
        public int trainStride = 1;
        /** Skip and count videos without features instead of failing. */
        public boolean skipMissing = false;
        /** Seed of the initial weights and of the frame order. */
        public long seed = 0;
    }

    /** {@link Report#summary()}, written by Jackson: the accuracy's figures first, then the probe's. */
    public record Summary(@JsonUnwrapped FrameAccuracy.Summary accuracy, int classes, int trainVideos, int testVideos,
            long trainFrames, @JsonProperty("missingSkipped") int missing,
            @JsonProperty("firstEpochLoss") double firstLoss, @JsonProperty("lastEpochLoss") double lastLoss) {}

    /**
     * The result.
     *
     * @param accuracy      pooled frame accuracy on the testing videos
     * @param classes       classes of the probe, background included
     * @param trainVideos   training videos used
     * @param testVideos    testing videos evaluated
     * @param trainFrames   training frames (after the stride)
     * @param missing       videos skipped for lack of features ({@link Options#skipMissing})
     * @param firstLoss     mean cross-entropy of the first epoch
     * @param lastLoss      mean cross-entropy of the last epoch
     */
    public record Report(FrameAccuracy accuracy, int classes, int trainVideos, int testVideos, long trainFrames,
                         int missing, double firstLoss, double lastLoss) {

        /** What {@code taco coin --json} writes. */
        public Summary summary() {
            return new Summary(accuracy.summary(), classes, trainVideos, testVideos, trainFrames, missing, firstLoss,
                    lastLoss);
        }

        public String table() {
            return String.format(Locale.ROOT,
                    "COIN frame accuracy: %.2f%% (all %d frames), %.2f%% without background (%d frames)%n"
                            + "probe: %d classes, %d training videos (%d frames), %d testing videos, loss "
                            + "%.3f -> %.3f%s%n",
                    accuracy.accuracy(), accuracy.frames(), accuracy.accuracyWithoutBackground(),
                    accuracy.foregroundFrames(), classes, trainVideos, trainFrames, testVideos, firstLoss, lastLoss,
                    missing > 0 ? ", " + missing + " videos without features skipped" : "");
        }
    }

    private CoinSegmentation() {
    }

    /** Class index of every step id: background 0 → 0, step ids in increasing order → 1, 2, ... */
    static int[] classIds(Map<String, CoinReader.Video> videos) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (CoinReader.Video v : videos.values()) {
            for (CoinReader.Segment s : v.segments()) {
                if (s.stepId() < 1) {
                    throw new IllegalArgumentException("COIN video " + v.id() + ": annotation \"id\" " + s.stepId()
                            + " is not a step class id >= 1 (0 is reserved for background)");
                }
                ids.add(s.stepId());
            }
        }
        int[] out = new int[ids.size() + 1];
        int i = 1;
        for (int id : ids) out[i++] = id;
        return out;
    }

    /**
     * Trains the probe on the "training" videos of {@code coinJson} and evaluates it on "testing".
     *
     * @param store   features by video id; its fps turns segment seconds into frames
     * @param encoder the frozen encoder; called on this thread only
     * @param parent  manager the probe's arrays are created under (closed before returning)
     * @throws IllegalArgumentException when a subset is empty or a step id is invalid
     */
    public static Report run(Path coinJson, FeatureStore store, FrameEncoder encoder, Options o,
            NDManager parent) throws IOException {
        if (o.epochs < 1 || o.batchSize < 1 || o.trainStride < 1 || !(o.learningRate > 0)) {
            throw new IllegalArgumentException(
                    "epochs, batch size and train stride must be >= 1 and the learning rate > 0");
        }
        Map<String, CoinReader.Video> all = CoinReader.read(coinJson);
        int[] ids = classIds(all);
        Map<Integer, Integer> index = new LinkedHashMap<>();
        for (int c = 0; c < ids.length; c++) index.put(ids[c], c);
        List<CoinReader.Video> training = CoinReader.subset(all, "training");
        List<CoinReader.Video> testing = CoinReader.subset(all, "testing");
        if (training.isEmpty() || testing.isEmpty()) {
            throw new IllegalArgumentException(coinJson + ": needs videos with \"subset\" training and testing (found "
                    + training.size() + " and " + testing.size() + ")");
        }
        int[] missing = {0};
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int dim = -1;
        int usedTrain = 0;
        for (CoinReader.Video v : training) {
            FrameVectors x = frames(v, store, encoder, o, missing);
            if (x == null) continue;
            usedTrain++;
            dim = x.dim();
            int[] y = v.frameLabels(x.frames(), store.fps(), 0);
            for (int k = 0; k < x.frames(); k += o.trainStride) {
                rows.add(x.row(k));
                labels.add(index.get(y[k]));
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(coinJson
                    + ": no training frame (every training video was skipped or empty)");
        }
        float[][] norm = standardizer(rows, dim);
        for (float[] r : rows) standardize(r, 0, norm);
        try (NDManager m = parent.newSubManager()) {
            Probe probe = new Probe(m, dim, ids.length, o.seed);
            double[] losses = probe.fit(rows, labels, o);
            FrameAccuracy acc = new FrameAccuracy(0);
            int usedTest = 0;
            for (CoinReader.Video v : testing) {
                FrameVectors x = frames(v, store, encoder, o, missing);
                if (x == null) continue;
                usedTest++;
                for (int k = 0; k < x.frames(); k++) standardize(x.data(), k * x.dim(), norm);
                int[] pred = probe.predict(x);
                for (int k = 0; k < pred.length; k++) pred[k] = ids[pred[k]];
                acc.add(pred, v.frameLabels(x.frames(), store.fps(), 0));
            }
            return new Report(acc, ids.length, usedTrain, usedTest, rows.size(), missing[0], losses[0], losses[1]);
        }
    }

    /** Per-dimension mean and 1/std of the training frames ({mean, invStd}); a constant dimension gets invStd 1. */
    static float[][] standardizer(List<float[]> rows, int dim) {
        double[] sum = new double[dim];
        double[] sq = new double[dim];
        for (float[] r : rows) {
            for (int i = 0; i < dim; i++) {
                sum[i] += r[i];
                sq[i] += (double) r[i] * r[i];
            }
        }
        float[][] out = new float[2][dim];
        for (int i = 0; i < dim; i++) {
            double mean = sum[i] / rows.size();
            double var = Math.max(0, sq[i] / rows.size() - mean * mean);
            out[0][i] = (float) mean;
            out[1][i] = var > 1e-12 ? (float) (1 / Math.sqrt(var)) : 1f;
        }
        return out;
    }

    private static void standardize(float[] a, int off, float[][] norm) {
        for (int i = 0; i < norm[0].length; i++) a[off + i] = (a[off + i] - norm[0][i]) * norm[1][i];
    }

    private static FrameVectors frames(CoinReader.Video v, FeatureStore store, FrameEncoder encoder, Options o,
            int[] missing) throws IOException {
        if (o.skipMissing && !store.contains(v.id())) {
            missing[0]++;
            return null;
        }
        // without skipMissing, a missing file raises a FeatureException naming the video and file
        return encoder.encode(store.load(v.id()));
    }

    /** The linear classifier and its Adam state. */
    static final class Probe {
        private final NDManager m;
        private final NDArray w;
        private final NDArray b;
        private final NDArray[] mean;
        private final NDArray[] var;
        private final int dim;
        private final int classes;
        private long t;

        Probe(NDManager m, int dim, int classes, long seed) {
            this.m = m;
            this.dim = dim;
            this.classes = classes;
            Random r = new Random(seed);
            float[] init = new float[dim * classes];
            for (int i = 0; i < init.length; i++) init[i] = (float) (0.01 * r.nextGaussian());
            w = m.create(init, new Shape(dim, classes));
            b = m.zeros(new Shape(classes), DataType.FLOAT32);
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            mean = new NDArray[] {m.zeros(w.getShape()), m.zeros(b.getShape())};
            var = new NDArray[] {m.zeros(w.getShape()), m.zeros(b.getShape())};
        }

        /** Mini-batch Adam on cross-entropy; returns the mean loss of the first and of the last epoch. */
        double[] fit(List<float[]> rows, List<Integer> labels, Options o) {
            int n = rows.size();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            Random r = new Random(o.seed + 1);
            double first = Double.NaN;
            double last = Double.NaN;
            for (int epoch = 0; epoch < o.epochs; epoch++) {
                for (int i = n - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    int tmp = order[i];
                    order[i] = order[j];
                    order[j] = tmp;
                }
                double sum = 0;
                for (int s = 0; s < n; s += o.batchSize) {
                    int bs = Math.min(o.batchSize, n - s);
                    float[] x = new float[bs * dim];
                    long[] y = new long[bs];
                    for (int i = 0; i < bs; i++) {
                        System.arraycopy(rows.get(order[s + i]), 0, x, i * dim, dim);
                        y[i] = labels.get(order[s + i]);
                    }
                    sum += step(x, y, bs, o.learningRate) * bs;
                }
                if (epoch == 0) first = sum / n;
                last = sum / n;
            }
            return new double[] {first, last};
        }

        private double step(float[] xs, long[] ys, int bs, double lr) {
            try (NDManager scope = m.newSubManager()) {
                NDArray x = scope.create(xs, new Shape(bs, dim));
                NDArray onehot = scope.create(ys).oneHot(classes);
                double loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray ce = x.matMul(w).add(b).logSoftmax(1).mul(onehot).sum(new int[] {1}).mean().neg();
                    gc.backward(ce);
                    loss = ce.getFloat();
                }
                t++;
                NDArray[] params = {w, b};
                for (int i = 0; i < 2; i++) {
                    NDArray g = params[i].getGradient();
                    g.attach(scope);
                    scope.tempAttachAll(mean[i], var[i]); // temporaries derived from the moments die with this step
                    mean[i].muli(0.9f).addi(g.mul(0.1f));
                    var[i].muli(0.999f).addi(g.square().muli(0.001f));
                    double c1 = 1 - Math.pow(0.9, t);
                    double c2 = 1 - Math.pow(0.999, t);
                    NDArray denom = var[i].sqrt().muli((float) (1 / Math.sqrt(c2))).addi(1e-8f);
                    params[i].subi(mean[i].div(denom).muli((float) (lr / c1)));
                    g.subi(g); // PyTorch accumulates gradients: start the next step from 0
                }
                return loss;
            }
        }

        /** Arg-max class index of every frame. */
        int[] predict(FrameVectors x) {
            if (x.frames() == 0) return new int[0];
            try (NDManager scope = m.newSubManager()) {
                // created in scope: no leak into m
                NDArray logits = scope.create(x.data(), new Shape(x.frames(), x.dim())).matMul(w).add(b);
                long[] arg = logits.argMax(1).toLongArray();
                int[] out = new int[arg.length];
                for (int i = 0; i < arg.length; i++) out[i] = (int) arg[i];
                return out;
            }
        }
    }
}
