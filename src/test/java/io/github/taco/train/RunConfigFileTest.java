package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.data.MissingPolicy;
import io.github.taco.model.Negatives;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.text.TagSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML run config through the library, as a Java caller uses it (the CLI's tests cover --config). */
class RunConfigFileTest {
    @TempDir Path tmp;

    @Test
    void theDocumentedExampleApplies() throws IOException {
        Path f = Files.writeString(tmp.resolve("run.yaml"), """
                preset: cpu
                model: {useL2: true, useL3: true, negatives: cascade, kPrime: 4, dropout: 0}
                train: {steps: 800, batchSize: 64, learningRate: 5.0e-4}
                data: {validationClips: 1000, evalEvery: 200, onMissing: skip}
                """);
        TrainingRun.Spec spec = new TrainingRun.Spec();
        RunConfigFile.apply(spec, f);
        assertEquals(800, spec.train.steps);
        assertEquals(64, spec.train.batchSize);
        assertEquals(4, spec.model.kPrime);
        assertTrue(spec.model.useL3);
        assertEquals(1000, spec.validationClips);
        assertEquals(200, spec.evalEvery);
        assertEquals(MissingPolicy.parse("skip"), spec.onMissing);
        assertTrue(spec.given.contains("train.steps") && spec.given.contains("model.kPrime"), spec.given.toString());
    }

    @Test
    void aMisspeltKeyIsAnErrorNamingTheClosestOne() throws IOException {
        Path f = Files.writeString(tmp.resolve("bad.yaml"), "train: {learningRat: 1e-3}\n");
        IOException e = assertThrows(IOException.class, () -> RunConfigFile.apply(new TrainingRun.Spec(), f));
        assertTrue(e.getMessage().contains("unknown key 'learningRat' in section 'train'; did you mean 'learningRate'"),
                e.getMessage());
    }

    @Test
    void overridesAreTypedAndCheckedAsAFileIs() {
        TrainingRun.Spec spec = new TrainingRun.Spec();
        RunConfigFile.applyOverrides(spec, List.of("model.lambda=0.1", "train.clipNorm=0", "model.l3Detached=true"));
        assertEquals(0.1, spec.model.lambda);
        assertEquals(0.0, spec.train.clipNorm);
        assertTrue(spec.model.l3Detached);
        assertTrue(spec.given.contains("model.lambda"), spec.given.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> RunConfigFile.applyOverrides(new TrainingRun.Spec(),
                List.of("model.lamda=0.1")));
        assertTrue(e.getMessage().contains("did you mean 'lambda'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RunConfigFile.applyOverrides(new TrainingRun.Spec(),
                List.of("lambda=0.1")));
        assertTrue(e.getMessage().contains("expected section.key=value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RunConfigFile.applyOverrides(new TrainingRun.Spec(),
                List.of("train.clipNorm=lots")));
        assertTrue(e.getMessage().startsWith("--set: "), e.getMessage());
    }

    @Test
    void choiceSettingsAreEnumsThatKeepTheirNamesInConfigJson() throws IOException {
        Path f = Files.writeString(tmp.resolve("choices.yaml"), """
                model: {negatives: Random, similarity: cosine, tagSet: det+adp, l2DetachedFrom: text}
                """);
        TrainingRun.Spec spec = new TrainingRun.Spec();
        RunConfigFile.apply(spec, f);
        assertEquals(Negatives.RANDOM, spec.model.negatives);
        assertEquals(Similarity.COSINE, spec.model.similarity);
        assertEquals(TagSet.DET_ADP, spec.model.tagSet);
        assertEquals(TacoConfig.L2Detach.TEXT, spec.model.l2DetachedFrom);
        // config.json spells them as the YAML does (a PyTorch reader and older checkpoints see no change)
        String json = spec.model.toJson();
        for (String expected : new String[] {"\"negatives\" : \"random\"", "\"similarity\" : \"cosine\"",
                "\"tagSet\" : \"det+adp\"", "\"l2DetachedFrom\" : \"text\""}) {
            assertTrue(json.contains(expected), expected + " in " + json);
        }
        assertEquals(json, spec.model.copy().toJson());

        Path bad = Files.writeString(tmp.resolve("bad-choice.yaml"), "model: {negatives: hardest}\n");
        IOException e = assertThrows(IOException.class, () -> RunConfigFile.apply(new TrainingRun.Spec(), bad));
        assertTrue(e.getMessage().contains("negatives must be cascade, random or full, got 'hardest'"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> RunConfigFile.applyOverrides(new TrainingRun.Spec(),
                List.of("model.tagSet=adjectives")));
        assertTrue(e2.getMessage().contains(
                "tag set must be none, noun, verb, noun+verb, det+adp or all, got 'adjectives'"), e2.getMessage());
    }
}
