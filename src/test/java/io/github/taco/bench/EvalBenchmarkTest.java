package io.github.taco.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import org.junit.jupiter.api.Test;

/**
 * {@code taco bench eval} on random clips: the packed s2 against the previous padded path, and what the report counts.
 */
class EvalBenchmarkTest {
    @Test
    void packedAndPaddedS2AgreeAndTheReportCountsTheWork() {
        TacoConfig c = TinyBatches.tinyConfig(12, 20, 16, 60);
        c.similarity = Similarity.COSINE;
        try (NDManager root = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, root, 3)) {
            EvalBenchmark.Result r = EvalBenchmark.run("random", model, EvalBenchmark.randomClips(300, c, 7), 5, true);
            assertEquals(300, r.clips());
            assertTrue(r.paddedMaxRelDiff() <= 1e-5, "packed vs padded s2: " + r.paddedMaxRelDiff());
            assertTrue(r.paddedS2Seconds() > 0);
            // both directions' top 5 of 300 queries, minus the pairs both directions share
            long passes = r.evaluation().profile().fusionPasses();
            assertTrue(passes > 5 * 300 && passes <= 2 * 5 * 300, "fusion passes " + passes);
            assertEquals(300L * 300, r.evaluation().profile().s2Pairs());
            String report = r.report();
            assertTrue(report.contains("pairs/s") && report.contains("passes/s")
                    && report.contains("% of the GEMM peak") && report.contains("previous padded s2 path"), report);
        }
    }
}
