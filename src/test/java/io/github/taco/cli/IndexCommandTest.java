package io.github.taco.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.taco.index.FrameStore;
import io.github.taco.index.SearchCalibration;
import io.github.taco.index.TestIndexes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code taco index} as a user runs it: build (no --dataset needed), re-index, delete, compact. */
class IndexCommandTest {
    private record Outcome(int code, String out, String err) {}

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = TacoCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void buildReindexDeleteAndCompactSayWhatTheyDid(@TempDir Path tmp) throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 3, 2, 5);
        Path ckpt = TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 3);
        Path idx = tmp.resolve("idx");
        String[] build = {"index", idx.toString(), "--checkpoint", ckpt.toString(),
                "--annotations", data.resolve("youcookii_annotations_trainval.json").toString(),
                "--features", data.resolve("features").toString()};

        Outcome first = run(build); // --dataset defaults to youcook2, as in train
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("6 clips added, 0 replaced"), first.out());
        assertTrue(first.out().contains("calibrated on 6 of the index's captions"), first.out());
        assertTrue(Files.isRegularFile(idx.resolve(SearchCalibration.FILE)));
        Outcome search = run("search", idx.toString(), "stir the sauce");
        assertEquals(0, search.code(), search.err());
        assertTrue(search.out().contains("  conf") && search.out().contains("%  "), search.out());
        assertTrue(search.out().contains("watch: https://www.youtube.com/watch?v=v"),
                "youcook2's videos link to YouTube: " + search.out());
        Outcome unquoted = run("search", idx.toString(), "stir", "the", "sauce");
        assertEquals(0, unquoted.code(), unquoted.err());
        assertEquals(search.out().replaceAll("[0-9.]+ ms", "ms"), unquoted.out().replaceAll("[0-9.]+ ms", "ms"),
                "unquoted words are the same query");
        for (String[] bad : new String[][] {{"search", idx.toString(), "-k", "0", "stir"}, {"search", idx.toString()},
                {"search", idx.toString(), "--order", "best", "stir"}}) {
            Outcome b = run(bad);
            assertEquals(2, b.code(), String.join(" ", bad));
            assertEquals(1, b.err().strip().lines().count(), "one line, not the usage: " + b.err());
            assertTrue(b.err().startsWith("taco search: ") && b.err().contains("--help"), b.err());
        }

        Outcome nothingDead = run("index", idx.toString(), "--compact");
        assertEquals(0, nothingDead.code(), nothingDead.err());
        assertTrue(nothingDead.out().contains("nothing to compact"), nothingDead.out());
        assertFalse(Files.exists(idx.resolve("frames-1.bin")), "no rewrite when nothing is dead");
        assertTrue(Files.exists(idx.resolve(FrameStore.FILE)));

        Outcome again = run(build);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("0 clips added, 6 replaced"), again.out());
        assertTrue(again.out().contains("--compact' reclaims"), again.out());

        Outcome missing = run("index", idx.toString(), "--delete-video", "nonexistent");
        assertEquals(1, missing.code(), "deleting a video that is not there is an error");
        assertTrue(missing.err().contains("'nonexistent'"), missing.err());
        assertTrue(missing.out().contains("deleted 0 clips of 0 videos; 6 clips left"), missing.out());

        Outcome one = run("index", idx.toString(), "--delete-video", "v1");
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().contains("deleted 2 clips of 1 video; 4 clips left"), one.out());

        Outcome compact = run("index", idx.toString(), "--compact");
        assertEquals(0, compact.code(), compact.err());
        assertTrue(compact.out().contains("compacted 4 clips"), compact.out());
        assertTrue(Files.exists(idx.resolve("frames-1.bin")));
    }
}
