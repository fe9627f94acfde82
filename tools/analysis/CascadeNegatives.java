import io.github.taco.data.Batch;
import io.github.taco.data.BatchBuilder;
import io.github.taco.data.Clip;
import io.github.taco.data.Datasets;
import io.github.taco.data.MissingPolicy;
import io.github.taco.data.Split;
import io.github.taco.data.synth.ContentWords;
import io.github.taco.eval.EvalRun;
import io.github.taco.eval.RetrievalEvaluator;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.loss.NegativeSampler;
import io.github.taco.model.Checkpoint;
import io.github.taco.model.Negatives;
import io.github.taco.model.TacoConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * What L3's negatives say, compared by their captions' words: for batches of K validation clips of the
 * built-in benchmark, the K' videos the cascade gives each text anchor (highest s1 + s2 of a trained
 * checkpoint, as TacoObjective chooses them) against K' random ones. A negative whose caption names
 * the same visible lemmas as the anchor's renders the same concepts: pushing it away in L3 teaches
 * the encoders nothing true about the anchor.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp target/taco.jar tools/analysis/CascadeNegatives.java \
 *     CHECKPOINT SYNTH_DIR [batches=200] [K=64] [K'=4] [useS2=auto]
 * </pre>
 * (with DJL_OFFLINE=true OPT_OUT_TRACKING=true in the environment). Not part of the jar: an analysis
 * behind docs/ablation-youcook2.md.
 */
public class CascadeNegatives {
    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        Path checkpoint = Path.of(args[0]);
        Path synth = Path.of(args[1]);
        int batches = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int k = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int kPrime = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        List<Clip> clips = Datasets.read("youcook2", synth.resolve("youcookii_annotations_trainval.json")).clips(Split.VALIDATION);
        try (Checkpoint ckpt = Checkpoint.open(checkpoint); FeatureStore store = FeatureStores.open(synth.resolve("features"), 1.0)) {
            TacoConfig c = ckpt.config();
            boolean useS2 = args.length > 5 ? Boolean.parseBoolean(args[5]) : c.useL2;
            BatchBuilder builder = new BatchBuilder(store, ckpt.text(), c.maxFrames, c.maxTokens, true, MissingPolicy.FAIL);
            List<Batch> parts = EvalRun.queryBatches(clips, builder);
            float[][][] m = new RetrievalEvaluator(ckpt.model(), new RetrievalEvaluator.Options(0, 0)).scoreMatrices(parts);
            int n = m[0].length;
            List<Set<String>> lemmas = new ArrayList<>();
            for (Clip clip : clips) lemmas.add(new HashSet<>(ContentWords.of(clip.texts().get(0))));

            Random random = new Random(1);
            Stats cascade = new Stats(), rand = new Stats(), closest = new Stats();
            for (int b = 0; b < batches; b++) {
                int[] batch = random.ints(0, n).distinct().limit(k).toArray();
                // r[i * K + j] = r(v_j, t_i): s1 (+ s2) of the batch, as TacoObjective hands it to the sampler
                float[] r = new float[k * k];
                for (int a = 0; a < k; a++) {
                    for (int b2 = 0; b2 < k; b2++) {
                        r[a * k + b2] = m[0][batch[a]][batch[b2]] + (useS2 ? m[1][batch[a]][batch[b2]] : 0f);
                    }
                }
                NegativeSampler.Selection cascadeSel = NegativeSampler.select(Negatives.CASCADE, r, k, kPrime, random);
                NegativeSampler.Selection randomSel = NegativeSampler.select(Negatives.RANDOM, null, k, kPrime, random);
                for (int a = 0; a < k; a++) {
                    int i = batch[a];
                    // the negatives L3 would take, chosen by the training code itself (NegativeSampler)
                    for (int q : cascadeSel.videosForText()[a]) cascade.add(lemmas.get(i), lemmas.get(batch[q]));
                    for (int q : randomSel.videosForText()[a]) rand.add(lemmas.get(i), lemmas.get(batch[q]));
                    Integer[] others = new Integer[k - 1];
                    for (int o = 0, t = 0; o < k; o++) if (o != a) others[t++] = batch[o];
                    // the K' batch-mates whose captions overlap most (what a perfect lexical ranking would pick)
                    Integer[] byWords = others.clone();
                    java.util.Arrays.sort(byWords, (x, y) -> Double.compare(jaccard(lemmas.get(i), lemmas.get(y)), jaccard(lemmas.get(i), lemmas.get(x))));
                    for (int q = 0; q < kPrime; q++) closest.add(lemmas.get(i), lemmas.get(byWords[q]));
                }
            }
            System.out.printf(Locale.ROOT, "%s: %d validation clips, %d batches of K = %d, K' = %d, r = s1%s%n", checkpoint, n, batches, k,
                    kPrime, useS2 ? " + s2" : "");
            System.out.println("negatives              mean Jaccard  same lemmas  Jaccard >= 0.5  share a lemma");
            cascade.print("cascade (model's)");
            rand.print("random");
            closest.print("most overlapping words");
        }
    }

    static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) return 1;
        int both = 0;
        for (String w : a) if (b.contains(w)) both++;
        return both / (double) (a.size() + b.size() - both);
    }

    static final class Stats {
        long count, same, half, share;
        double jaccard;

        void add(Set<String> anchor, Set<String> negative) {
            double j = jaccard(anchor, negative);
            count++;
            jaccard += j;
            if (anchor.equals(negative)) same++;
            if (j >= 0.5) half++;
            if (j > 0) share++;
        }

        void print(String name) {
            System.out.printf(Locale.ROOT, "%-22s %12.3f %11.1f%% %14.1f%% %13.1f%%%n", name, jaccard / count, 100.0 * same / count,
                    100.0 * half / count, 100.0 * share / count);
        }
    }
}
