package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.data.Batch;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrievalEvaluatorTest {
    static final int M = 5, D = 6, N = 7, V = 40;

    @Test
    void aCascadeThatWeighsS3ZeroRunsNoFusionAndRanksAsTheFirstStage() {
        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        c.weightS2 = 0.25;
        c.weightS3 = 0; // what a calibration may choose
        Batch a = TinyBatches.random(9, M, D, N, V, 3, 0f, 0, false);
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 4)) {
            RetrievalEvaluator.Report r = new RetrievalEvaluator(model, new RetrievalEvaluator.Options(4, 0))
                    .evaluate(List.of(a));
            assertEquals(0, r.profile().fusionPasses(), "s3 weighed 0 is not computed");
            assertTrue(!r.table().contains("s1's ranking"), "s2 still counts here: " + r.table());
            RetrievalEvaluator.Row cascade = r.rows().get(r.rows().size() - 1);
            RetrievalEvaluator.Row first = r.row(RetrievalEvaluator.s1PlusS2(c));
            assertTrue(cascade.method().startsWith("cascade"), cascade.method());
            for (RetrievalMetrics.Result[] pair : new RetrievalMetrics.Result[][] {
                    {first.textToVideo(), cascade.textToVideo()}, {first.videoToText(), cascade.videoToText()}}) {
                assertEquals(pair[0].meanRank(), pair[1].meanRank(), 0, "the same ranks: " + r.table());
                assertEquals(pair[0].r1(), pair[1].r1(), 0);
                assertEquals(pair[0].medianRank(), pair[1].medianRank(), 0);
            }

            c.weightS3 = 1;
            try (TacoModel fused = new TacoModel(c, root, 4)) {
                RetrievalEvaluator.Report f = new RetrievalEvaluator(fused, new RetrievalEvaluator.Options(4, 0))
                        .evaluate(List.of(a));
                assertTrue(f.profile().fusionPasses() > 0, "the same cascade with s3 weighed 1 runs the fusion");
            }
            c.weightS2 = 0;
            c.weightS3 = 0;
            try (TacoModel s1Alone = new TacoModel(c, root, 4)) {
                String table = new RetrievalEvaluator(s1Alone, new RetrievalEvaluator.Options(4, 0))
                        .evaluate(List.of(a)).table();
                assertTrue(table.contains("s1's ranking"), table);
            }
        }
    }

    @Test
    void rowsAgreeWithDirectScoresAndCascadeOverAllEqualsExhaustive() {
        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        // two chunks with different padding: the evaluator re-pads and concatenates
        Batch a = TinyBatches.random(6, M, D, N, V, 1, 0f, 0, false);
        Batch b = TinyBatches.random(5, 3, D, 5, V, 2, 0f, 0, false);
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 4)) {
            RetrievalEvaluator.Report r = new RetrievalEvaluator(model, new RetrievalEvaluator.Options(11, 11))
                    .evaluate(List.of(a, b));
            assertEquals(11, r.clips());
            // s1 of the first chunk alone, computed directly, gives the same ranks as the evaluator's s1 on it
            float[][][] sm = new RetrievalEvaluator(model, new RetrievalEvaluator.Options(0, 0))
                    .scoreMatrices(List.of(a));
            try (NDManager mgr = root.newSubManager()) {
                TacoModel.Inputs in = a.toInputs(mgr);
                NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
                NDArray x = model.encodeVideo(in.features(), in.frameMask());
                float[] s1 = model.s1(model.textVectors(y), model.videoVectors(x, in.frameMask())).toFloatArray();
                for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) assertEquals(s1[i * 6 + j], sm[0][i][j], 1e-5);
                // s2 over all 30 positions equals the evaluator's, which packs the tokens of interest first
                float[] s2 = model.s2(model.tokenScores(y, x, in.frameMask()), in.tokenWeights()).toFloatArray();
                boolean someNonZero = false;
                for (int i = 0; i < 6; i++) {
                    for (int j = 0; j < 6; j++) {
                        assertEquals(s2[i * 6 + j], sm[1][i][j], 1e-5);
                        someNonZero |= s2[i * 6 + j] != 0;
                    }
                }
                assertTrue(someNonZero, "the batch has tokens of interest");
            }
            RetrievalEvaluator.Row cascade = r.rows().stream().filter(x -> x.method().startsWith("cascade")).findFirst()
                    .orElseThrow();
            RetrievalEvaluator.Row exhaustive = r.row(RetrievalEvaluator.exhaustive(model.config()));
            assertEquals(exhaustive.textToVideo().meanRank(), cascade.textToVideo().meanRank(), 1e-9);
            assertEquals(exhaustive.videoToText().meanRank(), cascade.videoToText().meanRank(), 1e-9);
            assertTrue(r.table().contains("s1+0.5s2"));
            assertEquals(4, r.rows().size());
            // the demo's L1 child hands its report to the parent as JSON
            ObjectMapper json = new ObjectMapper();
            try {
                assertEquals(r, json.readValue(json.writeValueAsString(r), RetrievalEvaluator.Report.class));
                // taco eval --json: clips, seconds, then each method's two directions, with no protocol when none
                var written = json.readTree(json.writeValueAsString(r.summary()));
                assertEquals(List.of("clips", "seconds", "methods"), List.copyOf(
                        json.convertValue(written, Map.class).keySet()));
                assertEquals(r.row("s1").textToVideo().r1(),
                        written.get("methods").get("s1").get("text_to_video").get("R@1").asDouble(), 0);
                assertEquals(11, written.get("methods").get("s1").get("video_to_text").get("queries").asInt());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertTrue(r.profile().fusionPasses() >= 11 * 11, "the exhaustive row ran the fusion on every pair");
            assertTrue(r.profile().seconds().keySet().containsAll(List.of("encode", "s1", "s2", "fusion", "ranking")),
                    r.profile().seconds().toString());
        }
    }

    /**
     * The evaluator's packed s2 and batched, trimmed fusion give the metrics of the padded path it
     * replaced: s2 from {@link TacoModel#tokenScores} on the whole padded block, s3 of every pair on the
     * padded inputs, and the cascade ranked from those.
     */
    @Test
    void metricsEqualThoseOfThePaddedPath() {
        int k = 120, m = 9, n = 12;
        TacoConfig c = TinyBatches.tinyConfig(D, m, n, V);
        c.similarity = Similarity.COSINE;
        c.temperature = 1; // s1 and s2 on the scale of s3, so that the fusion re-ranks
        Batch b = TinyBatches.random(k, m, D, n, V, 21, 0f, 0, true);
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 9)) {
            RetrievalEvaluator.Report r = new RetrievalEvaluator(model, new RetrievalEvaluator.Options(7, 0))
                    .evaluate(List.of(b));
            float[][] s1, s2, s3;
            try (NDManager mgr = root.newSubManager()) {
                TacoModel.Inputs in = b.toInputs(mgr);
                NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
                NDArray x = model.encodeVideo(in.features(), in.frameMask());
                s1 = square(model.s1(model.textVectors(y), model.videoVectors(x, in.frameMask())).toFloatArray(), k);
                s2 = square(model.s2(model.tokenScores(y, x, in.frameMask()), in.tokenWeights()).toFloatArray(), k);
                float[] all = new float[k * k];
                for (int i = 0; i < k; i++) {
                    int[] ti = new int[k], vi = new int[k];
                    for (int j = 0; j < k; j++) {
                        ti[j] = i;
                        vi[j] = j;
                    }
                    System.arraycopy(model.s3(y, in.tokenMask(), x, in.frameMask(), ti, vi).toFloatArray(), 0, all,
                            i * k, k);
                }
                s3 = square(all, k);
            }
            float[][] s12 = new float[k][k];
            for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) s12[i][j] = (float) (s1[i][j] + 0.5 * s2[i][j]);
            assertEquals(RetrievalMetrics.textToVideo("s1+0.5s2", s12, null), r.row("s1+0.5s2").textToVideo());
            assertEquals(RetrievalMetrics.textToVideo("s1+0.5s2", RetrievalMetrics.transpose(s12), null),
                    r.row("s1+0.5s2").videoToText());
            CascadeRanker ranker = new CascadeRanker(7, 1, 0.5, 1);
            float[][] t2v = ranker.cascadeScores(s1, s2, (q, j) -> s3[q][j]);
            float[][] v2t = ranker.cascadeScores(RetrievalMetrics.transpose(s1), RetrievalMetrics.transpose(s2),
                    (q, j) -> s3[j][q]);
            assertEquals(RetrievalMetrics.textToVideo("cascade (top 7)", t2v, null),
                    r.row("cascade (top 7)").textToVideo());
            assertEquals(RetrievalMetrics.textToVideo("cascade (top 7)", v2t, null),
                    r.row("cascade (top 7)").videoToText());
            assertTrue(r.row("cascade (top 7)").textToVideo().r1() != r.row("s1+0.5s2").textToVideo().r1()
                    || r.row("cascade (top 7)").textToVideo().meanRank() != r.row("s1+0.5s2").textToVideo().meanRank(),
                    "the fusion re-ranks something, so the cascade's equality says something");
        }
    }

    private static float[][] square(float[] flat, int k) {
        float[][] out = new float[k][];
        for (int i = 0; i < k; i++) out[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
        return out;
    }

    @Test
    void rowNamesCarryTheConfiguredWeights() {
        TacoConfig c = new TacoConfig();
        assertEquals("s1+0.5s2", RetrievalEvaluator.s1PlusS2(c));
        assertEquals("s1+0.5s2+s3 (all pairs)", RetrievalEvaluator.exhaustive(c));
        c.weightS2 = 0.25;
        c.weightS3 = 2;
        assertEquals("s1+0.25s2", RetrievalEvaluator.s1PlusS2(c));
        assertEquals("s1+0.25s2+2s3 (all pairs)", RetrievalEvaluator.exhaustive(c));
    }
}
