package io.github.taco.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled MiniLM: imported into the cache once, reused while complete, re-imported when not; resolveBert's word.
 */
class PretrainedTextTest {

    @TempDir
    Path tmp;

    @AfterEach
    void clearProperty() {
        System.clearProperty(PretrainedText.CACHE_PROPERTY);
    }

    @Test
    void miniLmIsImportedOnceAndReusedWhileComplete() throws Exception {
        Path root = tmp.resolve("cache");
        long t0 = System.nanoTime();
        Path folder = PretrainedText.miniLm(root);
        double first = (System.nanoTime() - t0) / 1e9;
        byte[] onnx;
        try (InputStream in = PretrainedText.class.getResourceAsStream(PretrainedText.MINILM_ONNX)) {
            onnx = in.readAllBytes();
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx));
        assertEquals(root.resolve("all-minilm-l6-v2-" + sha.substring(0, 12)).toAbsolutePath(), folder);
        assertEquals(384, PretrainedText.sizes(folder, TacoConfig.cpu(8)).textHiddenSize);

        // a file of the test's own in the folder: an import replaces the whole folder, so only a reuse keeps it
        Path marker = Files.writeString(folder.resolve("marker.txt"), "not written by the import");
        t0 = System.nanoTime();
        assertEquals(folder, PretrainedText.miniLm(root));
        double reuse = (System.nanoTime() - t0) / 1e9;
        assertTrue(Files.isRegularFile(marker), "reused, not rewritten");
        System.out.printf("PretrainedText.miniLm: first call %.1f s (import), second %.2f s (reuse)%n", first, reuse);

        // an incomplete folder (here: its tokenizer removed) is imported again
        Files.delete(folder.resolve("tokenizer.json"));
        assertEquals(folder, PretrainedText.miniLm(root));
        assertTrue(Files.isRegularFile(folder.resolve("tokenizer.json")));
        assertFalse(Files.exists(marker), "imported again: the folder was replaced, the marker with it");
        try (Stream<Path> s = Files.list(root)) {
            assertEquals(List.of(folder), s.map(Path::toAbsolutePath).toList(), "nothing else in the cache");
        }

        // the --bert word: 'minilm' is this folder under the configured cache root
        System.setProperty(PretrainedText.CACHE_PROPERTY, root.toString());
        assertEquals(root, PretrainedText.cacheRoot());
        assertEquals(folder, PretrainedText.resolveBert("MiniLM"));
        assertEquals(Path.of("runs", "mlm"), PretrainedText.resolveBert("runs/mlm"));
        assertEquals(Path.of("minilm").toAbsolutePath(),
                PretrainedText.resolveBert("./minilm").toAbsolutePath().normalize());
    }
}
