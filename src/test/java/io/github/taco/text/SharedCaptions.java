package io.github.taco.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.SharedData;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Real captions from the repository's test data (src/test/data), read with Jackson (and a small CSV reader). */
final class SharedCaptions {
    private SharedCaptions() {}

    static Path dir() {
        return SharedData.dir();
    }

    /** YouCook2 trainval: {"database": {vid: {subset, annotations: [{sentence}]}}}; subset null = all. */
    static List<String> youCook2(String subset) throws IOException {
        JsonNode db = new ObjectMapper()
                .readTree(dir().resolve("youcook2/youcookii_annotations_trainval.json").toFile()).get("database");
        List<String> out = new ArrayList<>();
        db.fields().forEachRemaining(e -> {
            if (subset == null || subset.equals(e.getValue().path("subset").asText())) {
                e.getValue().get("annotations").forEach(a -> out.add(a.get("sentence").asText()));
            }
        });
        return out;
    }

    /** MSR-VTT JSFusion test: CSV with header key,vid_key,video_id,sentence (no quoted commas in this file). */
    static List<String> msrvttTest() throws IOException {
        List<String> lines = Files.readAllLines(dir().resolve("msrvtt/MSRVTT_JSFUSION_test.csv"),
                StandardCharsets.UTF_8);
        String[] header = lines.get(0).split(",");
        int col = List.of(header).indexOf("sentence");
        List<String> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isEmpty()) {
                // sentence is the last column: keep any commas inside it
                String[] parts = line.split(",", header.length);
                out.add(parts[col]);
            }
        }
        return out;
    }

    /** ActivityNet val_1: {vid: {sentences: [...]}}; paragraphs = a video's sentences joined. */
    static List<List<String>> activityNet() throws IOException {
        JsonNode root;
        try (Reader r = Files.newBufferedReader(dir().resolve("activitynet/val_1.json"))) {
            root = new ObjectMapper().readTree(r);
        }
        List<List<String>> out = new ArrayList<>();
        root.forEach(v -> {
            List<String> s = new ArrayList<>();
            v.get("sentences").forEach(x -> s.add(x.asText()));
            out.add(s);
        });
        return out;
    }
}
