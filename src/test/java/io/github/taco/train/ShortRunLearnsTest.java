package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.taco.data.Batch;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A short run on random but learnable pairs (video features and caption words share a latent class) drives all three
 * losses down.
 */
class ShortRunLearnsTest {
    static final int K = 12, M = 4, D = 16, N = 6, V = 64, CLASSES = 24;

    @Test
    void allThreeLossesGoDown() {
        Random protoRng = new Random(99);
        float[][] proto = new float[CLASSES][D];
        for (float[] p : proto) for (int d = 0; d < D; d++) p[d] = (float) protoRng.nextGaussian();
        Trainer.BatchSource src = step -> learnableBatch(new Random(step), proto);

        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        c.hiddenSize = 32;
        c.numAttentionHeads = 4;
        c.intermediateSize = 64;
        c.initializerRange = 0.02;
        c.kPrime = 4;
        TrainOptions o = new TrainOptions();
        o.steps = 400;
        o.batchSize = K;
        o.learningRate = 1e-3;
        o.clipNorm = 1.0;
        o.warmupSteps = 10;
        o.seed = 3;
        double[][] first = new double[3][10], last = new double[3][10];
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 2);
                Trainer t = new Trainer(model, o)) {
            for (int s = 0; s < o.steps; s++) {
                Trainer.StepResult r = t.train(src.batch(s));
                double[] l = {r.l1(), r.l2(), r.l3()};
                for (int i = 0; i < 3; i++) {
                    if (s < 10) first[i][s] = l[i];
                    if (s >= o.steps - 10) last[i][(int) (s - (o.steps - 10))] = l[i];
                }
            }
        }
        String[] names = {"L1", "L2", "L3"};
        for (int i = 0; i < 3; i++) {
            double a = mean(first[i]), b = mean(last[i]);
            System.out.printf("%s: first 10 steps %.3f, last 10 steps %.3f%n", names[i], a, b);
            assertTrue(b < 0.7 * a, names[i] + " did not go down enough: " + a + " -> " + b);
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** Pair i: a random class; frames = class prototype + noise; caption = [CLS] class word, noise word, ... [SEP]. */
    static Batch learnableBatch(Random r, float[][] proto) {
        float[] feats = new float[K * M * D];
        float[] fmask = new float[K * M];
        int[] ids = new int[K * N];
        float[] tmask = new float[K * N];
        float[] w = new float[K * N];
        List<String> vids = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        for (int c = 0; c < CLASSES; c++) classes.add(c);
        Collections.shuffle(classes, r);
        for (int i = 0; i < K; i++) {
            int cls = classes.get(i);
            vids.add("c" + cls);
            for (int f = 0; f < M; f++) {
                fmask[i * M + f] = 1;
                for (int d = 0; d < D; d++) feats[(i * M + f) * D + d] = proto[cls][d]
                        + 0.3f * (float) r.nextGaussian();
            }
            int[] caption = {1, 3 + cls, 3 + CLASSES + r.nextInt(V - 3 - CLASSES), 2};
            for (int t = 0; t < caption.length; t++) {
                ids[i * N + t] = caption[t];
                tmask[i * N + t] = 1;
            }
            w[i * N + 1] = 1f; // the class word is the token of interest
        }
        return new Batch(vids, K, M, D, feats, fmask, N, ids, tmask, w);
    }
}
