package io.github.taco.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.taco.model.Checkpoint;
import io.github.taco.text.Idf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SearchCalibration}: confidence is the share of the index's own best-match scores reached,
 * measured on the index, saved beside it, read by the searcher, and the "no good match" flag follows
 * it. (Whether the flag separates off-topic queries depends on the model: measured in docs/search.md
 * with trained checkpoints, `taco bench search --what known-item`.)
 */
class SearchCalibrationTest {
    @TempDir Path tmp;

    @Test
    void confidenceIsTheShareOfInDomainBestScoresReached() {
        SearchCalibration c = new SearchCalibration(5, new double[] {4, 1, 3, 2, 5});
        assertEquals(0.0, c.confidence(0.5));
        assertEquals(0.2, c.confidence(1.0), 1e-12);
        assertEquals(0.6, c.confidence(3.5), 1e-12);
        assertEquals(1.0, c.confidence(9));
        SearchCalibration ties = new SearchCalibration(4, new double[] {2, 2, 2, 7});
        assertEquals(0.75, ties.confidence(2), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new SearchCalibration(0, new double[0]));
    }

    @Test
    void measuredSavedAndUsedByTheSearcher() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 5, 3, 11);
        Path dir = tmp.resolve("index");
        try (Checkpoint ck = Checkpoint.open(TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 3))) {
            TestIndexes.build(dir, ck, data, FrameStore.Encoding.FLOAT16);
            try (VideoIndex index = VideoIndex.open(dir, true)) {
                CascadeSearcher plain = new CascadeSearcher(index, ck);
                assertNull(plain.calibration());
                SearchResult before = plain.search("stir the sauce", CascadeSearcher.Options.of(5));
                assertNull(before.match().confidence(), "no calibration, no confidence");
                assertNull(before.hits().get(0).confidence());

                SearchCalibration c = SearchCalibration.measure(plain, index, 10);
                assertEquals(10, c.queries());
                assertEquals(3, c.mrr().size());
                assertEquals(c.mrr().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getValue(),
                        c.mrr().get(c.bestOrder()), "the default order is the one with the highest MRR");
                assertEquals(CascadeSearcher.Order.CASCADE, plain.defaultOrder(), "uncalibrated: the cascade");
                c.save(dir);
                assertTrue(Files.isRegularFile(dir.resolve(SearchCalibration.FILE)));
                assertTrue(Arrays.equals(c.bestScores(), SearchCalibration.load(dir).orElseThrow().bestScores()));

                CascadeSearcher calibrated = new CascadeSearcher(index, ck);
                assertNotNull(calibrated.calibration());
                assertEquals(c.bestOrder(), calibrated.defaultOrder());
                assertEquals(c.bestOrder(), calibrated.search("stir the sauce", CascadeSearcher.Options.of(5)).order());
                // an indexed caption searched again scores exactly its calibration value: never "no good match"
                String caption = index.clips().get(0).caption();
                SearchResult r = calibrated.search(caption, CascadeSearcher.Options.of(5));
                assertEquals(c.confidence(r.match().bestScore()), r.match().confidence());
                assertEquals(r.match().confidence() < SearchCalibration.NO_GOOD_MATCH, r.match().noGoodMatch());
                for (SearchHit h : r.hits()) {
                    assertTrue(h.confidence() >= 0 && h.confidence() <= 1, h.toString());
                    assertTrue(h.confidence() <= r.match().confidence() + 1e-12,
                            "no hit is better than the best candidate");
                }

                // a calibration no candidate can reach flags every query; one every candidate beats flags none
                calibrated.calibration(new SearchCalibration(3, new double[] {1e6, 1e6, 1e6}));
                assertTrue(calibrated.search(caption, CascadeSearcher.Options.of(5)).match().noGoodMatch());
                calibrated.calibration(new SearchCalibration(3, new double[] {-1e6, -1e6, -1e6}));
                assertFalse(calibrated.search(caption, CascadeSearcher.Options.of(5)).match().noGoodMatch());
            }
        }
    }

    @Test
    void aCorruptCalibrationFileIsNamed() throws Exception {
        Files.writeString(tmp.resolve(SearchCalibration.FILE), "{not json");
        var e = assertThrows(IOException.class, () -> SearchCalibration.load(tmp));
        assertTrue(e.getMessage().contains(SearchCalibration.FILE) && e.getMessage().contains("--calibrate"),
                e.getMessage());
    }

    @Test
    void wordsNoTrainingCaptionContainedMakeNoGoodMatch() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data2"), 4, 3, 12);
        Path ckptDir = TestIndexes.checkpoint(tmp.resolve("ckpt2"), "cosine", 4);
        // the training captions' document frequencies travel with a checkpoint (idf.json)
        Idf.fit(Arrays.stream(TestIndexes.CAPTIONS)
                .map(c -> List.of(c.split(" "))).toList()).save(ckptDir.resolve(Checkpoint.IDF_FILE));
        Path dir = tmp.resolve("index2");
        try (Checkpoint ck = Checkpoint.open(ckptDir)) {
            TestIndexes.build(dir, ck, data, FrameStore.Encoding.FLOAT16);
            try (VideoIndex index = VideoIndex.open(dir, true)) {
                CascadeSearcher s = new CascadeSearcher(index, ck); // no calibration: the word signal alone
                SearchResult.Match foreign = s.search("quantum physics lecture", CascadeSearcher.Options.of(3)).match();
                assertEquals(Boolean.TRUE, foreign.noGoodMatch());
                assertTrue(foreign.unseenWords().containsAll(List.of("physics", "lecture")), foreign.toString());
                SearchResult.Match known = s.search("stir the sauce", CascadeSearcher.Options.of(3)).match();
                assertEquals(Boolean.FALSE, known.noGoodMatch(), known.toString());
                assertTrue(known.unseenWords().isEmpty(), known.toString());
            }
        }
    }
}
