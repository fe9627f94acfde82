package io.github.taco.index;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.cli.TacoCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code taco index} and {@code taco search} end to end through the command line. */
class IndexCliTest {
    @TempDir Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = TacoCli.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void indexThenSearchThenDeleteAndRefuseAnotherCheckpoint() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 4, 2, 5);
        Path ckpt = TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 2);
        Path idx = tmp.resolve("idx");
        Run r = run("index", idx.toString(), "--checkpoint", ckpt.toString(), "--dataset", "youcook2",
                "--annotations", data.resolve("youcookii_annotations_trainval.json").toString(),
                "--features", data.resolve("features").toString(), "--split", "validation");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("index has 8 clips"), r.out());

        Run s = run("search", idx.toString(), "stir the sauce", "-k", "3", "--top-n", "8", "--top-r", "2");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("query: stir the sauce"), s.out());
        assertEquals(3, s.out().lines().filter(l -> l.matches("\\s+\\d+\\s+v\\d#\\d.*")).count(), s.out());
        assertTrue(s.out().contains("stir") && s.out().contains("best at"), s.out());

        Run d = run("index", idx.toString(), "--delete-video", "v1");
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().contains("deleted 2 clips") && d.out().contains("6 clips left"), d.out());

        Path other = TestIndexes.checkpoint(tmp.resolve("other"), "cosine", 3);
        Run bad = run("search", idx.toString(), "stir", "--checkpoint", other.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("sha256") && bad.err().contains("another space"), bad.err());

        Run usage = run("search", idx.toString(), "stir", "-k", "0");
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("k must be"), usage.err());
        Run missing = run("index", idx.toString(), "--dataset", "youcook2");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--checkpoint"), missing.err());
    }

    @Test
    void compactAloneAndAfterADelete() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 4, 2, 6);
        Path ckpt = TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 4);
        Path idx = tmp.resolve("idx");
        String[] add = {"index", idx.toString(), "--checkpoint", ckpt.toString(), "--dataset", "youcook2",
            "--annotations", data.resolve("youcookii_annotations_trainval.json").toString(),
            "--features", data.resolve("features").toString(), "--split", "validation"};
        assertEquals(0, run(add).code());
        Run again = run(add); // replaces every clip: the first records are dead
        assertEquals(0, again.code(), again.err());
        long dead;
        try (VideoIndex index = VideoIndex.open(idx, true)) {
            dead = index.stats().deadFrameBytes();
        }
        assertTrue(dead > 0);

        Run c = run("index", idx.toString(), "--compact");
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("compacted 8 clips") && c.out().contains("now frames-1.bin")
                && c.out().contains("dead bytes " + dead + " -> 0"), c.out());
        assertFalse(c.out().contains("indexing"), "nothing is embedded: " + c.out());
        Run s = run("search", idx.toString(), "stir the sauce", "-k", "3", "--top-n", "8");
        assertEquals(0, s.code(), s.err());
        assertEquals(3, s.out().lines().filter(l -> l.matches("\\s+\\d+\\s+v\\d#\\d.*")).count(), s.out());

        Run d = run("index", idx.toString(), "--delete-video", "v2", "--compact");
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().contains("deleted 2 clips") && d.out().contains("compacted 6 clips")
                && d.out().contains("now frames-2.bin"), d.out());
        assertTrue(Files.exists(idx.resolve("frames-2.bin")) && !Files.exists(idx.resolve("frames-1.bin")));

        Run help = run("index", "--help");
        assertTrue(help.out().contains("--compact") && help.out().contains("dead space"), help.out());
    }
}
