package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.data.Split;
import io.github.taco.index.TestIndexes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run forced to collapse (a learning rate of 0.5, as issue 31 provoked it) is stopped, named and marked. */
class StallStopsTheRunTest {
    @TempDir Path tmp;

    private TrainingRun.Spec spec(Path data, Path out, double lr) {
        TrainingRun.Spec s = new TrainingRun.Spec();
        s.annotations = data.resolve("youcookii_annotations_trainval.json");
        s.features = data.resolve("features");
        s.outDir = out;
        s.model = TestIndexes.tinyConfig("dot");
        s.model.losses("L1+L2+L3");
        s.trainSplit = Split.VALIDATION; // the test data has one split
        s.validationClips = 0;
        s.train.steps = 80;
        s.train.batchSize = 8;
        s.train.learningRate = lr;
        s.train.warmupSteps = 5;
        s.logEvery = 10;
        return s;
    }

    @Test
    void aCollapsedRunStopsWithItsStallNamed() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 6, 4, 3);
        Path out = tmp.resolve("collapsed");
        TrainingRun.StalledException e = assertThrows(TrainingRun.StalledException.class,
                () -> TrainingRun.run(spec(data, out, 0.5)));
        System.out.println(e.getMessage());
        assertEquals(StallDetector.Kind.COLLAPSE, e.stall.kind());
        assertTrue(e.getMessage().contains("since step") && e.getMessage().contains("--on-stall warn"), e.getMessage());
        String metrics = Files.readString(out.resolve("metrics.jsonl"));
        assertTrue(metrics.contains("\"stall\":\"collapse\""), metrics);
        assertTrue(Files.size(out.resolve("curves.png")) > 1000, "the curves are written with the stall marked");

        TrainingRun.Spec warn = spec(data, tmp.resolve("warned"), 0.5);
        warn.onStall = TrainingRun.OnStall.WARN;
        TrainingRun.Result r = TrainingRun.run(warn);
        assertEquals(80, r.stepsTrained(), "--on-stall warn trains on");
        assertNotNull(r.stall());
        assertEquals(e.stall.since(), r.stall().since(), "the same stall, seen the same way");
    }

    @Test
    void aRunThatLearnsSlowlyIsNotFlagged() throws Exception {
        // random features: L1 falls only by memorising 24 clips, slowly (1.88 against ln 8 = 2.08 after 80 steps)
        Path data = TestIndexes.data(tmp.resolve("data"), 6, 4, 3);
        TrainingRun.Result r = TrainingRun.run(spec(data, tmp.resolve("healthy"), 2e-3));
        assertNull(r.stall(), "a learning run is never flagged");
        assertTrue(r.last().l1() < Math.log(8) - 0.1, "it did learn: L1 " + r.last().l1());
    }
}
