package io.github.taco.data;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.SharedData;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UniVL's caption pickle and split CSVs, as written by a real NumPy (src/test/data/pickles/make_pickles.py). */
class UniVLReaderTest {
    @TempDir Path dir;

    @Test
    void readsCaptionsAndSplitsAsUniVLWritesThem() throws IOException {
        Dataset ds = Datasets.read("univl", SharedData.file("pickles/univl/youcookii_data.pickle"));
        assertEquals("univl", ds.name());
        assertEquals(List.of("vidA#0", "vidA#1", "vid-B_2#0"), ds.clips().stream().map(Clip::clipId).toList());
        Clip first = ds.clips().get(0);
        assertEquals(0.5, first.start());
        assertEquals(2.5, first.end());
        assertEquals(List.of("add oil to the pan"), first.texts());
        assertEquals(Split.TRAIN, first.split());
        Clip val = ds.clips().get(2);
        assertEquals(1.0, val.start(), "an integer start (a Python int in the object array) is read as seconds");
        assertEquals(Split.VALIDATION, val.split());
        assertEquals(List.of("whisk the eggs"), val.texts());
        // the folder works as well as the file
        assertEquals(ds.clips(), Datasets.read("univl", SharedData.file("pickles/univl")).clips());
    }

    @Test
    void captionsAndFeaturePickleCheckTogether() throws IOException {
        Path features = dir.resolve("feats.pickle");
        Files.copy(SharedData.file("pickles/feats-p4.pickle"), features);
        Dataset ds = Datasets.read("univl", SharedData.file("pickles/univl/youcookii_data.pickle"));
        try (FeatureStore store = FeatureStores.open(features, 1.0)) {
            CheckReport report = DatasetChecker.check(ds, store, MissingPolicy.FAIL, 48);
            assertTrue(report.ok(), report.format());
        }
    }

    @Test
    void aNaNStartIsNamedByVideoFieldAndIndex() {
        IOException e = assertThrows(IOException.class,
                () -> Datasets.read("univl", SharedData.file("pickles/univl-nan/youcookii_data.pickle")));
        assertTrue(e.getMessage().contains(
                "youcookii_data.pickle: video vidA, start[0]: NaN is not a number of seconds"), e.getMessage());
    }

    @Test
    void withoutSplitCsvsTheErrorSaysWhatToAdd() throws IOException {
        Path p = dir.resolve("youcookii_data.pickle");
        Files.copy(SharedData.file("pickles/univl/youcookii_data.pickle"), p);
        IOException e = assertThrows(IOException.class, () -> Datasets.read("univl", p));
        assertTrue(e.getMessage().contains("no split CSVs beside it") && e.getMessage().contains("youcookii_train.csv"),
                e.getMessage());
    }
}
