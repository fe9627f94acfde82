package io.github.taco.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.taco.index.TestIndexes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Errors a user meets with wrong paths say what is wrong, with what, and what to do. */
class MessagesTest {
    private static String fails(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = TacoCli.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(1, cl.execute(args), String.join(" ", args) + " → " + err);
        return err.toString();
    }

    @Test
    void wrongPathsAreNamedWithWhatToDo(@TempDir Path tmp) throws Exception {
        Path ann = tmp.resolve("youcookii_annotations_trainval.json");
        Files.writeString(ann, "{\"database\": {}}");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        String out = fails("train", "--annotations", ann.toString(), "--features", tmp.toString(), "--out",
                file.toString());
        assertTrue(out.contains("is a file") && out.contains("a-file"), out);

        Path npy = Files.write(tmp.resolve("v0.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        String notJson = fails("data", "check", "--annotations", npy.toString(), "--features", tmp.toString());
        assertTrue(notJson.contains("v0.npy") && notJson.contains("not a YouCook2 annotation file"), notJson);

        Path half = Files.createDirectories(tmp.resolve("half-checkpoint"));
        Files.writeString(half.resolve("config.json"), "{}");
        Path data = TestIndexes.data(tmp.resolve("data"), 2, 2, 1);
        String ckpt = fails("eval", "--checkpoint", half.toString(), "--annotations",
                data.resolve("youcookii_annotations_trainval.json").toString(), "--features",
                data.resolve("features").toString());
        assertTrue(ckpt.contains("not a complete checkpoint") && ckpt.contains("model.safetensors"), ckpt);
    }
}
