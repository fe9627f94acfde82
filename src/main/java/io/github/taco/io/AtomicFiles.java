package io.github.taco.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Atomic writes: a temp file in the same folder, then a rename over the target, so a crash never
 * leaves a half-written checkpoint, index file or calibration.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = tempSibling(target, false);
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                writer.write(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates an empty file (or folder) beside {@code target} under a fresh hidden name, to be
     * renamed over it. Unlike {@code Files.createTempFile}, which makes it readable by its owner
     * only (0600, and 0700 for a folder), it gets the default permissions of new files (the
     * umask), so a checkpoint trained by one account can be served by another.
     */
    public static Path tempSibling(Path target, boolean directory) throws IOException {
        Path abs = target.toAbsolutePath();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(random.nextLong()) + ".tmp");
            try {
                if (directory) {
                    Files.createDirectory(tmp);
                } else {
                    Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                }
                return tmp;
            } catch (FileAlreadyExistsException e) {
                // another writer picked the same name: draw again
            }
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
