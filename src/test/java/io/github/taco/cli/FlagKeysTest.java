package io.github.taco.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.bench.TrainBenchmark;
import io.github.taco.data.Split;
import io.github.taco.eval.Ablation;
import io.github.taco.model.Negatives;
import io.github.taco.train.RunConfigFile;
import io.github.taco.train.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every flag of taco train is a run-config key's alias (or listed as the command's own), handled in one place. */
class FlagKeysTest {
    @TempDir Path tmp;

    @Test
    void everyFlagOfTrainMapsToAKeyOrIsListedAsTheCommandsOwn() {
        CommandLine cl = new CommandLine(new TrainCommand());
        TreeSet<String> flags = new TreeSet<>();
        cl.getCommandSpec().options().forEach(o -> flags.add(o.longestName()));
        TreeSet<String> listed = new TreeSet<>(TrainCommand.KEYS.keySet());
        listed.addAll(TrainCommand.COMMAND_ONLY);
        assertEquals(listed, flags,
                "a flag added to taco train must be given a key in TrainCommand.KEYS or listed in COMMAND_ONLY");
        for (String key : TrainCommand.KEYS.values()) {
            assertTrue(key.matches("(model|train|data)\\.[a-zA-Z0-9]+"), key);
        }
    }

    @Test
    void theAblationsFlagsMeanWhatTrainsFlagsOfTheSameNameMean() {
        TreeSet<String> flags = new TreeSet<>();
        new CommandLine(new AblateCommand()).getCommandSpec().options().forEach(o -> flags.add(o.longestName()));
        TreeSet<String> listed = new TreeSet<>(AblateCommand.KEYS.keySet());
        listed.addAll(AblateCommand.COMMAND_ONLY);
        assertEquals(listed, flags,
                "a flag added to taco ablate must be given a key in AblateCommand.KEYS or listed in COMMAND_ONLY");
        AblateCommand.KEYS.forEach((flag, key) -> assertEquals(TrainCommand.KEYS.get(flag), key,
                flag + " means the same in train and ablate"));
        // the keys an ablation sets itself are the ones --set may not change
        assertTrue(Ablation.ROW_KEYS.containsAll(AblateCommand.KEYS.values()), "--set must refuse what a flag sets");
    }

    @Test
    void benchTrainsFlagsThatTrainHasTooMeanWhatTheyMeanThere() {
        TreeSet<String> shared = new TreeSet<>();
        new CommandLine(new BenchCommand.Train()).getCommandSpec().options().forEach(o -> {
            for (String name : o.names()) {
                if (TrainCommand.KEYS.containsKey(name) && !o.hidden()) shared.add(name);
            }
        });
        assertEquals(new TreeSet<>(BenchCommand.Train.KEYS.keySet()), shared,
                "a flag of taco bench train named like one of taco train's must set the same key");
        BenchCommand.Train.KEYS.forEach((flag, key) -> assertEquals(TrainCommand.KEYS.get(flag), key, flag));
    }

    @Test
    void benchTrainAppliesItsFlagsAsKeysAndKeepsTheOldTimingNames() {
        BenchCommand.Train train = new BenchCommand.Train();
        new CommandLine(train).parseArgs("--preset", "small", "--hidden", "64", "--max-frames", "8", "--batch", "16",
                "--set", "model.intermediateSize=100", "--steps", "7", "--warmup", "2");
        TrainBenchmark.Shape small = TrainBenchmark.Shape.named("small", null);
        BenchCommand.Train.Resolved x = train.resolve(small);
        assertEquals(64, x.config().hiddenSize);
        assertEquals(100, x.config().intermediateSize, "--set comes after the flags");
        assertEquals(8, x.config().maxFrames);
        assertEquals(16, x.batch());
        assertEquals(small.config().textLayers, x.config().textLayers, "what no flag sets stays the shape's");
        assertEquals(7, train.steps, "--steps still counts timed steps here (with a warning)");
        assertEquals(2, train.warmup);
        assertThrows(IllegalArgumentException.class, () -> {
            BenchCommand.Train bad = new BenchCommand.Train();
            new CommandLine(bad).parseArgs("--set", "model.hiddenSise=64");
            bad.resolve(small);
        });
    }

    @Test
    void everyCommandsHelpFormatsWithoutAWarning() {
        // picocli formats descriptions with String.format: a lone '%' prints a warning and the raw text
        List<String> warned = new ArrayList<>();
        PrintStream before = System.err;
        try {
            Deque<CommandLine> todo = new ArrayDeque<>(List.of(TacoCli.commandLine()));
            while (!todo.isEmpty()) {
                CommandLine cl = todo.pop();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                cl.getUsageMessage();
                if (err.toString(StandardCharsets.UTF_8).contains("WARN")) {
                    warned.add(cl.getCommandSpec().qualifiedName());
                }
                todo.addAll(cl.getSubcommands().values());
            }
        } finally {
            System.setErr(before);
        }
        assertEquals(List.of(), warned);
    }

    @Test
    void everyKeyIsOneTheConfigFileKnows() {
        TrainingRun.Spec spec = new TrainingRun.Spec();
        ObjectMapper json = new ObjectMapper();
        JsonNode model = json.valueToTree(spec.model);
        JsonNode train = json.valueToTree(spec.train);
        Map<String, String> data = Map.of("trainSplit", "train", "validationSplit", "validation", "validationClips",
                "5", "evalEvery", "5");
        for (String key : TrainCommand.KEYS.values()) {
            String field = key.substring(key.indexOf('.') + 1);
            JsonNode preset = key.startsWith("data.") ? null : (key.startsWith("model.") ? model : train).get(field);
            // the preset's own value (a rate left unset reads null: give one); an unknown key throws
            String value = key.startsWith("data.") ? data.get(field)
                    : preset == null || preset.isNull() ? "0.001" : preset.asText();
            RunConfigFile.applyOverrides(spec, List.of(key + "=" + value));
        }
    }

    @Test
    void aFlagGivenIsItsKeysOverrideRecordedAsGiven() throws Exception {
        List<String> args = new ArrayList<>(List.of("--annotations", tmp.resolve("a.json").toString(), "--features",
                tmp.toString(), "--out", tmp.resolve("out").toString(), "--lambda", "0.25", "--negatives", "random",
                "--steps", "12", "--l3-detached", "--val-clips", "7", "--train-split", "narration"));
        TrainCommand cmd = new TrainCommand();
        new CommandLine(cmd).parseArgs(args.toArray(String[]::new));
        TrainingRun.Spec spec = cmd.spec();
        assertEquals(0.25, spec.model.lambda);
        assertEquals(Negatives.RANDOM, spec.model.negatives);
        assertEquals(12, spec.train.steps);
        assertTrue(spec.model.l3Detached);
        assertEquals(7, spec.validationClips);
        assertEquals(Split.NARRATION, spec.trainSplit);
        assertTrue(spec.given.containsAll(List.of("model.lambda", "model.negatives", "train.steps",
                "model.l3Detached")), spec.given.toString());

        TrainCommand bad = new TrainCommand();
        new CommandLine(bad).parseArgs("--annotations", "a.json", "--features", tmp.toString(), "--out",
                tmp.resolve("o").toString(), "--negatives", "hardest");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::spec);
        assertTrue(e.getMessage().startsWith("--negatives hardest: ")
                && e.getMessage().contains("negatives must be cascade, random or full"), e.getMessage());
    }
}
