package io.github.taco.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * HowTo100M narration: a per-video caption CSV ({@code <video_id>.csv}, columns start,end,text), a
 * directory of them, or {@code raw_caption.json} ({@code {vid: {start: [], end: [], text: []}}}).
 * Following the paper, adjacent narration lines are merged until the text has at least
 * {@code minWords} words (default 10); a short remainder at the end of a video joins the previous
 * clip, so only a video whose whole narration is short gives a clip under {@code minWords}. All
 * clips are {@link Split#NARRATION}.
 */
public final class HowTo100MReader {
    public static final int DEFAULT_MIN_WORDS = 10;

    private HowTo100MReader() {}

    public static Dataset read(Path path) throws IOException {
        return read(path, DEFAULT_MIN_WORDS);
    }

    public static Dataset read(Path path, int minWords) throws IOException {
        List<Clip> clips = new ArrayList<>();
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
            }
            for (Path f : files) {
                readCsv(f, minWords, clips);
            }
        } else if (path.getFileName().toString().endsWith(".json")) {
            JsonNode root = Seconds.readJson(path, "a HowTo100M caption file (raw_caption.json)");
            var it = root.fields();
            while (it.hasNext()) {
                var e = it.next();
                JsonNode v = e.getValue();
                List<double[]> times = new ArrayList<>();
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < v.path("text").size(); i++) {
                    times.add(new double[] {
                            Seconds.of(path, e.getKey(), "start[" + i + "]", v.path("start").get(i), false),
                            Seconds.of(path, e.getKey(), "end[" + i + "]", v.path("end").get(i), false)});
                    texts.add(v.path("text").get(i).asText());
                }
                merge(e.getKey(), times, texts, minWords, clips);
            }
        } else {
            readCsv(path, minWords, clips);
        }
        return new Dataset("howto100m", clips, Map.of(), List.of());
    }

    private static void readCsv(Path file, int minWords, List<Clip> clips) throws IOException {
        String name = file.getFileName().toString();
        String vid = name.substring(0, name.length() - 4);
        List<double[]> times = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Map<String, String> row : Csv.read(file)) {
            if (!row.containsKey("start") || !row.containsKey("end") || !row.containsKey("text")) {
                throw new IOException(file + ": expected columns start,end,text, got " + row.keySet());
            }
            String line = "line " + (times.size() + 2);
            times.add(new double[] {Seconds.of(file, vid, "start (" + line + ")", row.get("start"), false),
                    Seconds.of(file, vid, "end (" + line + ")", row.get("end"), false)});
            texts.add(row.get("text"));
        }
        merge(vid, times, texts, minWords, clips);
    }

    static int words(String s) {
        String t = s.trim();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    /** Merges consecutive lines into clips of at least minWords words. */
    static void merge(String vid, List<double[]> times, List<String> texts, int minWords, List<Clip> out) {
        List<double[]> spans = new ArrayList<>();
        List<StringBuilder> merged = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        StringBuilder cur = null;
        int words = 0;
        double start = 0;
        double end = 0;
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i).trim();
            if (t.isEmpty()) {
                continue;
            }
            if (cur == null) {
                cur = new StringBuilder(t);
                start = times.get(i)[0];
                end = times.get(i)[1];
                words = 0;
            } else {
                cur.append(' ').append(t);
                end = Math.max(end, times.get(i)[1]);
            }
            words += words(t);
            if (words >= minWords) {
                spans.add(new double[] {start, end});
                merged.add(cur);
                counts.add(words);
                cur = null;
            }
        }
        if (cur != null) {
            if (merged.isEmpty()) {
                spans.add(new double[] {start, end});
                merged.add(cur);
            } else { // a short tail joins the previous clip
                int last = merged.size() - 1;
                merged.get(last).append(' ').append(cur);
                spans.get(last)[1] = Math.max(spans.get(last)[1], end);
            }
        }
        for (int i = 0; i < merged.size(); i++) {
            out.add(new Clip(vid + "#" + i, vid, spans.get(i)[0], spans.get(i)[1], List.of(merged.get(i).toString()),
                    Split.NARRATION));
        }
    }
}
