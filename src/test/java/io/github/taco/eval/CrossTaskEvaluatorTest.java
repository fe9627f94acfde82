package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.taco.features.FeatureException;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.features.Npy;
import io.github.taco.features.VideoFeatures;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import io.github.taco.text.CaptionEncoder;
import io.github.taco.text.EncodedText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossTaskEvaluatorTest {

    /** 1-d features; frames whose value is s prefer step s: sim = -(f - s)². */
    static final CrossTaskEvaluator.StepScorer NEAREST = (task, v) -> {
        float[][] sim = new float[v.frames()][task.steps().size()];
        for (int k = 0; k < v.frames(); k++) {
            for (int s = 0; s < sim[k].length; s++) {
                float d = v.data()[k] - s;
                sim[k][s] = -d * d;
            }
        }
        return sim;
    };

    static Path release(Path dir) throws Exception {
        Path root = dir.resolve("crosstask_release");
        Files.createDirectories(root.resolve("annotations"));
        Files.writeString(root.resolve("tasks_primary.txt"),
                "T1\nMake a\nhttp://a\n2\na,b\n\nT2\nMake c\nhttp://c\n1\nc\n\n");
        Files.writeString(root.resolve("videos_val.csv"), "T1,v1,u\nT1,v2,u\nT1,v4,u\nT1,v5,u\nT2,v3,u\nT9,v6,u\n");
        Files.writeString(root.resolve("videos.csv"), "T1,v1,u\nT1,v7,u\n");
        Path a = root.resolve("annotations");
        Files.writeString(a.resolve("T1_v1.csv"), "1,0.0,2.0\n2,2.0,4.0\n");
        // step 2 before step 1: an ordered alignment must miss one
        Files.writeString(a.resolve("T1_v2.csv"), "1,1.0,4.0\n2,0.0,1.0\n");
        Files.writeString(a.resolve("T1_v5.csv"), "1,0.0,1.0\n");
        Files.writeString(a.resolve("T2_v3.csv"), "1,1.0,2.0\n");
        Files.writeString(a.resolve("T9_v6.csv"), "1,0.0,1.0\n");
        Files.writeString(a.resolve("T1_v7.csv"), "1,0.0,1.0\n");
        Path f = dir.resolve("features");
        Files.createDirectories(f);
        Npy.writeFloat32(f.resolve("v1.npy"), 4, 1, new float[] {0, 0, 1, 1});
        Npy.writeFloat32(f.resolve("v2.npy"), 4, 1, new float[] {1, 0, 0, 0});
        Npy.writeFloat32(f.resolve("v3.npy"), 3, 1, new float[] {5, 0, 5});
        Npy.writeFloat32(f.resolve("v4.npy"), 2, 1, new float[] {0, 1});
        Npy.writeFloat32(f.resolve("v5.npy"), 1, 1, new float[] {0});
        Npy.writeFloat32(f.resolve("v6.npy"), 1, 1, new float[] {0});
        return root;
    }

    @Test
    void recallOnHandMadeRelease(@TempDir Path dir) throws Exception {
        Path root = release(dir);
        try (FeatureStore store = FeatureStores.open(dir.resolve("features"), 1.0)) {
            CrossTaskEvaluator.Report r = CrossTaskEvaluator.evaluate(root, CrossTaskEvaluator.Split.VAL, store,
                    NEAREST);
            // T1: v1 2/2, v2 1/2 (step 2 lies before step 1), v5 too short 0/1 → 3/5; T2: v3 1/1.
            assertEquals(60.0, r.recall().perTask().get("T1"), 1e-9);
            assertEquals(100.0, r.recall().perTask().get("T2"), 1e-9);
            assertEquals(80.0, r.recall().average(), 1e-9);
            assertEquals(4, r.videos());
            assertEquals(1, r.unannotated()); // v4
            assertEquals(1, r.notPrimary()); // T9
            assertEquals(1, r.tooShort()); // v5
            assertTrue(r.table(new CrossTaskReader(root).tasks()).contains("80.0%"));
        }
    }

    @Test
    void missingFeaturesNameTheVideo(@TempDir Path dir) throws Exception {
        Path root = release(dir);
        try (FeatureStore store = FeatureStores.open(dir.resolve("features"), 1.0)) {
            // the train split is videos.csv without the validation videos: only v7, which has no features
            FeatureException e = assertThrows(FeatureException.class,
                    () -> CrossTaskEvaluator.evaluate(root, CrossTaskEvaluator.Split.TRAIN, store, NEAREST));
            assertTrue(e.getMessage().contains("v7"), e.getMessage());
        }
    }

    static EncodedText text(String s, int[] ids, float[] w) {
        int n = ids.length;
        return new EncodedText(s, Collections.nCopies(n, "x"), ids, new int[n], Collections.nCopies(n, "NOUN"),
                new boolean[n], w);
    }

    /**
     * With windows of one frame each frame is its own one-frame video, so the scorer must equal the
     * model's own s1 + λ·s2 of that one-frame video (max over one frame = that frame).
     */
    @Test
    void modelScorerEqualsS1PlusS2OfOneFrameVideos() throws Exception {
        int dim = 6;
        TacoConfig c = TinyBatches.tinyConfig(dim, 4, 6, 20);
        c.similarity = Similarity.COSINE;
        c.temperature = 0.1;
        CaptionEncoder enc = s -> s.equals("a") ? text(s, new int[] {1, 5, 2}, new float[] {0, 1, 0})
                : text(s, new int[] {1, 6, 7, 2}, new float[] {0, 0.25f, 0.75f, 0});
        Random r = new Random(4);
        float[] data = new float[3 * dim];
        for (int i = 0; i < data.length; i++) data[i] = (float) r.nextGaussian();
        VideoFeatures v = new VideoFeatures("v", 3, dim, data);
        CrossTaskReader.Task task = new CrossTaskReader.Task("t", "t", "", List.of("a", "b"));
        double lambda = 0.7;
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 9)) {
            float[][] sim = new CrossTaskEvaluator.ModelScorer(model, enc, lambda, 1).similarity(task, v);
            try (NDManager m = root.newSubManager()) {
                NDArray ids = m.create(new long[] {1, 5, 2, 0, 1, 6, 7, 2}, new Shape(2, 4));
                NDArray mask = m.create(new float[] {1, 1, 1, 0, 1, 1, 1, 1}, new Shape(2, 4));
                NDArray w = m.create(new float[] {0, 1, 0, 0, 0, 0.25f, 0.75f, 0}, new Shape(2, 4));
                NDArray y = model.encodeText(ids, mask);
                for (int k = 0; k < 3; k++) {
                    float[] row = new float[dim];
                    System.arraycopy(data, k * dim, row, 0, dim);
                    NDArray fm = m.ones(new Shape(1, 1));
                    NDArray x = model.encodeVideo(m.create(row, new Shape(1, 1, dim)), fm);
                    float[] expected = model.s1(model.textVectors(y), model.videoVectors(x, fm))
                            .add(model.s2(model.tokenScores(y, x, fm), w).mul((float) lambda)).toFloatArray();
                    for (int s = 0; s < 2; s++) {
                        assertEquals(expected[s], sim[k][s], 1e-3, "frame " + k + " step " + s);
                    }
                }
            }
        }
    }
}
