package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.cli.TacoCli;
import io.github.taco.data.CalibrationVideos;
import io.github.taco.data.Clip;
import io.github.taco.data.Datasets;
import io.github.taco.data.Split;
import io.github.taco.index.TestIndexes;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.train.CascadeCalibrator;
import io.github.taco.train.Trainer;
import io.github.taco.train.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * train.calibrationVideos: videos held out of training, then the cascade's weights chosen on them and written to
 * the checkpoint.
 */
class CascadeCalibrationTest {
    @TempDir Path tmp;

    @Test
    void heldOutVideosAreFixedByIdNotBySeedOrOrder() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 150, 1, 3);
        List<Clip> clips = Datasets.read("youcook2", data.resolve("youcookii_annotations_trainval.json"))
                .clips(Split.VALIDATION);
        Set<String> held = CalibrationVideos.choose(clips, 10);
        assertEquals(10, held.size());
        List<Clip> reversed = new ArrayList<>(clips);
        Collections.reverse(reversed);
        assertEquals(held, CalibrationVideos.choose(reversed, 10), "the annotations' order does not matter");
        assertTrue(CalibrationVideos.choose(clips, 12).containsAll(held), "more videos held out keep the first ones");
        assertEquals(15, CalibrationVideos.choose(clips, 100).size(), "at most 10 % of the videos");
    }

    @Test
    void theGuardsZIsThePairedGainOverItsStandardError() {
        // hits@1 of a: 1 1 1 0, of b: 0 0 1 0; differences 1 1 0 0: mean 0.5, sd sqrt(1/3), z = 0.5 / (sd / 2)
        assertEquals(0.5 / Math.sqrt(1.0 / 3 / 4), CascadeCalibration.pairedZ(new int[] {1, 1, 1, 3},
                new int[] {2, 5, 1, 2}), 1e-9);
        assertTrue(Double.isNaN(CascadeCalibration.pairedZ(new int[] {1, 2}, new int[] {1, 2})), "no caption differs");
        assertTrue(CascadeCalibration.pairedZ(new int[] {2, 2, 1, 3}, new int[] {1, 1, 1, 3}) < 0, "a loses");
    }

    @Test
    void aSplitTooSmallToHoldTenVideosOutHoldsNone() {
        assertEquals(0, CalibrationVideos.count(100, 99), "10 % of 99 is 9, too few to choose weights on");
        assertEquals(10, CalibrationVideos.count(100, 100));
        assertEquals(100, CalibrationVideos.count(100, 1333), "YouCook2's training split: the cpu preset's 100");
        assertEquals(0, CalibrationVideos.count(0, 1333));
    }

    @Test
    void aRunHoldsVideosOutAndItsCheckpointGetsTheChosenWeights() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 100, 1, 3);
        TrainingRun.Spec s = spec(data, "run", "L1+L2+L3", 20);
        s.train.warmupSteps = 2;
        TrainingRun.Result r = TrainingRun.run(s);
        String header = Files.readAllLines(s.outDir.resolve("metrics.jsonl")).get(0);
        assertTrue(header.contains("\"train_clips\":90"), "100 videos of 1 clip, 10 held out: " + header);

        EvalRun.Spec e = evalSpec(s, r);
        CascadeCalibration.Choice c = CascadeCalibration.calibrate(e, Split.VALIDATION, 10, 5, 0);
        assertEquals(10, c.clips(), "the captions of the 10 held-out videos");
        assertEquals(CascadeCalibration.W2.length * CascadeCalibration.W3.length, c.grid().size());
        assertEquals(c.r1(), c.grid().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow(), 1e-9,
                "the best pair is chosen");
        assertTrue(c.r1() >= c.paperR1());
        TacoConfig saved = TacoConfig.read(r.checkpoint().resolve(TacoModel.CONFIG_FILE));
        assertEquals(c.weightS2(), saved.weightS2);
        assertEquals(c.weightS3(), saved.weightS3);
        assertTrue(Files.readString(r.checkpoint().resolve(CascadeCalibrator.FILE)).contains("\"grid\""));

        // with a guard no pair can reach, s1 alone is kept, and the grid is the same
        CascadeCalibration.Choice guarded = CascadeCalibration.choose(e, Split.VALIDATION, 10, 5, 1000);
        assertEquals(0, guarded.weightS2());
        assertEquals(0, guarded.weightS3());
        assertEquals(c.grid(), guarded.grid());
        assertEquals(c.grid().get("0,0"), guarded.r1(), 1e-9);

        // evaluation reads the chosen weights: its s1 + w2·s2 row is named by them
        RetrievalEvaluator.Report report = EvalRun.run(e);
        assertNotNull(report.row(RetrievalEvaluator.s1PlusS2(saved)), report.table());
    }

    @Test
    void taco_train_calibrationVideos_choosesTheWeightsAfterTraining() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("cli-data"), 100, 1, 4);
        Path out = tmp.resolve("cli-run");
        StringWriter text = new StringWriter();
        PrintStream before = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int code;
        try {
            CommandLine cl = TacoCli.commandLine();
            cl.setOut(new PrintWriter(text, true));
            code = cl.execute("train", "--annotations", data.resolve("youcookii_annotations_trainval.json").toString(),
                    "--features", data.resolve("features").toString(), "--out", out.toString(), "--train-split",
                    "validation", "--val-clips", "0", "--steps", "4", "--batch", "8", "--warmup", "1",
                    "--calibration-videos", "10");
        } finally {
            System.setOut(before);
        }
        String all = text + printed.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, all);
        assertTrue(all.contains("chosen on 10 held-out training clips"), all);
        assertTrue(Files.exists(out.resolve("checkpoint").resolve(CascadeCalibrator.FILE)));
    }

    @Test
    void aRunWithoutL3HoldsNothingOut() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("l1-data"), 100, 1, 3);
        TrainingRun.Spec s = spec(data, "l1-run", "L1", 2);
        TrainingRun.run(s);
        String header = Files.readAllLines(s.outDir.resolve("metrics.jsonl")).get(0);
        assertTrue(header.contains("\"train_clips\":100"), "no cascade to calibrate, so every video trains: " + header);
    }

    @Test
    void aSmallSplitKeepsEveryVideoAndTheConfiguredWeights() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("small-data"), 12, 3, 3);
        TrainingRun.Spec s = spec(data, "small-run", "L1+L2+L3", 2);
        TrainingRun.Result r = TrainingRun.run(s);
        String header = Files.readAllLines(s.outDir.resolve("metrics.jsonl")).get(0);
        assertTrue(header.contains("\"train_clips\":36"),
                "12 videos: 10 % is too few to hold out, so all train: " + header);
        EvalRun.Spec e = evalSpec(s, r);
        CascadeCalibration.Choice c = CascadeCalibration.calibrate(e, Split.VALIDATION, 10, 5, 0);
        assertEquals(0, c.clips());
        assertTrue(c.describe().contains("kept at s1 + 0.5·s2 + 1·s3"), c.describe());
        assertFalse(Files.exists(r.checkpoint().resolve(CascadeCalibrator.FILE)),
                "nothing was chosen, nothing written");
    }

    @Test
    void withRefitTheHeldOutVideosRejoinTrainingAfterTheWeightsAreChosenAndTheWeightsAreKept() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("refit-data"), 100, 1, 3);
        TrainingRun.Spec s = spec(data, "refit-run", "L1+L2+L3", 20);
        s.train.warmupSteps = 2;
        s.train.calibrationRefit = 0.25;
        List<Long> calledAt = new ArrayList<>();
        s.calibrator = checkpoint -> { // chooses weights no model would keep by itself, and a file to carry
            calledAt.add(new ObjectMapper().readTree(checkpoint.resolve(Trainer.STATE_FILE).toFile()).get("step")
                    .asLong());
            TacoConfig c = TacoConfig.read(checkpoint.resolve(TacoModel.CONFIG_FILE));
            c.weightS2 = 0.25;
            c.weightS3 = 2;
            Files.writeString(checkpoint.resolve(TacoModel.CONFIG_FILE), c.toJson());
            Files.writeString(checkpoint.resolve(CascadeCalibrator.FILE), "0.25,2");
            return new CascadeCalibrator.Outcome(0.25, 2, "chose 0.25 and 2");
        };
        TrainingRun.Result r = TrainingRun.run(s);

        assertEquals(List.of(15L), calledAt, "once, on the checkpoint of step 15 (the last 25 % of 20 steps refit)");
        assertEquals(20, r.steps());
        assertEquals("chose 0.25 and 2", r.calibration().summary());
        TacoConfig saved = TacoConfig.read(r.checkpoint().resolve(TacoModel.CONFIG_FILE));
        assertEquals(0.25, saved.weightS2, "the final save keeps the chosen weights");
        assertEquals(2, saved.weightS3);
        assertEquals("0.25,2", Files.readString(r.checkpoint().resolve(CascadeCalibrator.FILE)),
                "the calibration's file too");
        List<String> log = Files.readAllLines(s.outDir.resolve("metrics.jsonl"));
        assertTrue(log.get(0).contains("\"train_clips\":90"), log.get(0));
        assertTrue(log.stream().anyMatch(l -> l.contains("\"rejoined_clips\":10") && l.contains("\"step\":15")),
                String.join("\n", log));
    }

    @Test
    void withoutRefitTheCalibratorRunsOnceAtTheEnd() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("end-data"), 100, 1, 3);
        TrainingRun.Spec s = spec(data, "end-run", "L1+L2+L3", 6);
        s.calibrator = CascadeCalibration.calibrator(s, 5);
        TrainingRun.Result r = TrainingRun.run(s);
        assertTrue(r.calibration().summary().contains("chosen on 10 held-out training clips"),
                r.calibration().summary());
        TacoConfig saved = TacoConfig.read(r.checkpoint().resolve(TacoModel.CONFIG_FILE));
        assertEquals(r.calibration().weightS2(), saved.weightS2);
        assertEquals(r.calibration().weightS3(), saved.weightS3);
        assertFalse(Files.readString(s.outDir.resolve("metrics.jsonl")).contains("rejoined_clips"));
    }

    /** How the run {@code s} read its data, to calibrate or evaluate its checkpoint. */
    private static EvalRun.Spec evalSpec(TrainingRun.Spec s, TrainingRun.Result r) {
        EvalRun.Spec e = new EvalRun.Spec();
        e.checkpoint = r.checkpoint();
        e.annotations = s.annotations;
        e.features = s.features;
        return e;
    }

    /** A tiny run on the test data's one split, holding 10 videos out for calibration. */
    private TrainingRun.Spec spec(Path data, String out, String losses, long steps) {
        TrainingRun.Spec s = new TrainingRun.Spec();
        s.annotations = data.resolve("youcookii_annotations_trainval.json");
        s.features = data.resolve("features");
        s.outDir = tmp.resolve(out);
        s.model = TestIndexes.tinyConfig("dot");
        s.model.losses(losses);
        s.trainSplit = Split.VALIDATION; // the test data has one split
        s.validationClips = 0;
        s.train.steps = steps;
        s.train.batchSize = 8;
        s.train.calibrationVideos = 10;
        return s;
    }
}
