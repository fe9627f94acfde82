package io.github.taco.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.taco.data.MissingPolicy;
import io.github.taco.data.Split;
import io.github.taco.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code taco train --config}: no YAML key is ignored, and a flag not given never overrides the file. */
class TrainConfigTest {
    private static TrainingRun.Spec spec(Path tmp, String yaml, String... extra) throws IOException {
        Path file = tmp.resolve("run.yaml");
        Files.writeString(file, yaml);
        String[] base = {"--annotations", tmp.resolve("a.json").toString(), "--features", tmp.toString(), "--out",
                tmp.resolve("out").toString(), "--config", file.toString()};
        String[] args = Stream.concat(Arrays.stream(base), Arrays.stream(extra)).toArray(String[]::new);
        TrainCommand cmd = new TrainCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.spec();
    }

    @Test
    void setOverridesAnyKeyAfterTheConfigAndBeforeTheFlags(@TempDir Path tmp) throws IOException {
        TrainingRun.Spec s = spec(tmp, "train: {calibrationVideos: 20}\n", "--set", "train.calibrationVideos=100",
                "--set", "model.lambda=0.5", "--set", "train.steps=7", "--steps", "9");
        assertEquals(100, s.train.calibrationVideos, "--set after --config");
        assertEquals(0.5, s.model.lambda);
        assertEquals(9, s.train.steps, "the flag named for the key wins");
        assertTrue(s.given.containsAll(List.of("train.calibrationVideos", "model.lambda")), s.given.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec(tmp, "model: {}\n", "--set", "model.noSuchKey=1"));
        assertTrue(e.getMessage().contains("noSuchKey"), e.getMessage());
    }

    @Test
    void theObjectiveIsThePaperOneFlagAway(@TempDir Path tmp) throws IOException {
        // the cpu preset's own objective: L1 trains the encoders, L3 the fusion, the cascade calibrated [ours]
        TrainingRun.Spec cpu = spec(tmp, "model: {}\n");
        assertEquals(List.of("model.l3Detached=true", "model.lambda=0.0", "train.calibrationGuard=2.8",
                "train.calibrationVideos=50"), cpu.train.objectiveDepartures(cpu.model));
        String departing = "model: {l3Weight: 0.25, lambda: 0.5}\n"
                + "train: {l3StartAccuracy: 0.5, calibrationVideos: 0}\n";
        TrainingRun.Spec preset = spec(tmp, departing);
        assertEquals(List.of("model.l3Detached=true", "model.l3Weight=0.25", "train.l3StartAccuracy=0.5"),
                preset.train.objectiveDepartures(preset.model));
        TrainingRun.Spec joint = spec(tmp, "model: {}\n", "--l3-detached=false");
        assertFalse(joint.model.l3Detached, "--l3-detached=false turns the preset's switch off");
        // --objective paper comes first: the config and the flags then change single switches
        TrainingRun.Spec paper = spec(tmp, "model: {l3Weight: 0.25}\n", "--objective", "paper");
        assertEquals(List.of("model.l3Weight=0.25"), paper.train.objectiveDepartures(paper.model));
        assertTrue(paper.given.containsAll(Objectives.KEYS),
                "recorded as given, so a resume cannot change them: " + paper.given);
        TrainingRun.Spec exact = spec(tmp, "model: {}\n", "--objective", "paper");
        assertEquals(List.of(), exact.train.objectiveDepartures(exact.model));
        assertEquals(0.5, exact.model.lambda);
        assertEquals(0, exact.train.calibrationVideos);
        TrainingRun.Spec paperPreset = spec(tmp, "model: {}\n", "--preset", "paper");
        assertEquals(List.of(), paperPreset.train.objectiveDepartures(paperPreset.model),
                "the paper preset is the paper's");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec(tmp, "model: {}\n", "--objective", "mine"));
        assertTrue(e.getMessage().contains("preset or paper"), e.getMessage());
    }

    @Test
    void misspeltKeysAreErrorsNamingSectionAndClosestKey(@TempDir Path tmp) {
        String[][] cases = {
            {"model: {hiddenSze: 64}\n", "'hiddenSze'", "'model'", "'hiddenSize'"},
            {"train: {stpes: 10}\n", "'stpes'", "'train'", "'steps'"},
            {"data: {evalEvry: 5}\n", "'evalEvry'", "'data'", "'evalEvery'"},
        };
        for (String[] c : cases) {
            IOException e = assertThrows(IOException.class, () -> spec(tmp, c[0]), c[0]);
            for (int i = 1; i < c.length; i++) {
                assertTrue(e.getMessage().contains(c[i]), c[0] + " → " + e.getMessage());
            }
        }
    }

    @Test
    void dataSectionIsReadAndOnlyGivenFlagsOverrideIt(@TempDir Path tmp) throws IOException {
        String yaml = "data: {onMissing: skip, trainSplit: narration, validationSplit: train, evalEvery: 7, "
                + "validationClips: 9}\nmodel: {hiddenSize: 64, numAttentionHeads: 4}\ntrain: {steps: 11}\n";
        TrainingRun.Spec fromFile = spec(tmp, yaml);
        assertEquals(MissingPolicy.SKIP, fromFile.onMissing, "no --on-missing: the file's value stays");
        assertEquals(Split.NARRATION, fromFile.trainSplit);
        assertEquals(Split.TRAIN, fromFile.validationSplit);
        assertEquals(7, fromFile.evalEvery);
        assertEquals(9, fromFile.validationClips);
        assertEquals(64, fromFile.model.hiddenSize);
        assertEquals(11, fromFile.train.steps);

        TrainingRun.Spec flags = spec(tmp, yaml, "--on-missing", "fail", "--train-split", "train", "--val-split",
                "validation", "--steps", "3");
        assertEquals(MissingPolicy.FAIL, flags.onMissing, "a flag given wins");
        assertEquals(Split.TRAIN, flags.trainSplit);
        assertEquals(Split.VALIDATION, flags.validationSplit);
        assertEquals(3, flags.train.steps);

        IOException bad = assertThrows(IOException.class, () -> spec(tmp, "data: {validationSplit: nonsense}\n"));
        assertTrue(bad.getMessage().contains("nonsense"), bad.getMessage());
    }

    @Test
    void badValuesAndMissingFilesSayWhatIsWrong(@TempDir Path tmp) throws Exception {
        IllegalArgumentException policy = assertThrows(IllegalArgumentException.class,
                () -> spec(tmp, "train: {steps: 3}\n", "--on-missing", "foo"));
        assertTrue(policy.getMessage().contains("skip or fail") && policy.getMessage().contains("'foo'"),
                policy.getMessage());
        TrainCommand cmd = new TrainCommand();
        new CommandLine(cmd).parseArgs("--annotations", "a.json", "--features", tmp.toString(), "--out",
                tmp.resolve("o").toString(), "--config", tmp.resolve("nope.yaml").toString());
        IOException missing = assertThrows(IOException.class, cmd::spec);
        assertTrue(missing.getMessage().contains("nope.yaml") && missing.getMessage().contains("no such file"),
                missing.getMessage());
    }
}
