package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.model.TacoModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text encoder's own learning rate (docs/method.md §6): {@code TrainOptions.textLearningRate}
 * scales the schedule for the {@code text.} embeddings and layers, not for {@code text.proj}, the
 * video encoder or the fusion.
 */
class TextLearningRateTest {
    static {
        // bit-exact comparisons between runs need the same kernels in the same order
        System.setProperty("ai.djl.pytorch.num_threads", "1");
    }

    static TrainOptions options(Double textRate) {
        TrainOptions o = TextWidthTest.options();
        o.weightDecay = 0.01; // large enough that a decayed-but-frozen weight would show
        o.textLearningRate = textRate;
        return o;
    }

    /** Every weight after {@code steps} steps from the same start (seed 1, batches 100..). */
    static Map<String, float[]> train(TrainOptions o, int steps, double[] losses) {
        try (NDManager root = NDManager.newBaseManager();
                TacoModel model = new TacoModel(TextWidthTest.wide(), root, 1);
                Trainer t = new Trainer(model, o)) {
            for (int s = 0; s < steps; s++) {
                Trainer.StepResult r = t.train(TextWidthTest.batch(100 + s));
                assertFalse(r.skipped(), "step " + s);
                if (losses != null) losses[s] = r.loss();
            }
            return snapshot(model);
        }
    }

    static Map<String, float[]> snapshot(TacoModel model) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (String name : model.weights().names()) m.put(name, model.weights().get(name).toFloatArray());
        return m;
    }

    static Map<String, float[]> initial() {
        try (NDManager root = NDManager.newBaseManager();
                TacoModel model = new TacoModel(TextWidthTest.wide(), root, 1)) {
            return snapshot(model);
        }
    }

    @Test
    void rateZeroFreezesTheTextEncoderButNotTheProjectionVideoOrFusion() {
        Map<String, float[]> start = initial();
        Map<String, float[]> end = train(options(0.0), 3, null);
        int frozen = 0, moved = 0;
        for (String name : start.keySet()) {
            if (TacoModel.isTextEncoderWeight(name)) {
                assertArrayEquals(start.get(name), end.get(name), 0f, name + " must not change at text rate 0");
                frozen++;
            } else {
                assertFalse(Arrays.equals(start.get(name), end.get(name)), name + " must train at the main rate");
                moved++;
            }
        }
        assertTrue(frozen > 10 && moved > 10, frozen + " frozen, " + moved + " moved");
        assertTrue(start.containsKey("text.proj.weight") && !TacoModel.isTextEncoderWeight("text.proj.weight"));
    }

    @Test
    void aTextRateEqualToTheRateUpdatesExactlyAsWithoutIt() {
        double[] plain = new double[3], same = new double[3];
        Map<String, float[]> a = train(options(null), 3, plain);
        Map<String, float[]> b = train(options(TextWidthTest.options().learningRate), 3, same);
        assertArrayEquals(plain, same, 0.0);
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name), b.get(name), 0f, name);
        }
    }

    @Test
    void theTextRateScalesTheTextEncodersUpdateOnly() {
        // First step: same weights, same gradients, fresh moments, so each update is proportional to its rate.
        Map<String, float[]> start = initial();
        Map<String, float[]> full = train(options(null), 1, null);
        Map<String, float[]> half = train(options(TextWidthTest.options().learningRate / 2), 1, null);
        for (String name : start.keySet()) {
            float[] s = start.get(name), f = full.get(name), h = half.get(name);
            if (TacoModel.isTextEncoderWeight(name)) {
                double maxDelta = 0;
                for (int i = 0; i < s.length; i++) maxDelta = Math.max(maxDelta, Math.abs(f[i] - s[i]));
                for (int i = 0; i < s.length; i++) {
                    assertEquals(0.5 * (f[i] - s[i]), h[i] - s[i], 1e-3 * maxDelta + 1e-9,
                            name + "[" + i + "]: half the update");
                }
            } else {
                assertArrayEquals(f, h, 0f, name + " takes the main rate");
            }
        }
    }

    @Test
    void resumeKeepsTheTextRateAndIsBitExact(@TempDir Path tmp) throws Exception {
        TrainOptions o = options(3e-4);
        Path ckpt = tmp.resolve("ckpt");
        double[] straight = new double[3];
        try (NDManager root = NDManager.newBaseManager();
                TacoModel model = new TacoModel(TextWidthTest.wide(), root, 1);
                Trainer t = new Trainer(model, o)) {
            for (int s = 0; s < 5; s++) t.train(TextWidthTest.batch(100 + t.step()));
            t.save(ckpt, Map.of());
            for (int s = 0; s < 3; s++) straight[s] = t.train(TextWidthTest.batch(100 + t.step())).loss();
        }
        JsonNode state = new ObjectMapper().readTree(ckpt.resolve(Trainer.STATE_FILE).toFile());
        assertEquals(3e-4, state.get("options").get("textLearningRate").asDouble(), 0.0);
        // as `taco train --resume` does: options from the command line, which leave the text rate unset
        TrainOptions commandLine = options(null);
        for (TrainOptions override : new TrainOptions[] {null, commandLine}) {
            try (NDManager root = NDManager.newBaseManager(); Trainer t = Trainer.resume(ckpt, root, override)) {
                assertEquals(3e-4, t.options().textLearningRate, 0.0);
                for (int s = 0; s < 3; s++) {
                    assertEquals(straight[s], t.train(TextWidthTest.batch(100 + t.step())).loss(), 0.0,
                            "step " + (5 + s));
                }
                t.model().close();
            }
        }
        assertNull(commandLine.textLearningRate, "the caller's options are not changed");
    }

    @Test
    void withoutTheOptionTheSavedSettingsAreAsBefore(@TempDir Path tmp) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                TacoModel model = new TacoModel(TextWidthTest.wide(), root, 1);
                Trainer t = new Trainer(model, options(null))) {
            t.save(tmp.resolve("ckpt"), Map.of());
        }
        JsonNode state = new ObjectMapper().readTree(tmp.resolve("ckpt").resolve(Trainer.STATE_FILE).toFile());
        assertFalse(state.get("options").has("textLearningRate"), state.toString());
    }

    @Test
    void resumeKeepsTheScratchRatioTheRunStartedWith(@TempDir Path tmp) throws Exception {
        // a checkpoint of a run at ratio 1 (or saved before the ratio existed), resumed with the cpu
        // preset's options (ratio 4) as the command line gives them: it goes on at the rate it trained at
        try (NDManager root = NDManager.newBaseManager();
                TacoModel model = new TacoModel(TextWidthTest.wide(), root, 1);
                Trainer t = new Trainer(model, options(null))) {
            t.train(TextWidthTest.batch(100));
            t.save(tmp.resolve("ckpt"), Map.of());
        }
        TrainOptions commandLine = options(null);
        commandLine.scratchTextRateRatio = 4;
        try (NDManager root = NDManager.newBaseManager();
                Trainer t = Trainer.resume(tmp.resolve("ckpt"), root, commandLine)) {
            assertEquals(1.0, t.options().textRateScale(), 0.0);
            t.model().close();
        }
        TrainOptions four = options(null);
        four.scratchTextRateRatio = 4;
        assertEquals(4.0, four.textRateScale(), 0.0);
        assertEquals(4 * four.learningRate, four.effectiveTextLearningRate(), 1e-18);
    }

    @Test
    void aPretrainedTextEncoderDefaultsToAFifthOfTheRate() {
        TrainingRun.Spec spec = new TrainingRun.Spec();
        spec.train = Preset.CPU.train();
        assertNull(TrainingRun.trainOptions(spec).textLearningRate, "from scratch: the preset's ratio decides");
        assertEquals(4 * spec.train.learningRate, TrainingRun.trainOptions(spec).effectiveTextLearningRate(), 1e-18);
        spec.bert = Path.of("some-bert");
        assertEquals(spec.train.learningRate * 0.2, TrainingRun.trainOptions(spec).textLearningRate, 1e-18);
        assertNull(spec.train.textLearningRate, "the spec is not changed");
        spec.train.textLearningRate = 7e-5;
        assertEquals(7e-5, TrainingRun.trainOptions(spec).textLearningRate, 0.0, "an explicit rate wins");
        spec.train.textLearningRate = null;
        spec.init = Path.of("a-checkpoint"); // --init loads a whole model; --bert is not used then
        assertNull(TrainingRun.trainOptions(spec).textLearningRate);
    }

    @Test
    void invalidTextRatesAreRefusedNamingTheField() {
        for (double bad : new double[] {-1e-4, Double.NaN, Double.POSITIVE_INFINITY}) {
            TrainOptions o = options(bad);
            var e = assertThrows(IllegalArgumentException.class, o::validate);
            assertTrue(e.getMessage().startsWith("textLearningRate must be >= 0"), e.getMessage());
        }
        options(0.0).validate(); // 0 is allowed: it freezes the text encoder
    }
}
