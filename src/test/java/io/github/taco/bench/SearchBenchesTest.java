package io.github.taco.bench;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.index.FrameStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search benchmarks at toy sizes: each returns its record, and the records print the lines the docs quote. */
class SearchBenchesTest {
    @TempDir Path work;

    @Test
    void hnswOnClusteredVectorsReportsEveryEf() throws Exception {
        List<VectorSearchBench.Result> r = VectorSearchBench.vectors(2_000, 32, 50, 16, 100, List.of(10, 200), 2, work);
        assertEquals(2, r.size());
        assertEquals(List.of(10, 200), r.stream().map(VectorSearchBench.Result::ef).toList());
        assertTrue(r.get(1).recallAt10() >= 0.9 && r.get(1).recallAt10() <= 1.0,
                "ef 200 over 2,000 vectors: " + r.get(1).line());
        assertTrue(r.get(1).recallAt10() >= r.get(0).recallAt10() - 0.05, r.toString());
        assertTrue(r.get(0).line().startsWith("vectors (clustered) n=2,000 d=32 M=16 beam=100 ef=10: build "),
                r.get(0).line());
    }

    @Test
    void cascadeIsBuiltOnceThenReusedAndServedUnderLoad() throws Exception {
        CascadeSearchBench.Result first = CascadeSearchBench.cascade(400, 10, 100, 20, work,
                FrameStore.Encoding.FLOAT16);
        assertEquals(400, first.n());
        assertTrue(first.buildSeconds() > 0 && first.p50Millis() > 0 && first.s3Millis() > 0, first.line());
        CascadeSearchBench.Result again = CascadeSearchBench.cascade(400, 10, 100, 20, work,
                FrameStore.Encoding.FLOAT16);
        assertEquals(0, again.buildSeconds());
        assertTrue(again.line().contains("N=100 R=20: (reused index) lucene"), again.line());

        HttpLoadBench.Result load = HttpLoadBench.http(400, 2, 2, work);
        assertTrue(load.requests() > 0, load.line());
        assertEquals(0, load.errors(), load.line());
        assertTrue(load.line().startsWith("http in-process server, n=400 clips, 2 clients x 2 s on loopback"),
                load.line());
    }
}
