package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.taco.features.FeatureException;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.features.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoinSegmentationTest {

    /** The raw features as frame vectors: the probe then sees exactly what the test wrote. */
    static final CoinSegmentation.FrameEncoder RAW = v -> new FrameVectors(v.frames(), v.dim(), v.data().clone(),
            false);

    /** Frames of 6 s: background, step 3 at [1, 3), background, step 7 at [4, 6); features say which. */
    static float[] frames(double jitter) {
        float[][] rows = {{0, 0}, {4, 0}, {4, 0}, {0, 0}, {0, 4}, {0, 4}};
        float[] out = new float[12];
        for (int k = 0; k < 6; k++) {
            out[2 * k] = rows[k][0] + (float) jitter * k;
            out[2 * k + 1] = rows[k][1] - (float) jitter * k;
        }
        return out;
    }

    static String video(String subset, String id3, String id7) {
        return "{\"subset\": \"" + subset + "\", \"recipe_type\": 1, \"duration\": 6.0, \"annotation\": ["
                + "{\"id\": \"" + id3 + "\", \"segment\": [1.0, 3.0], \"label\": \"a\"},"
                + "{\"id\": \"" + id7 + "\", \"segment\": [4.0, 6.0], \"label\": \"b\"}]}";
    }

    static Path coin(Path dir, String badId) throws Exception {
        Path f = dir.resolve("features");
        Files.createDirectories(f);
        StringBuilder db = new StringBuilder("{\"database\": {");
        for (int i = 0; i < 4; i++) {
            db.append("\"tr").append(i).append("\": ").append(video("training", "3", "7")).append(',');
            Npy.writeFloat32(f.resolve("tr" + i + ".npy"), 6, 2, frames(0.01 * i));
        }
        db.append("\"te0\": ").append(video("testing", badId, "7")).append(',');
        Npy.writeFloat32(f.resolve("te0.npy"), 6, 2, frames(0.02));
        db.append("\"te1\": ").append(video("testing", "3", "7")).append("}}"); // te1 has no features
        Path json = dir.resolve("COIN.json");
        Files.writeString(json, db);
        return json;
    }

    static CoinSegmentation.Options options(boolean skipMissing) {
        CoinSegmentation.Options o = new CoinSegmentation.Options();
        o.epochs = 60;
        o.learningRate = 0.05;
        o.batchSize = 8;
        o.skipMissing = skipMissing;
        return o;
    }

    @Test
    void separableFramesAreSegmentedPerfectly(@TempDir Path dir) throws Exception {
        Path json = coin(dir, "3");
        try (FeatureStore store = FeatureStores.open(dir.resolve("features"), 1.0);
                NDManager m = NDManager.newBaseManager()) {
            CoinSegmentation.Report r = CoinSegmentation.run(json, store, RAW, options(true), m);
            assertEquals(3, r.classes()); // background, 3, 7
            assertEquals(4, r.trainVideos());
            assertEquals(24, r.trainFrames());
            assertEquals(1, r.testVideos());
            assertEquals(1, r.missing()); // te1
            assertEquals(6, r.accuracy().frames());
            assertEquals(4, r.accuracy().foregroundFrames());
            assertEquals(100.0, r.accuracy().accuracy(), 1e-9);
            assertEquals(100.0, r.accuracy().accuracyWithoutBackground(), 1e-9);
            assertTrue(r.lastLoss() < r.firstLoss(), r.firstLoss() + " -> " + r.lastLoss());
        }
    }

    @Test
    void missingFeaturesFailByDefaultNamingTheVideo(@TempDir Path dir) throws Exception {
        Path json = coin(dir, "3");
        try (FeatureStore store = FeatureStores.open(dir.resolve("features"), 1.0);
                NDManager m = NDManager.newBaseManager()) {
            FeatureException e = assertThrows(FeatureException.class,
                    () -> CoinSegmentation.run(json, store, RAW, options(false), m));
            assertTrue(e.getMessage().contains("te1"), e.getMessage());
        }
    }

    @Test
    void stepIdZeroIsRejectedNamingTheVideo(@TempDir Path dir) throws Exception {
        Path json = coin(dir, "0");
        try (FeatureStore store = FeatureStores.open(dir.resolve("features"), 1.0);
                NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CoinSegmentation.run(json, store, RAW, options(true), m));
            assertTrue(e.getMessage().contains("te0") && e.getMessage().contains("id"), e.getMessage());
        }
    }
}
