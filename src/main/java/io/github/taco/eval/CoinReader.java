package io.github.taco.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads COIN's {@code COIN.json}:
 * {@code {"database": {vid: {"subset": "training"|"testing", "recipe_type": int, "duration": s,
 * "annotation": [{"id": "<step class id>", "segment": [s, e], "label": "..."}], ...}}}}.
 * Other fields (class, url, start, end) are ignored except {@code class}, kept when present.
 */
public final class CoinReader {

    private CoinReader() {
    }

    /**
     * One annotated step segment.
     *
     * @param stepId   global step class id (COIN numbers them from 1, so 0 is free for background)
     * @param startSec start in seconds
     * @param endSec   end in seconds
     * @param label    step description
     */
    public record Segment(int stepId, double startSec, double endSec, String label) {
    }

    /**
     * One COIN video.
     *
     * @param id          YouTube id (the key in "database")
     * @param subset      "training" or "testing"
     * @param recipeType  task id
     * @param className   task name from "class", or "" when absent
     * @param durationSec video duration in seconds
     * @param segments    annotated segments in file order
     */
    public record Video(String id, String subset, int recipeType, String className, double durationSec,
                        List<Segment> segments) {

        /**
         * Per-frame step labels: frame k gets the step id of a segment with
         * {@code ⌊start·fps⌋ ≤ k < ⌈end·fps⌉} (the rule of {@link StepSegment#containsFrame}),
         * {@code background} elsewhere. Segments later in the file win where segments overlap.
         */
        public int[] frameLabels(int frames, double fps, int background) {
            int[] labels = new int[frames];
            Arrays.fill(labels, background);
            for (Segment s : segments) {
                int first = (int) Math.max(0, Math.floor(s.startSec() * fps));
                int end = (int) Math.min(frames, Math.max(Math.ceil(s.endSec() * fps), first + 1));
                for (int k = first; k < end; k++) {
                    labels[k] = s.stepId();
                }
            }
            return labels;
        }
    }

    /** All videos of {@code COIN.json}, keyed by id in file order. */
    public static Map<String, Video> read(Path coinJson) throws IOException {
        JsonNode db = new ObjectMapper().readTree(coinJson.toFile()).get("database");
        if (db == null || !db.isObject()) {
            throw new IllegalArgumentException(coinJson + ": no \"database\" object");
        }
        Map<String, Video> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = db.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), video(e.getKey(), e.getValue(), coinJson));
        }
        return out;
    }

    /** The videos of one subset ("training" or "testing"), in file order. */
    public static List<Video> subset(Map<String, Video> videos, String subset) {
        List<Video> out = new ArrayList<>();
        for (Video v : videos.values()) {
            if (v.subset().equals(subset)) {
                out.add(v);
            }
        }
        return out;
    }

    private static Video video(String id, JsonNode n, Path file) {
        List<Segment> segs = new ArrayList<>();
        JsonNode ann = n.path("annotation");
        for (JsonNode a : ann) {
            JsonNode seg = a.path("segment");
            if (!seg.isArray() || seg.size() != 2) {
                throw new IllegalArgumentException(file + ": video " + id + " has a segment that is not [start, end]");
            }
            // "id" is a string in the release; asInt parses it (and accepts a plain number).
            int stepId = a.path("id").asInt(Integer.MIN_VALUE);
            if (stepId == Integer.MIN_VALUE) {
                throw new IllegalArgumentException(file + ": video " + id + " has a step without a numeric id");
            }
            segs.add(new Segment(stepId, seg.get(0).asDouble(), seg.get(1).asDouble(), a.path("label").asText("")));
        }
        return new Video(id, n.path("subset").asText(""), n.path("recipe_type").asInt(-1),
                n.path("class").asText(""), n.path("duration").asDouble(Double.NaN),
                Collections.unmodifiableList(segs));
    }
}
