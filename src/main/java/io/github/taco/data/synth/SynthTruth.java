package io.github.taco.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground truth of a written benchmark, read back from {@code synth_truth.json}: each video's
 * ordered steps (for step localization, a CrossTask stand-in) and per-second step labels (for
 * segmentation, a COIN stand-in), and for each clip the step at its time and the step its caption
 * describes.
 */
public final class SynthTruth {
    /**
     * Truth of one clip.
     *
     * @param step        index of the step the clip's segment covers
     * @param captionStep index of the step the caption describes; differs from {@code step} for
     *                    shifted narration, -1 for an off-topic caption
     * @param concepts    the concepts of the step at the clip's time ({verb, object, attribute, amount, tool, place})
     */
    public record ClipTruth(String videoId, int step, int captionStep, int[] concepts) {}

    private final Map<String, List<Step>> steps;
    private final Map<String, Integer> frames;
    private final Map<String, ClipTruth> clips;
    private final Map<String, String> splits;

    private SynthTruth(Map<String, List<Step>> steps, Map<String, Integer> frames, Map<String, ClipTruth> clips,
            Map<String, String> splits) {
        this.steps = Collections.unmodifiableMap(steps);
        this.frames = frames;
        this.clips = Collections.unmodifiableMap(clips);
        this.splits = splits;
    }

    /** Reads {@code dir/synth_truth.json} (dir = the folder {@code taco synth --out} wrote). */
    public static SynthTruth read(Path dir) throws IOException {
        Path file = Files.isDirectory(dir) ? dir.resolve(SyntheticBenchmark.TRUTH_FILE) : dir;
        JsonNode videos = new ObjectMapper().readTree(file.toFile()).path("videos");
        if (!videos.isObject()) {
            throw new IOException(file + " has no \"videos\" object: not a synth_truth.json");
        }
        Map<String, List<Step>> steps = new LinkedHashMap<>();
        Map<String, Integer> frames = new LinkedHashMap<>();
        Map<String, ClipTruth> clips = new LinkedHashMap<>();
        Map<String, String> splits = new LinkedHashMap<>();
        var it = videos.fields();
        while (it.hasNext()) {
            var e = it.next();
            String vid = e.getKey();
            List<Step> list = new ArrayList<>();
            for (JsonNode s : e.getValue().path("steps")) {
                list.add(new Step(s.path("verb").asInt(), s.path("object").asInt(), s.path("attribute").asInt(),
                        s.path("amount").asInt(), s.path("tool").asInt(), s.path("place").asInt(),
                        s.path("start").asInt(), s.path("end").asInt()));
            }
            steps.put(vid, List.copyOf(list));
            frames.put(vid, e.getValue().path("frames").asInt());
            splits.put(vid, e.getValue().path("split").asText(""));
            for (JsonNode c : e.getValue().path("clips")) {
                int step = c.path("step").asInt();
                clips.put(c.path("clipId").asText(),
                        new ClipTruth(vid, step, c.path("captionStep").asInt(), list.get(step).concepts()));
            }
        }
        return new SynthTruth(steps, frames, clips, splits);
    }

    /** Truth of the clips written by the same generator, in memory (no file needed). */
    public static SynthTruth of(SynthData data) {
        Map<String, List<Step>> steps = new LinkedHashMap<>();
        Map<String, Integer> frames = new LinkedHashMap<>();
        Map<String, ClipTruth> clips = new LinkedHashMap<>();
        Map<String, String> splits = new LinkedHashMap<>();
        for (SynthVideo v : data.videos()) {
            steps.put(v.videoId(), v.steps());
            frames.put(v.videoId(), v.frames());
            splits.put(v.videoId(), v.split().name().toLowerCase());
            for (int i = 0; i < v.captions().size(); i++) {
                clips.put(v.videoId() + "#" + i,
                        new ClipTruth(v.videoId(), i, v.captionSteps()[i], v.steps().get(i).concepts()));
            }
        }
        return new SynthTruth(steps, frames, clips, splits);
    }

    /**
     * The split a video belongs to, as written in synth_truth.json: "train", "validation" or
     * "narration" ("" when the file predates the field).
     */
    public String split(String videoId) {
        return splits.getOrDefault(videoId, "");
    }

    /** Seconds (= feature rows) of a video. */
    public int frames(String videoId) {
        return frames.get(videoId);
    }

    /** Every video's steps in time order. */
    public Map<String, List<Step>> steps() {
        return steps;
    }

    /** Truth of a clip by its clip id ({@code videoId#index}), or null. */
    public ClipTruth clip(String clipId) {
        return clips.get(clipId);
    }

    /** All clip truths by clip id. */
    public Map<String, ClipTruth> clips() {
        return clips;
    }

    /** Per second of the video, the index of the step under way, -1 for idle (background) seconds. */
    public int[] frameLabels(String videoId) {
        int[] labels = new int[frames.get(videoId)];
        Arrays.fill(labels, -1);
        List<Step> list = steps.get(videoId);
        for (int s = 0; s < list.size(); s++) {
            for (int t = list.get(s).start(); t <= list.get(s).end() && t < labels.length; t++) {
                labels[t] = s;
            }
        }
        return labels;
    }
}
