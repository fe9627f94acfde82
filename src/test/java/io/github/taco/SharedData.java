package io.github.taco;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/data (the pom passes it as the system property taco.shared.data). */
public final class SharedData {
    private SharedData() {}

    public static Path dir() {
        String p = System.getProperty("taco.shared.data");
        Path dir = p != null ? Path.of(p) : Path.of("..", "shared", "data");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("shared data folder not found: " + dir.toAbsolutePath());
        }
        return dir;
    }

    public static Path file(String relative) {
        return dir().resolve(relative);
    }
}
