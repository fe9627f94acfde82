package io.github.taco.train;

import io.github.taco.data.MissingPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

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
        assertTrue(e.getMessage().contains("unknown key 'learningRat' in section 'train'; did you mean 'learningRate'"), e.getMessage());
    }
}
