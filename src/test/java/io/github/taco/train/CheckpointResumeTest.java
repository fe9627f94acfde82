package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.taco.model.Negatives;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointResumeTest {
    static {
        // Exact replay needs the same kernels in the same order; one intra-op thread rules out any
        // variation in how a loaded machine splits reductions (this class runs in its own JVM).
        System.setProperty("ai.djl.pytorch.num_threads", "1");
    }

    static final int K = 6, M = 5, D = 4, N = 7, V = 25;

    static TacoConfig config(String negatives) {
        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        c.dropout = 0.1; // dropout must replay exactly too
        c.negatives = Negatives.parse(negatives);
        c.kPrime = 2;
        return c;
    }

    static TrainOptions options() {
        TrainOptions o = new TrainOptions();
        o.steps = 20;
        o.batchSize = K;
        o.learningRate = 1e-2;
        o.warmupSteps = 3;
        o.clipNorm = 1.0;
        o.seed = 7;
        return o;
    }

    static Trainer.BatchSource source() {
        return step -> TinyBatches.random(K, M, D, N, V, 1000 + step, 0f, 0, false);
    }

    @Test
    void saveThenLoadIsBitExact(@TempDir Path tmp) throws Exception {
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(config("cascade"), root, 1)) {
            model.save(tmp.resolve("ckpt"));
            try (TacoModel loaded = TacoModel.load(tmp.resolve("ckpt"), root)) {
                assertEquals(model.weights().names(), loaded.weights().names());
                for (String name : model.weights().names()) {
                    assertArrayEquals(model.weights().get(name).toFloatArray(),
                            loaded.weights().get(name).toFloatArray(), 0f, name);
                }
                assertEquals(model.config().toJson(), loaded.config().toJson());
            }
        }
    }

    @Test
    void resumingGivesTheSameNextLossesAsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        for (String negatives : new String[] {"cascade", "random"}) {
            Trainer.BatchSource src = source();
            double[] straight = new double[3];
            Path ckpt = tmp.resolve("step5-" + negatives);
            try (NDManager root = NDManager.newBaseManager();
                    TacoModel model = new TacoModel(config(negatives), root, 1);
                    Trainer t = new Trainer(model, options())) {
                for (int s = 0; s < 5; s++) t.train(src.batch(t.step()));
                t.save(ckpt, Map.of());
                for (int s = 0; s < 3; s++) straight[s] = t.train(src.batch(t.step())).loss();
            }
            try (NDManager root = NDManager.newBaseManager(); Trainer t = Trainer.resume(ckpt, root, null)) {
                assertEquals(5, t.step());
                for (int s = 0; s < 3; s++) {
                    assertEquals(straight[s], t.train(src.batch(t.step())).loss(), 0.0, negatives + " step " + (5 + s));
                }
                t.model().close();
            }
        }
    }

    @Test
    void checkpointFolderIsCompleteAndReplacedAtomically(@TempDir Path tmp) throws Exception {
        Path ckpt = tmp.resolve("ckpt");
        try (NDManager root = NDManager.newBaseManager();
                TacoModel model = new TacoModel(config("cascade"), root, 1);
                Trainer t = new Trainer(model, options())) {
            Path extra = Files.writeString(tmp.resolve("idf.json"), "{}");
            t.save(ckpt, Map.of("idf.json", extra));
            t.train(source().batch(0));
            t.save(ckpt, Map.of("idf.json", extra));
            for (String f : new String[] {"config.json", "model.safetensors", "optimizer.safetensors",
                    "trainer_state.json", "idf.json"}) {
                assertTrue(Files.isRegularFile(ckpt.resolve(f)), f);
            }
            try (var s = Files.list(tmp)) {
                assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")),
                        "temporary folders left behind");
            }
        }
    }

    @Test
    void corruptOrForeignFilesGiveClearErrors(@TempDir Path tmp) throws Exception {
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(config("cascade"), root, 1)) {
            Path ckpt = tmp.resolve("ckpt");
            model.save(ckpt);
            byte[] bytes = Files.readAllBytes(ckpt.resolve("model.safetensors"));
            Files.write(ckpt.resolve("model.safetensors"), Arrays.copyOf(bytes, bytes.length / 2));
            var e = assertThrows(IOException.class, () -> TacoModel.load(ckpt, root));
            assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
            var e2 = assertThrows(IOException.class, () -> TacoModel.load(tmp.resolve("nothing"), root));
            assertTrue(e2.getMessage().contains("config.json"), e2.getMessage());
            // a model of another size: shapes differ
            TacoConfig other = config("cascade");
            other.hiddenSize = 12;
            other.intermediateSize = 8;
            try (TacoModel big = new TacoModel(other, root, 1)) {
                big.save(tmp.resolve("big"));
            }
            Files.copy(tmp.resolve("big/model.safetensors"), ckpt.resolve("model.safetensors"),
                    StandardCopyOption.REPLACE_EXISTING);
            var e3 = assertThrows(IOException.class, () -> TacoModel.load(ckpt, root));
            assertTrue(e3.getMessage().contains("shape"), e3.getMessage());
        }
    }

    @Test
    void stepsDoNotLeakNativeArrays() {
        try (NDManager root = NDManager.newBaseManager();
                TacoModel model = new TacoModel(config("cascade"), root, 1);
                Trainer t = new Trainer(model, options())) {
            Trainer.BatchSource src = source();
            t.train(src.batch(0));
            t.train(src.batch(1));
            int before = count(root);
            for (int s = 0; s < 5; s++) t.train(src.batch(t.step()));
            assertEquals(before, count(root), "arrays accumulate across steps");
        }
    }

    private static int count(NDManager m) {
        return m.getManagedArrays().size();
    }
}
