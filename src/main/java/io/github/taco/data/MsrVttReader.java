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
 * MSR-VTT in the JSFusion/CLIP4Clip layout: a directory with {@code MSRVTT_train.9k.csv} (split1,
 * 9,000 training videos) or {@code MSRVTT_train.7k.csv} (split2, 7,010), the 1k-A test
 * {@code MSRVTT_JSFUSION_test.csv} (columns key,vid_key,video_id,sentence: one caption per test
 * video), and optionally {@code MSRVTT_data.json} ({@code {"videos": [{video_id, "start time",
 * "end time", ...}], "sentences": [{video_id, caption}]}}), which gives the training videos all of
 * their (20) captions. Every clip is a whole video.
 *
 * <p>Without {@code MSRVTT_data.json} the training videos have no captions; they are left out and a
 * note says so.
 */
public final class MsrVttReader {
    private static final Logger LOG = LoggerFactory.getLogger(MsrVttReader.class);
    public static final String DATA_JSON = "MSRVTT_data.json";
    public static final String TEST_CSV = "MSRVTT_JSFUSION_test.csv";

    private MsrVttReader() {}

    /** The training list of a split: "split1"/"9k" → MSRVTT_train.9k.csv, "split2"/"7k" → MSRVTT_train.7k.csv. */
    public static String trainList(String split) {
        return switch (split.toLowerCase()) {
            case "split1", "9k" -> "MSRVTT_train.9k.csv";
            case "split2", "7k" -> "MSRVTT_train.7k.csv";
            default -> throw new IllegalArgumentException("unknown MSR-VTT split '" + split + "' (split1 or split2)");
        };
    }

    /** Reads split1 from the directory. */
    public static Dataset read(Path dir) throws IOException {
        return read(dir, "split1");
    }

    /** Reads the given split ("split1" or "split2") from the directory. */
    public static Dataset read(Path dir, String split) throws IOException {
        List<String> notes = new ArrayList<>();
        Map<String, List<String>> captions = new LinkedHashMap<>();
        Map<String, Double> durations = new LinkedHashMap<>();
        Path json = dir.resolve(DATA_JSON);
        if (Files.exists(json)) {
            JsonNode root = Seconds.readJson(json, "MSR-VTT's " + DATA_JSON);
            for (JsonNode v : root.path("videos")) {
                if (v.has("start time") && v.has("end time")) {
                    String vid = v.path("video_id").asText();
                    double length = Seconds.of(json, vid, "end time", v.get("end time"), false)
                            - Seconds.of(json, vid, "start time", v.get("start time"), false);
                    if (!(length > 0)) {
                        throw new IOException(json + ": video " + vid + ": end time " + v.get("end time")
                                + " is not after start time " + v.get("start time"));
                    }
                    durations.put(vid, length);
                }
            }
            for (JsonNode s : root.path("sentences")) {
                captions.computeIfAbsent(s.path("video_id").asText(), k -> new ArrayList<>())
                        .add(s.path("caption").asText());
            }
        }
        List<Clip> clips = new ArrayList<>();
        Path train = dir.resolve(trainList(split));
        if (Files.exists(train)) {
            int skipped = 0;
            for (Map<String, String> row : Csv.read(train)) {
                String vid = row.get("video_id");
                List<String> texts = captions.get(vid);
                if (texts == null || texts.isEmpty()) {
                    skipped++;
                    continue;
                }
                clips.add(Clip.wholeVideo(vid + "#0", vid, texts, Split.TRAIN));
            }
            if (skipped > 0) {
                String note = skipped + " training videos of " + train.getFileName() + " have no captions"
                        + (Files.exists(json) ? " in " + DATA_JSON : " (" + DATA_JSON + " not found in " + dir + ")")
                        + "; left out";
                notes.add(note);
                LOG.warn(note);
            }
        } else {
            notes.add(train.getFileName() + " not found; no training clips");
        }
        Path test = dir.resolve(TEST_CSV);
        if (Files.exists(test)) {
            for (Map<String, String> row : Csv.read(test)) {
                String vid = row.get("video_id");
                if (vid == null || row.get("sentence") == null) {
                    throw new IOException(test + ": expected columns key,vid_key,video_id,sentence, got "
                            + row.keySet());
                }
                clips.add(Clip.wholeVideo(vid + "#0", vid, List.of(row.get("sentence")), Split.TEST));
            }
        } else {
            notes.add(TEST_CSV + " not found; no test clips");
        }
        return new Dataset("msrvtt", clips, durations, notes);
    }
}
