package io.github.taco.data;

import com.fasterxml.jackson.databind.JsonNode;
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
            throw new IOException(file + ": no such file (give the YouCook2 annotation file " + ANNOTATION_FILE
                    + " or its folder)");
        }
        JsonNode db = Seconds.readJson(file, "a YouCook2 annotation file").path("database");
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
                durations.put(vid, Seconds.of(file, vid, "duration", v.get("duration"), true));
            }
            JsonNode anns = v.path("annotations");
            for (int i = 0; i < anns.size(); i++) {
                JsonNode a = anns.get(i);
                JsonNode seg = a.path("segment");
                if (seg.size() != 2) {
                    throw new IOException(file + ": video " + vid + " annotation " + i
                            + " has no [start, end] segment");
                }
                clips.add(new Clip(vid + "#" + i, vid,
                        Seconds.of(file, vid, "annotation " + i + " segment start", seg.get(0), false),
                        Seconds.of(file, vid, "annotation " + i + " segment end", seg.get(1), false),
                        List.of(a.path("sentence").asText()), split));
            }
        }
        return new Dataset("youcook2", clips, durations, List.of());
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
            clips.add(new Clip(vid + "#" + i, vid,
                    Seconds.of(file, vid, "start (row " + (i + 1) + " of the video)", row.get("start"), false),
                    Seconds.of(file, vid, "end (row " + (i + 1) + " of the video)", row.get("end"), false),
                    List.of(row.get("text")), Split.VALIDATION));
        }
        return new Dataset("youcook2", clips, Map.of(), List.of());
    }
}
