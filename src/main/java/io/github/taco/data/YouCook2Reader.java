package io.github.taco.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * YouCook2 annotations.
 *
 * <p>{@link #read} takes the official {@code youcookii_annotations_trainval.json}
 * ({@code {"database": {vid: {duration, subset, annotations: [{segment: [s, e], id, sentence}]}}}}):
 * subset "training" → {@link Split#TRAIN}, "validation" → {@link Split#VALIDATION}, "testing" →
 * {@link Split#TEST}, and "narration" → {@link Split#NARRATION} (used by the synthetic benchmark for
 * its noisy pretraining videos). Clip ids are {@code vid#index-in-annotations}.
 *
 * <p>{@link #readMilNceCsv} takes MIL-NCE's {@code validation_youcook.csv} (columns
 * end,start,task,text,video_id): 3,350 validation clips. They are all the segments of the 436
 * validation videos MIL-NCE could use; the JSON's validation split has 457 videos and 3,492
 * segments, so 21 unavailable videos (142 segments) explain the gap (checked in ReadersTest). A
 * figure such as 3,369 presumably comes from another set of still-downloadable videos; it is not
 * derivable from these files.
 */
public final class YouCook2Reader {
    public static final String ANNOTATION_FILE = "youcookii_annotations_trainval.json";

    private YouCook2Reader() {}

    /** Reads the JSON; {@code path} may be the file or a directory containing it. */
    public static Dataset read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(ANNOTATION_FILE) : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file (give the YouCook2 annotation file " + ANNOTATION_FILE + " or its folder)");
        }
        JsonNode db;
        try {
            // NaN and Infinity are read, so that the field holding one is named below instead of a parser's message
            db = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                    .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build())
                    .readTree(file.toFile()).path("database");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            var at = e.getLocation();
            throw new IOException(file + ": not a YouCook2 annotation file (not JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage() + ")", e);
        }
        if (!db.isObject()) {
            throw new IOException(file + " has no \"database\" object: not a YouCook2 annotation file");
        }
        List<Clip> clips = new ArrayList<>();
        Map<String, Double> durations = new LinkedHashMap<>();
        var it = db.fields();
        while (it.hasNext()) {
            var e = it.next();
            String vid = e.getKey();
            JsonNode v = e.getValue();
            Split split = Split.parse(v.path("subset").asText());
            if (v.has("duration")) {
                durations.put(vid, seconds(file, vid, "duration", v.get("duration"), true));
            }
            JsonNode anns = v.path("annotations");
            for (int i = 0; i < anns.size(); i++) {
                JsonNode a = anns.get(i);
                JsonNode seg = a.path("segment");
                if (seg.size() != 2) {
                    throw new IOException(file + ": video " + vid + " annotation " + i + " has no [start, end] segment");
                }
                clips.add(new Clip(vid + "#" + i, vid, seconds(file, vid, "annotation " + i + " segment start", seg.get(0), false),
                        seconds(file, vid, "annotation " + i + " segment end", seg.get(1), false), List.of(a.path("sentence").asText()), split));
            }
        }
        return new Dataset("youcook2", clips, durations, List.of());
    }

    /**
     * A number of seconds, or an error naming the file, the video and the field: not a number (a string, null),
     * NaN or infinite, or (a duration) zero or negative. A negative segment start is left to the checks, which
     * clamp it with a warning.
     */
    private static double seconds(Path file, String video, String field, JsonNode n, boolean positive) throws IOException {
        String what = file + ": video " + video + ", " + field + ": ";
        if (n == null || !n.isNumber()) {
            throw new IOException(what + "expected a number of seconds, got " + (n == null ? "nothing" : n.toString()));
        }
        double v = n.asDouble();
        if (!Double.isFinite(v)) {
            throw new IOException(what + v + " is not a number of seconds");
        }
        if (positive && !(v > 0)) {
            throw new IOException(what + "must be more than 0 s, got " + n);
        }
        return v;
    }

    /** Reads MIL-NCE's validation_youcook.csv; every clip is {@link Split#VALIDATION}. */
    public static Dataset readMilNceCsv(Path file) throws IOException {
        List<Clip> clips = new ArrayList<>();
        Map<String, Integer> perVideo = new HashMap<>();
        for (Map<String, String> row : Csv.read(file)) {
            String vid = row.get("video_id");
            if (vid == null || !row.containsKey("start") || !row.containsKey("end") || !row.containsKey("text")) {
                throw new IOException(file + ": expected columns end,start,task,text,video_id, got " + row.keySet());
            }
            int i = perVideo.merge(vid, 1, Integer::sum) - 1;
            clips.add(new Clip(vid + "#" + i, vid, Double.parseDouble(row.get("start")), Double.parseDouble(row.get("end")),
                    List.of(row.get("text")), Split.VALIDATION));
        }
        return new Dataset("youcook2", clips, Map.of(), List.of());
    }
}
