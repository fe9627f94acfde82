package io.github.taco.eval;

import io.github.taco.data.Batch;
import io.github.taco.data.BatchBuilder;
import io.github.taco.data.Clip;
import io.github.taco.data.Dataset;
import io.github.taco.data.Datasets;
import io.github.taco.data.MissingPolicy;
import io.github.taco.data.Split;
import io.github.taco.data.synth.Lexicon;
import io.github.taco.data.synth.SynthTruth;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.Checkpoint;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What a trained model confuses on the synthetic benchmark: for every text→video query whose true
 * clip is not ranked first, which concepts (verb, object, attribute, amount, tool, place) the
 * clip ranked first differs in from the true one. Not a JUnit test: run with plain
 * {@code java -cp … io.github.taco.eval.ConfusionAnalysis SYNTH_DIR CHECKPOINT [clips]}; the
 * queries are the ones {@code taco ablate} evaluates (the first {@code clips} validation clips).
 */
public final class ConfusionAnalysis {
    private ConfusionAnalysis() {}

    public static void main(String[] args) throws Exception {
        Path synth = Path.of(args[0]);
        Path checkpoint = Path.of(args[1]);
        int max = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        SynthTruth truth = SynthTruth.read(synth);
        Dataset dataset = Datasets.read("youcook2", synth.resolve("youcookii_annotations_trainval.json"));
        List<Clip> clips = dataset.clips(Split.VALIDATION);
        clips = clips.subList(0, Math.min(max, clips.size()));
        try (Checkpoint ckpt = Checkpoint.open(checkpoint);
                FeatureStore store = FeatureStores.open(synth.resolve("features"), 1.0)) {
            TacoConfig c = ckpt.config();
            List<Batch> batches = EvalRun.queryBatches(clips, new BatchBuilder(store, ckpt.text(), c.maxFrames, c.maxTokens, true, MissingPolicy.FAIL));
            float[][][] m = new RetrievalEvaluator(ckpt.model(), RetrievalEvaluator.Options.defaults()).scoreMatrices(batches);
            int n = clips.size();
            int[][] concepts = new int[n][];
            for (int i = 0; i < n; i++) {
                concepts[i] = truth.clip(clips.get(i).clipId()).concepts();
            }
            // how often each query's (verb, object) pair occurs among the training clips: with the
            // interaction knob an object's look depends on the verb, so a pair never trained on is hard
            Map<List<Integer>, Integer> pairCounts = new HashMap<>();
            for (Clip t : dataset.clips(Split.TRAIN)) {
                int[] tc = truth.clip(t.clipId()).concepts();
                pairCounts.merge(List.of(tc[0], tc[1]), 1, Integer::sum);
            }
            int[] seen = new int[n];
            for (int i = 0; i < n; i++) {
                seen[i] = pairCounts.getOrDefault(List.of(concepts[i][0], concepts[i][1]), 0);
            }
            report("s1", m[0], null, concepts, seen);
            if (c.useL2) {
                report("s1+0.5s2", m[0], m[1], concepts, seen);
                report("s2 alone", null, m[1], concepts, seen);
            }
        }
    }

    private static final int[] SEEN_BUCKETS = {0, 1, 3, 6, 11, Integer.MAX_VALUE};

    private static void report(String name, float[][] s1, float[][] s2, int[][] concepts, int[] seen) {
        int n = concepts.length;
        Lexicon.Kind[] kinds = Lexicon.Kind.values();
        int errors = 0;
        int[] bucketQueries = new int[SEEN_BUCKETS.length - 1];
        int[] bucketHits = new int[SEEN_BUCKETS.length - 1];
        int[] kindDiffers = new int[kinds.length];
        int[] onlyKind = new int[kinds.length];
        int[] diffCount = new int[kinds.length + 1];
        int[] chanceDiffCount = new int[kinds.length + 1];
        for (int i = 0; i < n; i++) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            double trueScore = score(s1, s2, i, i);
            for (int j = 0; j < n; j++) {
                double sc = score(s1, s2, i, j);
                if (j != i && sc >= bestScore) {
                    bestScore = sc;
                    best = j;
                }
            }
            chanceDiffCount[differences(concepts[i], concepts[(i + 1 + (i * 7919) % (n - 1)) % n], null)]++;
            int b = 0;
            while (seen[i] >= SEEN_BUCKETS[b + 1]) b++;
            bucketQueries[b]++;
            if (bestScore < trueScore) {
                bucketHits[b]++;
                continue;
            }
            errors++;
            boolean[] differs = new boolean[kinds.length];
            int d = differences(concepts[i], concepts[best], differs);
            diffCount[d]++;
            for (int k = 0; k < kinds.length; k++) {
                if (differs[k]) {
                    kindDiffers[k]++;
                    if (d == 1) {
                        onlyKind[k]++;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n== %s: %d of %d queries miss (R@1 %.1f)%n", name, errors, n, 100.0 * (n - errors) / n);
        System.out.println("R@1 by how many training clips have the query's (verb, object) pair:");
        for (int b = 0; b < bucketQueries.length; b++) {
            System.out.printf(Locale.ROOT, "  %s: %4d queries, R@1 %.1f%n", b == bucketQueries.length - 1 ? ">= " + SEEN_BUCKETS[b]
                    : SEEN_BUCKETS[b] + "-" + (SEEN_BUCKETS[b + 1] - 1), bucketQueries[b], 100.0 * bucketHits[b] / Math.max(1, bucketQueries[b]));
        }
        System.out.println("concepts the top-ranked wrong clip differs in (count of errors | a random other clip, for scale):");
        for (int d = 0; d <= kinds.length; d++) {
            System.out.printf(Locale.ROOT, "  %d differing: %4d (%.0f%%) | random %.0f%%%n", d, diffCount[d],
                    100.0 * diffCount[d] / Math.max(1, errors), 100.0 * chanceDiffCount[d] / n);
        }
        // how strongly the score reacts to each concept: mean margin s(i, i) − s(i, j) over the
        // pairs whose concepts differ in exactly that one kind (scores in units of the model's own scale)
        double[] marginSum = new double[kinds.length];
        int[] marginPairs = new int[kinds.length];
        double allSum = 0;
        long allPairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i == j) continue;
                double margin = score(s1, s2, i, i) - score(s1, s2, i, j);
                allSum += margin;
                allPairs++;
                boolean[] differs = new boolean[kinds.length];
                if (differences(concepts[i], concepts[j], differs) == 1) {
                    for (int k = 0; k < kinds.length; k++) {
                        if (differs[k]) {
                            marginSum[k] += margin;
                            marginPairs[k]++;
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "mean margin true − other: all pairs %.2f; pairs differing in one kind only:", allSum / allPairs);
        for (int k = 0; k < kinds.length; k++) {
            System.out.printf(Locale.ROOT, " %s %.2f (%d)", kinds[k], marginSum[k] / Math.max(1, marginPairs[k]), marginPairs[k]);
        }
        System.out.println();
        // which side is blind: for a pair (i, j) differing in one kind, how far apart are the two texts'
        // score rows (text side) and the two videos' score columns (video side), relative to random pairs
        System.out.print("mean |row_i − row_j| (texts) / |col_i − col_j| (videos), one-kind pairs vs all pairs:");
        double[] allSides = sides(s1, s2, n, -1, -1);
        System.out.printf(Locale.ROOT, " all %.2f / %.2f;", allSides[0], allSides[1]);
        for (int k = 0; k < kinds.length; k++) {
            double t = 0, v = 0;
            int c = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    boolean[] differs = new boolean[kinds.length];
                    if (differences(concepts[i], concepts[j], differs) == 1 && differs[k]) {
                        double[] sd = sides(s1, s2, n, i, j);
                        t += sd[0];
                        v += sd[1];
                        c++;
                    }
                }
            }
            if (c > 0) System.out.printf(Locale.ROOT, " %s %.2f / %.2f", kinds[k], t / c, v / c);
        }
        System.out.println();
        System.out.println("per kind: errors where it differs / errors where it is the only difference");
        for (int k = 0; k < kinds.length; k++) {
            System.out.printf(Locale.ROOT, "  %-9s %4d (%.0f%%) / %4d%n", kinds[k], kindDiffers[k], 100.0 * kindDiffers[k] / Math.max(1, errors),
                    onlyKind[k]);
        }
    }

    /** {mean |score(i, ·) − score(j, ·)|, mean |score(·, i) − score(·, j)|}; i = -1: averaged over 2,000 fixed pairs. */
    private static double[] sides(float[][] s1, float[][] s2, int n, int i, int j) {
        if (i < 0) {
            double[] acc = new double[2];
            Random r = new Random(0);
            for (int p = 0; p < 2000; p++) {
                int a = r.nextInt(n), b = (a + 1 + r.nextInt(n - 1)) % n;
                double[] d = sides(s1, s2, n, a, b);
                acc[0] += d[0] / 2000;
                acc[1] += d[1] / 2000;
            }
            return acc;
        }
        double t = 0, v = 0;
        for (int k = 0; k < n; k++) {
            t += Math.abs(score(s1, s2, i, k) - score(s1, s2, j, k));
            v += Math.abs(score(s1, s2, k, i) - score(s1, s2, k, j));
        }
        return new double[] {t / n, v / n};
    }

    private static double score(float[][] s1, float[][] s2, int i, int j) {
        if (s1 == null) {
            return s2[i][j];
        }
        return s1[i][j] + (s2 == null ? 0 : 0.5 * s2[i][j]);
    }

    private static int differences(int[] a, int[] b, boolean[] differs) {
        int d = 0;
        for (int k = 0; k < a.length; k++) {
            if (a[k] != b[k]) {
                d++;
                if (differs != null) {
                    differs[k] = true;
                }
            }
        }
        return d;
    }
}
