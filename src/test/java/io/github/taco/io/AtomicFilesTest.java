package io.github.taco.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes leave the target with the permissions any new file gets, and no temporary behind. */
class AtomicFilesTest {
    @Test
    void writtenFilesAndFoldersGetTheDefaultPermissions(@TempDir Path dir) throws Exception {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX file system");
        Path plain = Files.createFile(dir.resolve("plain"));
        Path plainDir = Files.createDirectory(dir.resolve("plainDir"));

        Path target = dir.resolve("config.json");
        AtomicFiles.writeString(target, "{}");
        AtomicFiles.writeString(target, "{\"a\": 1}"); // over an existing file
        assertEquals("{\"a\": 1}", Files.readString(target));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        // Files.createTempFile would give 0600: another account could not read a checkpoint.
        assertEquals(expected, Files.getPosixFilePermissions(target));

        Path folder = AtomicFiles.tempSibling(dir.resolve("checkpoint"), true);
        assertEquals(Files.getPosixFilePermissions(plainDir), Files.getPosixFilePermissions(folder));
        assertTrue(folder.getFileName().toString().startsWith(".checkpoint."), folder.toString());
        Files.delete(folder);

        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(Set.of("plain", "plainDir", "config.json"),
                    s.map(p -> p.getFileName().toString()).collect(Collectors.toSet()), "no temporary left");
        }
    }
}
