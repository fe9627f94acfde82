package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.taco.data.synth.Lexicon;
import io.github.taco.data.synth.SynthConfig;
import io.github.taco.data.synth.SynthData;
import io.github.taco.data.synth.SynthVideo;
import io.github.taco.data.synth.SyntheticBenchmark;
import io.github.taco.data.synth.SyntheticTasks;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.model.Checkpoint;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.train.TrainOptions;
import io.github.taco.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end check of the frame-level tasks: a tiny model trained briefly on a small synthetic
 * benchmark localizes steps (synthetic CrossTask) and segments actions (synthetic COIN, linear probe)
 * better than the same architecture with random weights, all through the real readers and the
 * feature store.
 */
class TrainedBeatsUntrainedOnTasksTest {
    static final int STEPS = 150;

    /**
     * 150 easy videos (low noise, additive features) over 6 verbs and 8 objects, 64-d features: few
     * concepts so that a few dozen training steps see each (verb, object) pair often, and the
     * COIN probe has ≤ 48 step classes with examples of each.
     */
    static SynthConfig smallWorld() {
        SynthConfig d = SynthConfig.defaults().withVideos(150).withDim(64).withDifficulty(0.3, 0.8, 1.0, 0.0);
        return new SynthConfig(d.seed(), d.trainVideos(), d.valVideos(), d.narrationVideos(), d.dim(), d.latentDim(),
                d.minSteps(), d.maxSteps(), d.minStepSeconds(), d.maxStepSeconds(), d.idleFraction(), d.noise(),
                d.background(), 6, 8, d.attributes(), d.amounts(), d.tools(), d.places(), d.zipf(),
                d.videoIngredients(), d.ingredientReuse(), d.toolRate(), d.placeRate(), d.synonymRate(), d.fillerRate(),
                d.shiftRate(), d.offTopicRate(), d.jitterSeconds(), d.nonlinearity(), d.interaction());
    }

    /**
     * A vocab.txt of the benchmark's caption words and of the synthetic step names (whole words
     * only: every word is in the vocabulary, so WordPiece never splits), so the text encoder's
     * embedding table is small and training steps are cheap.
     */
    static Path writeVocabulary(SynthData data, Path file) throws IOException {
        Set<String> words = new TreeSet<>();
        for (SynthVideo v : data.videos()) {
            for (String cap : v.captions()) words.addAll(Arrays.asList(cap.toLowerCase().split("[^a-z]+")));
        }
        for (Lexicon.Kind k : Lexicon.Kind.values()) {
            for (int i = 0; i < Lexicon.size(k); i++) words.addAll(
                    Arrays.asList(Lexicon.name(k, i).toLowerCase().split("[^a-z]+")));
        }
        words.remove("");
        List<String> lines = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        lines.addAll(words);
        Files.write(file, lines);
        return file;
    }

    @Test
    void trainedModelBeatsRandomInitOnCrossTaskAndCoin(@TempDir Path dir) throws Exception {
        Path synth = dir.resolve("synth");
        SynthData data = SyntheticBenchmark.generateTo(smallWorld(), synth);
        Path vocab = writeVocabulary(data, dir.resolve("vocab.txt"));

        TrainingRun.Spec spec = Demo.trainingSpec(synth, dir.resolve("train"), 5);
        TacoConfig c = TacoConfig.cpu(0);
        c.hiddenSize = 64;
        c.numAttentionHeads = 4;
        c.intermediateSize = 128;
        c.textLayers = 1;
        c.videoLayers = 1;
        c.fusionLayers = 1;
        c.maxFrames = 16;
        // Pinned, not the preset's: the margins below were measured with dropout 0.1. Without it
        // this 150-step run over-fits the captions and the short step names localize worse
        // (measured: 33.3 vs 21.6 untrained, against 45.7 vs 14.6 with dropout).
        c.dropout = 0.1;
        c.losses("L1+L2");
        spec.model = c;
        spec.vocabulary = vocab;
        TrainOptions o = new TrainOptions();
        o.steps = STEPS;
        o.batchSize = 32;
        o.learningRate = 3e-3;
        o.warmupSteps = 10;
        o.seed = 5;
        spec.train = o;
        spec.evalEvery = 0;
        spec.validator = null;
        spec.logEvery = 1000;
        long t0 = System.nanoTime();
        TrainingRun.Result trained = TrainingRun.run(spec);
        double trainSec = (System.nanoTime() - t0) / 1e9;

        Path crossTask = dir.resolve("crosstask_release");
        SyntheticTasks.writeCrossTask(synth, crossTask, SyntheticTasks.DEFAULT_MAX_TASK_STEPS);
        SyntheticTasks.writeCoin(synth, dir.resolve("coin"));
        Path coinJson = dir.resolve("coin").resolve("COIN.json");

        try (Checkpoint ckpt = Checkpoint.open(trained.checkpoint());
                FeatureStore store = FeatureStores.open(synth.resolve(SyntheticBenchmark.FEATURES_DIR), 1.0);
                NDManager root = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
                TacoModel random = new TacoModel(ckpt.config(), root, 123)) {
            ckpt.model().setTraining(false);
            int w = ckpt.config().maxFrames;
            double[] recall = new double[2];
            double[] recallS1 = new double[2];
            double[] coin = new double[2];
            double[] coinFg = new double[2];
            TacoModel[] models = {ckpt.model(), random};
            for (int i = 0; i < 2; i++) {
                TacoModel m = models[i];
                recall[i] = CrossTaskEvaluator.evaluate(crossTask, CrossTaskEvaluator.Split.VAL, store,
                        new CrossTaskEvaluator.ModelScorer(m, ckpt.text(), 1.0, w)).recall().average();
                recallS1[i] = CrossTaskEvaluator.evaluate(crossTask, CrossTaskEvaluator.Split.VAL, store,
                        new CrossTaskEvaluator.ModelScorer(m, ckpt.text(), 0.0, w)).recall().average();
                CoinSegmentation.Options co = new CoinSegmentation.Options();
                co.epochs = 20;
                CoinSegmentation.Report r = CoinSegmentation.run(coinJson, store, v -> FrameVectors.encode(m, v, w), co,
                        root);
                coin[i] = r.accuracy().accuracy();
                coinFg[i] = r.accuracy().accuracyWithoutBackground();
            }
            System.out.printf("training %.1f s, last loss %.3f%n"
                            + "CrossTask recall, [CLS] + token term: trained %.1f%%, untrained %.1f%%; [CLS] only: "
                            + "trained %.1f%%, untrained %.1f%%%nCOIN frame accuracy: trained %.1f%% (%.1f%% w/o bg), "
                            + "untrained %.1f%% (%.1f%% w/o bg)%n",
                    trainSec, trained.last().loss(), recall[0], recall[1], recallS1[0], recallS1[1], coin[0], coinFg[0],
                    coin[1], coinFg[1]);
            // Measured (150 steps): 45.7 vs 14.6. The short step names ("chop onion") are far from the
            // training captions' sentences, so after a short run their [CLS] vector localizes weakly
            // (34.3 vs 31.5, not asserted); the token-level term matches the words directly.
            assertTrue(recall[0] > recall[1] + 15,
                    "CrossTask recall: trained " + recall[0] + " vs untrained " + recall[1]);
            // Measured: 62.2 vs 57.9 without background. A linear probe on a random encoder is
            // already strong here (the features are an additive code of the concepts and the random
            // projection keeps them linearly separable), so the margin is small.
            assertTrue(coinFg[0] > coinFg[1] + 2,
                    "COIN accuracy w/o background: trained " + coinFg[0] + " vs untrained " + coinFg[1]);
        }
    }
}
