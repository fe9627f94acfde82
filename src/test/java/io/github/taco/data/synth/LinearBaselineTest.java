package io.github.taco.data.synth;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.data.Clip;
import io.github.taco.data.Dataset;
import io.github.taco.data.Split;
import io.github.taco.data.YouCook2Reader;
import io.github.taco.features.FrameSampler;
import io.github.taco.features.NpyDirectoryStore;
import io.github.taco.features.VideoFeatures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learned but weak model lands between chance and the oracle: ridge regression from mean clip
 * features to a bag of caption words, trained on the training split, scored by cosine on the test
 * split. It shows the benchmark is neither trivial for a linear model nor impossible.
 */
class LinearBaselineTest {
    @TempDir Path out;

    @Test
    void ridgeBagOfWordsIsBetweenChanceAndOracle() throws IOException {
        SyntheticBenchmark.generateTo(SynthConfig.defaults().withVideos(900), out);
        Dataset ds = YouCook2Reader.read(out);
        NpyDirectoryStore store = new NpyDirectoryStore(out.resolve("features"), 1, 0);
        Map<String, Integer> vocab = new HashMap<>();
        ds.clips().forEach(c -> {
            for (String w : c.texts().get(0).split(" ")) {
                vocab.putIfAbsent(w, vocab.size());
            }
        });
        List<Clip> train = ds.clips(Split.TRAIN);
        List<Clip> test = ds.clips(Split.VALIDATION);
        int d = store.dim() + 1;
        int v = vocab.size();
        double[][] xtx = new double[d][d];
        double[][] xty = new double[d][v];
        for (Clip c : train) {
            double[] x = meanFeature(store, c);
            for (int a = 0; a < d; a++) {
                for (int b = 0; b <= a; b++) {
                    xtx[a][b] += x[a] * x[b];
                }
            }
            for (String w : c.texts().get(0).split(" ")) {
                int k = vocab.get(w);
                for (int a = 0; a < d; a++) {
                    xty[a][k] += x[a];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                xtx[b][a] = xtx[a][b];
            }
            xtx[a][a] += 1.0; // ridge
        }
        double[][] w = RenderedBaselines.solve(xtx, xty);
        int n = test.size();
        double[][] pred = new double[n][];
        double[][] text = new double[n][v];
        for (int j = 0; j < n; j++) {
            double[] x = meanFeature(store, test.get(j));
            double[] p = new double[v];
            for (int a = 0; a < d; a++) {
                for (int k = 0; k < v; k++) {
                    p[k] += x[a] * w[a][k];
                }
            }
            pred[j] = normalize(p);
            for (String word : test.get(j).texts().get(0).split(" ")) {
                text[j][vocab.get(word)] = 1;
            }
            text[j] = normalize(text[j]);
        }
        double r1 = SyntheticBenchmarkTest.recallAt1(n, (q, j) -> {
            double s = 0;
            for (int k = 0; k < v; k++) {
                s += text[q][k] * pred[j][k];
            }
            return s;
        });
        System.out.printf("synth: ridge bag-of-words baseline R@1 %.4f over %d test clips (chance %.4f)%n", r1, n,
                1.0 / n);
        assertTrue(r1 > 10.0 / n, "a linear model should beat chance: " + r1);
        assertTrue(r1 < 0.8, "a linear model should stay well below the oracle: " + r1);
    }

    private static double[] meanFeature(NpyDirectoryStore store, Clip c) throws IOException {
        VideoFeatures f = store.load(c.videoId());
        int[] idx = FrameSampler.frameIndices(c.start(), c.end(), 1, f.frames(), 48, null);
        double[] m = new double[f.dim() + 1];
        for (int t : idx) {
            for (int a = 0; a < f.dim(); a++) {
                m[a] += f.data()[t * f.dim() + a] / idx.length;
            }
        }
        m[f.dim()] = 1; // bias
        return m;
    }

    private static double[] normalize(double[] p) {
        double s = 0;
        for (double x : p) {
            s += x * x;
        }
        s = Math.sqrt(s) + 1e-12;
        for (int i = 0; i < p.length; i++) {
            p[i] /= s;
        }
        return p;
    }
}
