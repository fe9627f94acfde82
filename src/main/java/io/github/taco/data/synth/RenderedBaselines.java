package io.github.taco.data.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.data.Clip;
import io.github.taco.data.Dataset;
import io.github.taco.data.Split;
import io.github.taco.data.YouCook2Reader;
import io.github.taco.features.FrameSampler;
import io.github.taco.features.NpyDirectoryStore;
import io.github.taco.features.VideoFeatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Three reference scorers that bracket what a learned model can reach on a rendered benchmark
 * folder, text→video R@1 over its validation clips (ranks as docs/method.md §7: ties count against):
 * <ul>
 *   <li><b>oracle</b>: knows the generative model: inverts the feature map of every second, averages
 *       the latent vectors over the clip and scores them against the sum of the query's lemma concepts;</li>
 *   <li><b>text-blind</b>: scores a video by its mean feature alone, whatever the query: chance;</li>
 *   <li><b>ridge</b>: a linear map from a clip's mean feature to its caption's bag of lemmas, fitted by
 *       ridge regression on the training clips (the weakest learned model).</li>
 * </ul>
 */
public final class RenderedBaselines {
    /** R@1 of each scorer on {@code clips} validation clips (chance = 1 / clips). */
    public record Report(int clips, double oracle, double textBlind, double ridge) {}

    private RenderedBaselines() {}

    /**
     * @param dir      a folder written by {@link CaptionBenchmark}
     * @param maxClips validation clips to score (the first ones in file order), 0 = all
     */
    public static Report run(Path dir, int maxClips) throws IOException {
        RenderConfig cfg = new ObjectMapper()
                .treeToValue(new ObjectMapper().readTree(dir.resolve(CaptionBenchmark.TRUTH_FILE).toFile())
                .get("config"), RenderConfig.class);
        Dataset ds = YouCook2Reader.read(dir.resolve(YouCook2Reader.ANNOTATION_FILE));
        NpyDirectoryStore store = new NpyDirectoryStore(dir.resolve(CaptionBenchmark.FEATURES_DIR), cfg.fps(),
                cfg.dim());
        List<Clip> train = ds.clips(Split.TRAIN);
        List<Clip> test = ds.clips(Split.VALIDATION);
        if (maxClips > 0 && test.size() > maxClips) {
            test = test.subList(0, maxClips);
        }
        List<List<String>> trainLemmas = train.parallelStream().map(c -> ContentWords.of(c.texts().get(0))).toList();
        List<List<String>> testLemmas = test.parallelStream().map(c -> ContentWords.of(c.texts().get(0))).toList();
        int n = test.size();

        // oracle: the world of the same config, built over the same lemmas (a lemma's vector depends on its name only)
        List<CaptionBenchmark.Video> lexicon = List.of(new CaptionBenchmark.Video("lexicon", "training", "", 1,
                Stream.concat(trainLemmas.stream(), testLemmas.stream())
                        .map(l -> new CaptionBenchmark.Segment(0, 0, "", l)).toList()));
        CaptionBenchmark.CaptionWorld world = new CaptionBenchmark.CaptionWorld(cfg, lexicon);
        List<Clip> testClips = test;
        float[][] clipLatent = IntStream.range(0, n).parallel()
                .mapToObj(j -> latentMean(world, store, testClips.get(j))).toArray(float[][]::new);
        // vectors made unit length once: each of the n² scores is then a plain dot product
        double[][] clips = new double[n][];
        double[][] queries = new double[n][];
        for (int q = 0; q < n; q++) {
            double[] z = new double[world.latent];
            for (String l : testLemmas.get(q)) {
                float[] c = world.concept(l);
                float vis = world.visibility(l); // the oracle knows how visible each word is
                for (int i = 0; i < z.length; i++) {
                    z[i] += vis * c[i];
                }
            }
            queries[q] = unit(z);
            double[] c = new double[world.latent];
            for (int i = 0; i < c.length; i++) {
                c[i] = clipLatent[q][i];
            }
            clips[q] = unit(c);
        }
        double oracle = recallAt1(n, (q, j) -> dot(queries[q], clips[j]));

        // text-blind: one score per video, the same for every query
        double[][] testMean = IntStream.range(0, n).parallel().mapToObj(j -> meanFeature(store, testClips.get(j)))
                .toArray(double[][]::new);
        double textBlind = recallAt1(n, (q, j) -> testMean[j][0]);

        // ridge: mean feature (+ bias) → bag of lemmas
        Map<String, Integer> vocab = new HashMap<>();
        trainLemmas.forEach(l -> l.forEach(w -> vocab.putIfAbsent(w, vocab.size())));
        int d = cfg.dim() + 1;
        int v = vocab.size();
        double[][] xtx = new double[d][d];
        double[][] xty = new double[d][v];
        for (int c = 0; c < train.size(); c++) {
            double[] x = meanFeature(store, train.get(c));
            for (int a = 0; a < d; a++) {
                for (int b = 0; b <= a; b++) {
                    xtx[a][b] += x[a] * x[b];
                }
            }
            for (String w : trainLemmas.get(c)) {
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
            xtx[a][a] += 1.0;
        }
        double[][] w = solve(xtx, xty);
        double[][] pred = IntStream.range(0, n).parallel().mapToObj(j -> {
            double[] p = new double[v];
            for (int a = 0; a < d; a++) {
                double xa = testMean[j][a];
                for (int k = 0; k < v; k++) {
                    p[k] += xa * w[a][k];
                }
            }
            return unit(p);
        }).toArray(double[][]::new);
        // a query's bag of lemmas has a handful of ones: its cosine with a unit prediction is the sum of
        // those entries over a constant, so the ranking needs only the sum (not a dot over the vocabulary)
        int[][] bag = new int[n][];
        for (int q = 0; q < n; q++) {
            // lemmas never seen in training say nothing to a linear model
            bag[q] = testLemmas.get(q).stream().filter(vocab::containsKey).mapToInt(vocab::get).toArray();
        }
        double ridge = recallAt1(n, (q, j) -> {
            double sum = 0;
            for (int k : bag[q]) {
                sum += pred[j][k];
            }
            return sum;
        });
        return new Report(n, oracle, textBlind, ridge);
    }

    /** R@1 with ranks as docs/method.md §7: rank = 1 + #{j ≠ q : s(q, j) ≥ s(q, q)}. */
    static double recallAt1(int n, BiFunction<Integer, Integer, Double> score) {
        long hits = IntStream.range(0, n).parallel().filter(q -> {
            double g = score.apply(q, q);
            for (int j = 0; j < n; j++) {
                if (j != q && score.apply(q, j) >= g) {
                    return false;
                }
            }
            return true;
        }).count();
        return (double) hits / n;
    }

    private static float[] latentMean(CaptionBenchmark.CaptionWorld world, NpyDirectoryStore store, Clip c) {
        VideoFeatures f = load(store, c);
        int[] idx = FrameSampler.frameIndices(c.start(), c.end(), store.fps(), f.frames(), Integer.MAX_VALUE, null);
        float[] z = new float[world.latent];
        for (int t : idx) {
            float[] zt = world.invert(f.data(), t * f.dim());
            for (int i = 0; i < z.length; i++) {
                z[i] += zt[i];
            }
        }
        return z;
    }

    private static double[] meanFeature(NpyDirectoryStore store, Clip c) {
        VideoFeatures f = load(store, c);
        int[] idx = FrameSampler.frameIndices(c.start(), c.end(), store.fps(), f.frames(), Integer.MAX_VALUE, null);
        double[] m = new double[f.dim() + 1];
        for (int t : idx) {
            for (int a = 0; a < f.dim(); a++) {
                m[a] += f.data()[t * f.dim() + a] / idx.length;
            }
        }
        m[f.dim()] = 1; // bias
        return m;
    }

    private static VideoFeatures load(NpyDirectoryStore store, Clip c) {
        try {
            return store.load(c.videoId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[] unit(double[] v) {
        double n = Math.sqrt(dot(v, v)) + 1e-30;
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Cholesky solve of a symmetric positive definite system; hand-written: the pom has no linear algebra library. */
    static double[][] solve(double[][] a, double[][] b) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        int m = b[0].length;
        double[][] x = new double[n][m];
        IntStream.range(0, m).parallel().forEach(c -> {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                double s = b[i][c];
                for (int k = 0; k < i; k++) {
                    s -= l[i][k] * y[k];
                }
                y[i] = s / l[i][i];
            }
            for (int i = n - 1; i >= 0; i--) {
                double s = y[i];
                for (int k = i + 1; k < n; k++) {
                    s -= l[k][i] * x[k][c];
                }
                x[i][c] = s / l[i][i];
            }
        });
        return x;
    }
}
