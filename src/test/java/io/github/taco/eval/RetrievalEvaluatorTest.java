package io.github.taco.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.taco.data.Batch;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetrievalEvaluatorTest {
    static final int M = 5, D = 6, N = 7, V = 40;

    @Test
    void rowsAgreeWithDirectScoresAndCascadeOverAllEqualsExhaustive() {
        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        // two chunks with different padding: the evaluator re-pads and concatenates
        Batch a = TinyBatches.random(6, M, D, N, V, 1, 0f, 0, false);
        Batch b = TinyBatches.random(5, 3, D, 5, V, 2, 0f, 0, false);
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 4)) {
            RetrievalEvaluator.Report r = new RetrievalEvaluator(model, new RetrievalEvaluator.Options(11, 11)).evaluate(List.of(a, b));
            assertEquals(11, r.clips());
            // s1 of the first chunk alone, computed directly, gives the same ranks as the evaluator's s1 on it
            float[][][] sm = new RetrievalEvaluator(model, new RetrievalEvaluator.Options(0, 0)).scoreMatrices(List.of(a));
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
            RetrievalEvaluator.Row cascade = r.rows().stream().filter(x -> x.method().startsWith("cascade")).findFirst().orElseThrow();
            RetrievalEvaluator.Row exhaustive = r.row(RetrievalEvaluator.exhaustive(model.config()));
            assertEquals(exhaustive.textToVideo().meanRank(), cascade.textToVideo().meanRank(), 1e-9);
            assertEquals(exhaustive.videoToText().meanRank(), cascade.videoToText().meanRank(), 1e-9);
            assertTrue(r.table().contains("s1+0.5s2"));
            assertEquals(4, r.rows().size());
        }
    }

    @Test
    void rowNamesCarryTheConfiguredWeights() {
        io.github.taco.model.TacoConfig c = new io.github.taco.model.TacoConfig();
        assertEquals("s1+0.5s2", RetrievalEvaluator.s1PlusS2(c));
        assertEquals("s1+0.5s2+s3 (all pairs)", RetrievalEvaluator.exhaustive(c));
        c.weightS2 = 0.25;
        c.weightS3 = 2;
        assertEquals("s1+0.25s2", RetrievalEvaluator.s1PlusS2(c));
        assertEquals("s1+0.25s2+2s3 (all pairs)", RetrievalEvaluator.exhaustive(c));
    }
}
