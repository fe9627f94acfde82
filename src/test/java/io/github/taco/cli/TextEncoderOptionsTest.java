package io.github.taco.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.taco.SharedData;
import io.github.taco.train.TrainOptions;
import io.github.taco.train.TrainingRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --bert, --text-lr and the YAML key textLearningRate of taco train and taco ablate. */
class TextEncoderOptionsTest {

    private static TrainingRun.Spec trainSpec(Path tmp, String... extra) throws Exception {
        TrainCommand cmd = new TrainCommand();
        String[] base = {"--annotations", "a.json", "--features", tmp.toString(), "--out",
                tmp.resolve("run").toString()};
        String[] args = Stream.concat(Arrays.stream(base), Arrays.stream(extra)).toArray(String[]::new);
        new CommandLine(cmd).parseArgs(args);
        return cmd.spec();
    }

    @Test
    void bertKeepsThePresetsDAndTrainsTheTextEncoderAtAFifthOfTheRate(@TempDir Path tmp) throws Exception {
        Path bert = SharedData.file("bert-tiny");
        TrainingRun.Spec spec = trainSpec(tmp, "--bert", bert.toString());
        assertEquals(128, spec.model.hiddenSize, "d stays the cpu preset's");
        assertEquals(4, spec.model.numAttentionHeads);
        assertEquals(512, spec.model.intermediateSize);
        assertEquals(32, spec.model.textWidth());
        assertEquals(4, spec.model.textHeads());
        assertEquals(64, spec.model.textIntermediate());
        assertEquals(2, spec.model.textLayers);
        assertTrue(spec.model.textProjected());
        assertEquals(bert.resolve("tokenizer.json"), spec.vocabulary, "the BERT's own tokenizer");
        assertNull(spec.train.textLearningRate, "the default is decided when the run starts");
        TrainOptions o = TrainingRun.trainOptions(spec);
        assertEquals(5e-4, o.learningRate, 0.0);
        assertEquals(1e-4, o.textLearningRate, 1e-15);

        // --hidden after --bert changes d only: the BERT still loads into the text encoder
        spec = trainSpec(tmp, "--bert", bert.toString(), "--hidden", "64", "--text-lr", "2e-5");
        assertEquals(64, spec.model.hiddenSize);
        assertEquals(32, spec.model.textWidth());
        assertEquals(2e-5, TrainingRun.trainOptions(spec).textLearningRate, 0.0);
    }

    @Test
    void textLrFromTheFlagOrTheYamlConfig(@TempDir Path tmp) throws Exception {
        TrainOptions scratch = TrainingRun.trainOptions(trainSpec(tmp));
        assertNull(scratch.textLearningRate, "from scratch: the preset's ratio decides");
        assertEquals(2e-3, scratch.effectiveTextLearningRate(), 1e-15, "the cpu preset: 4 × 5e-4");
        assertEquals(1e-4, TrainingRun.trainOptions(trainSpec(tmp, "--preset", "paper")).effectiveTextLearningRate(),
                1e-15, "the paper preset: the main rate");
        assertEquals(3e-5, trainSpec(tmp, "--text-lr", "3e-5").train.textLearningRate, 0.0);
        Path yaml = Files.writeString(tmp.resolve("c.yaml"), "train:\n  learningRate: 2.0e-4\n"
                + "  textLearningRate: 4.0e-5\nmodel:\n  textHiddenSize: 256\n  textAttentionHeads: 8\n");
        TrainingRun.Spec spec = trainSpec(tmp, "--config", yaml.toString());
        assertEquals(4e-5, spec.train.textLearningRate, 0.0);
        assertEquals(256, spec.model.textWidth());
        assertEquals(8, spec.model.textHeads());
        assertEquals(1e-5, trainSpec(tmp, "--config", yaml.toString(), "--text-lr", "1e-5").train.textLearningRate, 0.0,
                "the flag wins");
    }

    @Test
    void badTextLrIsRefusedAndHelpExplainsIt(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        CommandLine cl = TacoCli.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        assertEquals(1, cl.execute("train", "--annotations", "a.json", "--features", tmp.toString(), "--out",
                tmp.resolve("o").toString(), "--text-lr", "-1"));
        assertTrue(err.toString().contains("textLearningRate must be >= 0"), err.toString());
        for (String command : new String[] {"train", "ablate"}) {
            StringWriter out = new StringWriter();
            CommandLine help = TacoCli.commandLine();
            help.setOut(new PrintWriter(out));
            assertEquals(0, help.execute(command, "--help"));
            String text = out.toString().replaceAll("\\s+", " ");
            assertTrue(text.contains("--text-lr") && text.contains("0.2 ×") && text.contains("2e-5"),
                    command + ": " + text);
        }
        StringWriter err2 = new StringWriter();
        CommandLine merge = TacoCli.commandLine();
        merge.setErr(new PrintWriter(err2));
        assertEquals(1, merge.execute("ablate", "--out", tmp.resolve("all").toString(), "--merge",
                tmp.resolve("x").toString(), "--text-lr", "1e-5"));
        assertTrue(err2.toString().contains("--text-lr"), err2.toString());
    }
}
