package io.github.taco.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds /work/shared/data: system property taco.shared.data (set by surefire), else ../shared/data. */
final class SharedData {
    private SharedData() {}

    static Path dir() {
        String p = System.getProperty("taco.shared.data");
        Path d = p != null ? Path.of(p) : Path.of("..", "shared", "data");
        if (!Files.isDirectory(d)) {
            throw new IllegalStateException("shared data folder not found at " + d.toAbsolutePath());
        }
        return d;
    }
}
