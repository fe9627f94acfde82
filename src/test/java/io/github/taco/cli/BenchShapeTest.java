package io.github.taco.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.bench.TrainBenchmark;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code taco bench train}: which options change a named shape (then plain PyTorch cannot time the same one). */
class BenchShapeTest {
    private static boolean reshaped(String shape, String... args) {
        BenchCommand.Train train = new BenchCommand.Train();
        new CommandLine(train).parseArgs(args);
        return train.reshaped(TrainBenchmark.Shape.named(shape, null));
    }

    @Test
    void anOptionChangesTheShapeOnlyWhenItChangesTheModel() {
        assertFalse(reshaped("small"));
        assertFalse(reshaped("small", "--batch", "32", "--kprime", "2", "--feature-dim", "256"));
        assertFalse(reshaped("small", "--dropout", "0.1"), "the small shape's own dropout");
        assertTrue(reshaped("small", "--dropout", "0"));
        assertTrue(reshaped("large", "--frames", "8"));
        assertTrue(reshaped("large", "--text-hidden", "384"));
        // asking twice must not see the first call's change (the shape's config is not mutated)
        BenchCommand.Train train = new BenchCommand.Train();
        new CommandLine(train).parseArgs("--hidden", "64");
        TrainBenchmark.Shape small = TrainBenchmark.Shape.named("small", null);
        assertTrue(train.reshaped(small));
        assertTrue(train.reshaped(small));
    }
}
