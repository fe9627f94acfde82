package io.github.taco.data;

import io.github.taco.io.NumpyPickle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * UniVL's caption pickle ({@code youcookii_data.pickle}, microsoft/UniVL's dataloaders/README.md):
 * {@code {video_id: {'start': array, 'end': array, 'text': array(dtype=object), 'transcript': …}}},
 * one entry per caption in each array, with UniVL's split CSVs beside it ({@code video_id,feature_file};
 * a name ending in {@code train.csv}, {@code val.csv} or {@code test.csv} gives the split). Each
 * caption is a clip {@code video_id#i}; its features are looked up under {@code feature_file}, which
 * UniVL's own CSVs set to the video id. The transcript is not read (TACo uses none).
 *
 * <p>The pickle is read by {@link NumpyPickle}, which runs nothing in it.
 */
public final class UniVLReader {
    private UniVLReader() {}

    /**
     * Reads the caption pickle (or the one {@code *.pickle} with "data" in its name in a folder) and its split CSVs.
     */
    public static Dataset read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? captionPickle(path) : path;
        Path dir = file.toAbsolutePath().getParent();
        Map<String, Split> splitOf = new LinkedHashMap<>();
        Map<String, String> featureOf = new LinkedHashMap<>();
        List<Path> csvs = splitCsvs(dir);
        if (csvs.isEmpty()) {
            throw new IOException(file
                    + ": no split CSVs beside it: UniVL's are named youcookii_train.csv and youcookii_val.csv "
                    + "(columns video_id,feature_file); put files whose names end in train.csv, val.csv or test.csv in "
                    + dir);
        }
        for (Path csv : csvs) {
            Split split = splitOfName(csv.getFileName().toString());
            for (Map<String, String> row : Csv.read(csv)) {
                String vid = row.get("video_id");
                if (vid == null || vid.isBlank()) {
                    throw new IOException(csv + ": a row without video_id (columns video_id,feature_file expected)");
                }
                Split before = splitOf.put(vid, split);
                if (before != null && before != split) {
                    throw new IOException(csv + ": video " + vid + " is in " + split.name().toLowerCase(Locale.ROOT)
                            + " and in " + before.name().toLowerCase(Locale.ROOT));
                }
                String feature = row.get("feature_file");
                featureOf.put(vid, feature == null || feature.isBlank() ? vid : feature.trim());
            }
        }
        Object root;
        try {
            root = NumpyPickle.read(file);
        } catch (NumpyPickle.PickleException e) {
            throw new IOException("not a UniVL caption pickle: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> db)) {
            throw new IOException(file
                    + ": not a UniVL caption pickle (expected a dict {video_id: {'start', 'end', 'text'}})");
        }
        List<Clip> clips = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int unlisted = 0;
        for (Map.Entry<?, ?> e : db.entrySet()) {
            String vid = String.valueOf(e.getKey());
            Split split = splitOf.get(vid);
            if (split == null) {
                unlisted++;
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> v)) {
                throw new IOException(file + ": video " + vid + ": expected a dict with 'start', 'end' and 'text'");
            }
            List<Object> starts = items(file, vid, v, "start");
            List<Object> ends = items(file, vid, v, "end");
            List<Object> texts = items(file, vid, v, "text");
            if (starts.size() != ends.size() || starts.size() != texts.size()) {
                throw new IOException(file + ": video " + vid + ": 'start', 'end' and 'text' hold " + starts.size()
                        + ", " + ends.size() + " and " + texts.size() + " items; one per caption expected");
            }
            for (int i = 0; i < starts.size(); i++) {
                double s = seconds(file, vid, "start", i, starts.get(i));
                double t = seconds(file, vid, "end", i, ends.get(i));
                if (!(texts.get(i) instanceof String text)) {
                    throw new IOException(file + ": video " + vid + ", text[" + i + "]: expected a string, got "
                            + texts.get(i));
                }
                clips.add(new Clip(vid + "#" + i, featureOf.get(vid), s, t, List.of(text), split));
            }
        }
        if (unlisted > 0) {
            notes.add(unlisted + " videos of " + file.getFileName() + " are in no split CSV and were left out");
        }
        long missing = splitOf.keySet().stream().filter(v -> !db.containsKey(v)).count();
        if (missing > 0) {
            notes.add(missing + " videos of the split CSVs have no captions in " + file.getFileName());
        }
        return new Dataset("univl", clips, Map.of(), notes);
    }

    private static Path captionPickle(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".pickle") && n.contains("data");
            }).sorted().toList();
            if (found.size() != 1) {
                throw new IOException(dir + ": " + (found.isEmpty() ? "no" : found.size())
                        + " caption pickles (*data*.pickle, as youcookii_data.pickle); give the file itself");
            }
            return found.get(0);
        }
    }

    private static List<Path> splitCsvs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> splitOfName(p.getFileName().toString()) != null).sorted().toList();
        }
    }

    private static Split splitOfName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith("train.csv")) {
            return Split.TRAIN;
        }
        if (n.endsWith("val.csv")) {
            return Split.VALIDATION;
        }
        if (n.endsWith("test.csv")) {
            return Split.TEST;
        }
        return null;
    }

    private static List<Object> items(Path file, String vid, Map<?, ?> v, String field) throws IOException {
        Object o = v.get(field);
        if (o instanceof NumpyPickle.NdArray a) {
            try {
                return a.toList();
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IOException(file + ": video " + vid + ", '" + field + "': " + e.getMessage(), e);
            }
        }
        if (o instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        throw new IOException(file + ": video " + vid + ": "
                + (o == null ? "no '" + field + "'" : "'" + field + "' is not an array"));
    }

    /** A number of seconds, or an error naming the file, video, field and caption index. */
    private static double seconds(Path file, String vid, String field, int i, Object o) throws IOException {
        String what = file + ": video " + vid + ", " + field + "[" + i + "]: ";
        if (!(o instanceof Number n)) {
            throw new IOException(what + "expected a number of seconds, got "
                    + (o instanceof String ? "'" + o + "'" : String.valueOf(o)));
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
            throw new IOException(what + d + " is not a number of seconds");
        }
        return d;
    }
}
