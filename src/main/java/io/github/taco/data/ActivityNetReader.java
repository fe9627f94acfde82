package io.github.taco.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ActivityNet Captions ({@code train.json}, {@code val_1.json}:
 * {@code {vid: {duration, timestamps: [[s, e], ...], sentences: [...]}}}).
 *
 * <p>Paragraph mode (the paper's paragraph→video retrieval): one clip per video, the whole video,
 * with all its sentences trimmed and joined by a space in timestamp order as given. Segment mode:
 * one clip per (timestamp, sentence). Reversed timestamps (s &gt; e) are swapped, counted in a note
 * and logged.
 */
public final class ActivityNetReader {
    private static final Logger LOG = LoggerFactory.getLogger(ActivityNetReader.class);

    private ActivityNetReader() {}

    /**
     * Reads a directory ({@code train.json} → TRAIN and {@code val_1.json} → VALIDATION, whichever
     * exist) or one file (split from its name: "train*" → TRAIN, else VALIDATION).
     */
    public static Dataset read(Path path, boolean paragraphs) throws IOException {
        List<Clip> clips = new ArrayList<>();
        Map<String, Double> durations = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        if (Files.isDirectory(path)) {
            boolean any = false;
            for (String f : List.of("train.json", "val_1.json")) {
                Path p = path.resolve(f);
                if (Files.exists(p)) {
                    readFile(p, f.startsWith("train") ? Split.TRAIN : Split.VALIDATION, paragraphs, clips, durations,
                            notes);
                    any = true;
                }
            }
            if (!any) {
                throw new IOException("neither train.json nor val_1.json in " + path);
            }
        } else {
            String name = path.getFileName().toString();
            readFile(path, name.startsWith("train") ? Split.TRAIN : Split.VALIDATION, paragraphs, clips, durations,
                    notes);
        }
        return new Dataset("activitynet", clips, durations, notes);
    }

    private static void readFile(Path file, Split split, boolean paragraphs, List<Clip> clips,
            Map<String, Double> durations, List<String> notes) throws IOException {
        JsonNode root = Seconds.readJson(file, "an ActivityNet Captions file");
        int reversed = 0;
        var it = root.fields();
        while (it.hasNext()) {
            var e = it.next();
            String vid = e.getKey();
            JsonNode v = e.getValue();
            JsonNode ts = v.path("timestamps");
            JsonNode sents = v.path("sentences");
            if (ts.size() != sents.size()) {
                throw new IOException(file + ": video " + vid + " has " + ts.size() + " timestamps but " + sents.size()
                        + " sentences");
            }
            if (v.has("duration")) {
                durations.put(vid, Seconds.of(file, vid, "duration", v.get("duration"), true));
            }
            if (paragraphs) {
                List<String> parts = new ArrayList<>();
                sents.forEach(s -> parts.add(s.asText().trim()));
                clips.add(Clip.wholeVideo(vid + "#0", vid, List.of(String.join(" ", parts)), split));
                continue;
            }
            for (int i = 0; i < ts.size(); i++) {
                if (ts.get(i).size() != 2) {
                    throw new IOException(file + ": video " + vid + ", timestamps[" + i
                            + "]: expected [start, end], got " + ts.get(i));
                }
                double s = Seconds.of(file, vid, "timestamps[" + i + "] start", ts.get(i).get(0), false);
                double en = Seconds.of(file, vid, "timestamps[" + i + "] end", ts.get(i).get(1), false);
                if (s > en) {
                    reversed++;
                    LOG.debug("{}: {} segment {} [{}, {}] reversed; swapped", file.getFileName(), vid, i, s, en);
                    double t = s;
                    s = en;
                    en = t;
                }
                clips.add(new Clip(vid + "#" + i, vid, s, en, List.of(sents.get(i).asText().trim()), split));
            }
        }
        if (reversed > 0) {
            String note = file.getFileName() + ": " + reversed + " reversed timestamps swapped";
            notes.add(note);
            LOG.warn(note);
        }
    }
}
