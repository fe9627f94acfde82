package io.github.taco;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's real test data, {@code src/test/data} (see its SOURCES.md): public annotation
 * files and a tiny BERT checkpoint. Surefire passes the folder as {@code taco.test.data}; a test run
 * from an IDE falls back to the path relative to the module.
 */
public final class SharedData {
    private SharedData() {}

    public static Path dir() {
        String p = System.getProperty("taco.test.data");
        Path dir = p != null ? Path.of(p) : Path.of("src", "test", "data");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("test data folder not found: " + dir.toAbsolutePath());
        }
        return dir;
    }

    public static Path file(String relative) {
        return dir().resolve(relative);
    }
}
