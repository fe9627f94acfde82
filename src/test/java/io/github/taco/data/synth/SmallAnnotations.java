package io.github.taco.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/** A few videos of the bundled YouCook2 annotations, so that a test renders a benchmark in seconds. */
public final class SmallAnnotations {
    private SmallAnnotations() {}

    /** Writes the first {@code train} training and {@code val} validation videos of the real file to {@code file}. */
    public static Path write(Path file, int train, int val) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode db = json.readTree(CaptionBenchmark.bundledAnnotations()).get("database");
        ObjectNode root = json.createObjectNode();
        ObjectNode keep = root.putObject("database");
        int t = 0;
        int v = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = db.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String subset = e.getValue().get("subset").asText();
            if (subset.equals("training") && t < train) {
                keep.set(e.getKey(), e.getValue());
                t++;
            } else if (subset.equals("validation") && v < val) {
                keep.set(e.getKey(), e.getValue());
                v++;
            }
        }
        json.writeValue(file.toFile(), root);
        return file;
    }
}
