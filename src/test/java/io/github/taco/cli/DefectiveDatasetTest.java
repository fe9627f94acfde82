package io.github.taco.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.taco.features.Npy;
import io.github.taco.index.TestIndexes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One dataset holding every data defect at once, fed through {@code data check}, {@code train} and
 * {@code eval}: each command stops and names every defect (not the first only).
 */
class DefectiveDatasetTest {
    @Test
    void everyDefectIsNamedByCheckTrainAndEval(@TempDir Path tmp) throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 6, 2, 9);
        Path feats = data.resolve("features");
        float[] nan = new float[20 * TestIndexes.FEATURE_DIM];
        Arrays.fill(nan, Float.NaN);
        Npy.writeFloat32(feats.resolve("v1.npy"), 20, TestIndexes.FEATURE_DIM, nan);   // NaN values
        Files.writeString(feats.resolve("v2.npy"), "not a numpy file");                 // corrupt
        Files.delete(feats.resolve("v3.npy"));                                            // missing
        Path ann = data.resolve("youcookii_annotations_trainval.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(ann.toFile());
        ArrayNode v0 = (ArrayNode) root.path("database").path("v0").path("annotations");
        ((ObjectNode) v0.get(0)).putArray("segment").add(500).add(510);                  // after the features end
        ((ObjectNode) v0.get(1)).put("sentence", " ");                                    // blank caption
        ArrayNode v4 = (ArrayNode) root.path("database").path("v4").path("annotations");
        ((ObjectNode) v4.get(0)).put("sentence", "...");                                  // punctuation only
        json.writeValue(ann.toFile(), root);
        String[] defects = {"v1", "v2", "v3", "v0#0", "no caption", "v4#0", "with a word in it (\"...\")"};
        Path ckpt = TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 1);

        String[][] commands = {
            {"data", "check", "--annotations", ann.toString(), "--features", feats.toString()},
            {"train", "--annotations", ann.toString(), "--features", feats.toString(), "--out",
                tmp.resolve("run").toString(), "--train-split", "validation", "--batch", "2", "--steps", "1"},
            {"eval", "--checkpoint", ckpt.toString(), "--annotations", ann.toString(), "--features", feats.toString()},
        };
        for (String[] args : commands) {
            StringWriter out = new StringWriter();
            CommandLine cl = TacoCli.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(out, true));
            assertEquals(1, cl.execute(args), args[0] + ": " + out);
            for (String d : defects) {
                assertTrue(out.toString().contains(d), args[0] + " does not name " + d + ":\n" + out);
            }
        }
        assertTrue(!Files.exists(tmp.resolve("run").resolve("checkpoint")), "nothing was trained");
    }
}
