package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.data.Batch;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A text encoder wider than d (docs/method.md §1): {@code text.proj} maps its tokens to d; the model
 * trains, saves and reloads with it; a text width equal to d leaves the model exactly as it was.
 */
class TextWidthTest {
    static {
        // identical scores before and after a reload need the same kernels in the same order
        System.setProperty("ai.djl.pytorch.num_threads", "1");
    }

    static final int K = 6, M = 5, D = 6, N = 7, V = 25;

    /** d = 32 (4 heads, feed-forward 64) with a text encoder 48 wide (4 heads, feed-forward 96): a small 384 → 128. */
    static TacoConfig wide() {
        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        c.hiddenSize = 32;
        c.numAttentionHeads = 4;
        c.intermediateSize = 64;
        c.textHiddenSize = 48;
        c.textAttentionHeads = 4;
        c.textIntermediateSize = 96;
        c.initializerRange = 0.02;
        c.similarity = Similarity.COSINE;
        c.dropout = 0.1;
        c.kPrime = 2;
        return c;
    }

    static TrainOptions options() {
        TrainOptions o = new TrainOptions();
        o.steps = 10;
        o.batchSize = K;
        o.learningRate = 1e-3;
        o.warmupSteps = 2;
        o.clipNorm = 1.0;
        o.seed = 5;
        return o;
    }

    static Batch batch(long seed) {
        return TinyBatches.random(K, M, D, N, V, seed, 0f, 0, false);
    }

    @Test
    void widerTextEncoderIsProjectedToD() {
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(wide(), root, 1)) {
            var w = model.weights();
            assertEquals(new Shape(V, 48), w.get("text.embeddings.word_embeddings.weight").getShape());
            assertEquals(new Shape(96, 48), w.get("text.encoder.layer.0.intermediate.dense.weight").getShape());
            assertEquals(new Shape(32, 48), w.get("text.proj.weight").getShape());
            assertEquals(new Shape(32), w.get("text.proj.bias").getShape());
            assertEquals(new Shape(32, D), w.get("video.proj.weight").getShape());
            assertEquals(new Shape(64, 32), w.get("fusion.encoder.layer.0.intermediate.dense.weight").getShape());
            // the projection follows the text encoder's tensors and precedes the video encoder's (checkpoint order)
            List<String> names = w.names();
            assertEquals(names.indexOf("text.proj.weight") + 2, names.indexOf("video.proj.weight"));
            assertTrue(names.stream().filter(n -> n.startsWith("text.") && !n.startsWith("text.proj."))
                    .allMatch(n -> names.indexOf(n) < names.indexOf("text.proj.weight")));
            try (NDManager m = root.newSubManager()) {
                TacoModel.Inputs in = batch(1).toInputs(m);
                NDArray h = model.textHiddenStates(in.tokenIds(), in.tokenMask());
                NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
                assertEquals(new Shape(K, N, 48), h.getShape());
                assertEquals(new Shape(K, N, 32), y.getShape());
                NDArray expected = h.matMul(w.get("text.proj.weight").transpose()).add(w.get("text.proj.bias"));
                assertTrue(y.allClose(expected, 1e-5, 1e-6, false), "y = h·Wᵀ + b for every token, [CLS] included");
                // every score works in d
                NDArray x = model.encodeVideo(in.features(), in.frameMask());
                assertEquals(new Shape(K, K),
                        model.s1(model.textVectors(y), model.videoVectors(x, in.frameMask())).getShape());
                assertEquals(new Shape(K, N, K), model.tokenScores(y, x, in.frameMask()).getShape());
                assertEquals(new Shape(2),
                        model.s3(y, in.tokenMask(), x, in.frameMask(), new int[] {0, 1}, new int[] {1, 0}).getShape());
            }
        }
    }

    @Test
    void trainsSavesAndReloadsWithIdenticalScores(@TempDir Path tmp) throws Exception {
        Path ckpt = tmp.resolve("ckpt");
        float[][] before;
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(wide(), root, 1);
                Trainer t = new Trainer(model, options())) {
            float[] proj0 = model.weights().get("text.proj.weight").toFloatArray();
            for (int s = 0; s < 4; s++) {
                Trainer.StepResult r = t.train(batch(100 + s));
                assertTrue(Double.isFinite(r.loss()) && !r.skipped(), "step " + s + ": " + r);
            }
            assertFalse(Arrays.equals(proj0, model.weights().get("text.proj.weight").toFloatArray()),
                    "the projection trains");
            t.save(ckpt, Map.of());
            before = scores(model, root);
        }
        // the projection's tensors are in the checkpoint under their documented names, and the config says the width
        try (NDManager m = NDManager.newBaseManager();
                InputStream in = Files.newInputStream(ckpt.resolve(TacoModel.WEIGHTS_FILE))) {
            List<String> names = new ArrayList<>();
            for (NDArray a : NDList.decode(m, in)) names.add(a.getName());
            assertTrue(names.contains("text.proj.weight") && names.contains("text.proj.bias"), names.toString());
        }
        JsonNode cfg = new ObjectMapper().readTree(ckpt.resolve(TacoModel.CONFIG_FILE).toFile());
        assertEquals(48, cfg.get("textHiddenSize").asInt());
        assertEquals(32, cfg.get("hiddenSize").asInt());
        try (NDManager root = NDManager.newBaseManager(); TacoModel loaded = TacoModel.load(ckpt, root)) {
            assertEquals(48, loaded.config().textWidth());
            float[][] after = scores(loaded, root);
            for (int i = 0; i < before.length; i++) {
                assertArrayEquals(before[i], after[i], 0f, "score " + i + " after reload");
            }
        }
    }

    /** s1, s2 and s3 on a fixed batch, evaluation mode. */
    static float[][] scores(TacoModel model, NDManager root) {
        model.setTraining(false);
        try (NDManager m = root.newSubManager()) {
            TacoModel.Inputs in = batch(7).toInputs(m);
            NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
            NDArray x = model.encodeVideo(in.features(), in.frameMask());
            NDArray s1 = model.s1(model.textVectors(y), model.videoVectors(x, in.frameMask()));
            NDArray s2 = model.s2(model.tokenScores(y, x, in.frameMask()), in.tokenWeights());
            int[] ti = new int[K * K], vi = new int[K * K];
            for (int p = 0; p < K * K; p++) {
                ti[p] = p / K;
                vi[p] = p % K;
            }
            NDArray s3 = model.s3(y, in.tokenMask(), x, in.frameMask(), ti, vi);
            return new float[][] {s1.toFloatArray(), s2.toFloatArray(), s3.toFloatArray()};
        }
    }

    @Test
    void aTextWidthEqualToDIsTheModelWithoutTheOption(@TempDir Path tmp) throws Exception {
        TacoConfig plain = TinyBatches.tinyConfig(D, M, N, V);
        TacoConfig explicit = plain.copy();
        explicit.textHiddenSize = plain.hiddenSize;
        explicit.textAttentionHeads = plain.numAttentionHeads;
        explicit.textIntermediateSize = plain.intermediateSize;
        try (NDManager root = NDManager.newBaseManager();
                TacoModel a = new TacoModel(plain, root, 3);
                TacoModel b = new TacoModel(explicit, root, 3)) {
            assertFalse(a.config().textProjected());
            assertEquals(a.weights().names(), b.weights().names());
            assertTrue(a.weights().names().stream().noneMatch(n -> n.startsWith("text.proj")),
                    a.weights().names().toString());
            for (String name : a.weights().names()) {
                assertArrayEquals(a.weights().get(name).toFloatArray(), b.weights().get(name).toFloatArray(), 0f, name);
            }
            // config.json keeps its old fields only: the text sizes are written only when set
            a.save(tmp.resolve("a"));
            String json = Files.readString(tmp.resolve("a").resolve(TacoModel.CONFIG_FILE));
            assertFalse(json.contains("textHiddenSize") || json.contains("textAttentionHeads")
                    || json.contains("textIntermediateSize"), json);
            try (TacoModel back = TacoModel.load(tmp.resolve("a"), root)) {
                assertEquals(a.config().toJson(), back.config().toJson());
            }
        }
        // a config.json written before the option existed reads as a text encoder of width d
        TacoConfig old = TacoConfig.fromJson(
                "{\"hiddenSize\": 64, \"numAttentionHeads\": 4, \"intermediateSize\": 256}");
        assertEquals(64, old.textWidth());
        assertEquals(4, old.textHeads());
        assertEquals(256, old.textIntermediate());
        assertFalse(old.textProjected());
    }

    @Test
    void invalidTextSizesAreRefusedNamingTheField() {
        TacoConfig c = wide();
        c.textAttentionHeads = 5;
        var e = assertThrows(IllegalArgumentException.class, c::validate);
        assertTrue(e.getMessage().contains("textHiddenSize (48)") && e.getMessage().contains("textAttentionHeads (5)"),
                e.getMessage());

        c = wide();
        c.textAttentionHeads = 0; // falls back to the shared heads: 48 / 5 does not divide either
        c.numAttentionHeads = 5;
        c.hiddenSize = 40;
        e = assertThrows(IllegalArgumentException.class, c::validate);
        assertTrue(e.getMessage().contains("textHiddenSize (48)") && e.getMessage().contains("numAttentionHeads (5)"),
                e.getMessage());

        for (String field : new String[] {"textHiddenSize", "textAttentionHeads", "textIntermediateSize"}) {
            TacoConfig bad = wide();
            switch (field) {
                case "textHiddenSize" -> bad.textHiddenSize = -1;
                case "textAttentionHeads" -> bad.textAttentionHeads = -2;
                default -> bad.textIntermediateSize = -3;
            }
            e = assertThrows(IllegalArgumentException.class, bad::validate);
            assertTrue(e.getMessage().startsWith(field + " must be >= 0"), e.getMessage());
        }
        // a config.json with a bad text size is refused when read, naming the field
        e = assertThrows(IllegalArgumentException.class,
                () -> TacoConfig.fromJson("{\"hiddenSize\": 32, \"numAttentionHeads\": 4, \"textHiddenSize\": 50}"));
        assertTrue(e.getMessage().contains("textHiddenSize (50)"), e.getMessage());
    }
}
