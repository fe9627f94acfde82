package io.github.taco.index;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.model.Checkpoint;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint whose calibrated cascade weighs s3 at 0: search runs no fusion and orders as the first stage. */
class ZeroFusionWeightSearchTest {
    @TempDir Path tmp;

    @Test
    void theCascadeOrderIsTheFirstStagesAndNothingIsRescored() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 6, 3, 5);
        Path ckptDir = TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 7);
        TacoConfig c = TacoConfig.read(ckptDir.resolve(TacoModel.CONFIG_FILE));
        c.weightS3 = 0;
        Files.writeString(ckptDir.resolve(TacoModel.CONFIG_FILE), c.toJson());
        try (Checkpoint ck = Checkpoint.open(ckptDir)) {
            TestIndexes.build(tmp.resolve("index"), ck, data, FrameStore.Encoding.FLOAT16);
            try (VideoIndex index = VideoIndex.open(tmp.resolve("index"), true)) {
                CascadeSearcher searcher = new CascadeSearcher(index, ck);
                CascadeSearcher.Options o = CascadeSearcher.Options.of(10);
                SearchResult cascade = searcher.search("stir the sauce", o.withOrder(CascadeSearcher.Order.CASCADE));
                SearchResult first = searcher.search("stir the sauce", o.withOrder(CascadeSearcher.Order.S1_S2));
                assertEquals(0, cascade.rescored(), "no fusion when s3 weighs nothing");
                assertTrue(cascade.hits().stream().noneMatch(SearchHit::rescored));
                assertEquals(ids(first), ids(cascade));
                assertFalse(cascade.hits().isEmpty());
            }
        }
    }

    private static List<String> ids(SearchResult r) {
        return r.hits().stream().map(SearchHit::clipId).toList();
    }
}
