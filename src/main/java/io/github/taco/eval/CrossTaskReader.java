package io.github.taco.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the public CrossTask release folder ({@code crosstask_release/}):
 * <ul>
 *   <li>{@code tasks_primary.txt}: blocks of five lines (task id, task name, url, number of steps,
 *       comma-separated step names), each followed by a blank line;</li>
 *   <li>{@code videos.csv}, {@code videos_val.csv}: rows {@code task_id,video_id,url};</li>
 *   <li>{@code annotations/<task>_<video>.csv}: rows {@code step,start,end} with 1-based steps and
 *       seconds.</li>
 * </ul>
 * Only primary tasks have step annotations, so only {@code tasks_primary.txt} is read.
 */
public final class CrossTaskReader {

    /**
     * A primary task.
     *
     * @param id    task id (e.g. "23521")
     * @param name  task name
     * @param url   source how-to page
     * @param steps step names in the task's canonical order
     */
    public record Task(String id, String name, String url, List<String> steps) {
    }

    /**
     * A row of {@code videos.csv} / {@code videos_val.csv}.
     *
     * @param taskId  task id
     * @param videoId YouTube id
     * @param url     video url
     */
    public record VideoRef(String taskId, String videoId, String url) {
    }

    private final Path root;

    /** A reader over a {@code crosstask_release/} folder. */
    public CrossTaskReader(Path root) {
        this.root = root;
    }

    /** Primary tasks keyed by id, in file order. */
    public Map<String, Task> tasks() throws IOException {
        return readTasks(root.resolve("tasks_primary.txt"));
    }

    /** Rows of {@code videos.csv}. */
    public List<VideoRef> videos() throws IOException {
        return readVideos(root.resolve("videos.csv"));
    }

    /** Rows of {@code videos_val.csv}, the validation videos. */
    public List<VideoRef> validationVideos() throws IOException {
        return readVideos(root.resolve("videos_val.csv"));
    }

    /** The annotation of a video, or empty when the release has no file for it. */
    public Optional<List<StepSegment>> annotation(String taskId, String videoId) throws IOException {
        Path p = root.resolve("annotations").resolve(taskId + "_" + videoId + ".csv");
        return Files.exists(p) ? Optional.of(readAnnotation(p)) : Optional.empty();
    }

    /**
     * Parses {@code tasks_primary.txt}.
     *
     * @throws IllegalArgumentException if a block is short or its step count disagrees with its names
     */
    public static Map<String, Task> readTasks(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Task> tasks = new LinkedHashMap<>();
        int i = 0;
        while (i < lines.size()) {
            if (lines.get(i).strip().isEmpty()) {
                i++;
                continue;
            }
            if (i + 4 >= lines.size()) {
                throw new IllegalArgumentException(file + ": task block at line " + (i + 1)
                        + " has fewer than 5 lines");
            }
            String id = lines.get(i).strip();
            String name = lines.get(i + 1).strip();
            String url = lines.get(i + 2).strip();
            int n;
            try {
                n = Integer.parseInt(lines.get(i + 3).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": line " + (i + 4) + " should be a step count: "
                        + lines.get(i + 3));
            }
            List<String> steps = new ArrayList<>();
            for (String s : lines.get(i + 4).split(",", -1)) {
                steps.add(s.strip());
            }
            if (steps.size() != n) {
                throw new IllegalArgumentException(file + ": task " + id + " declares " + n + " steps but lists "
                        + steps.size());
            }
            tasks.put(id, new Task(id, name, url, Collections.unmodifiableList(steps)));
            i += 5;
        }
        return tasks;
    }

    /** Parses a {@code videos.csv}-style file; blank lines and a {@code task_id} header are skipped. */
    public static List<VideoRef> readVideos(Path file) throws IOException {
        List<VideoRef> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || (lineNo == 1 && l.startsWith("task"))) {
                continue;
            }
            // The url never holds a comma, but split at most twice to be safe.
            String[] f = l.split(",", 3);
            if (f.length < 2) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": expected task_id,video_id,url");
            }
            out.add(new VideoRef(f[0].strip(), f[1].strip(), f.length > 2 ? f[2].strip() : ""));
        }
        return out;
    }

    /** Parses one annotation file; steps become 0-based in the returned segments. */
    public static List<StepSegment> readAnnotation(Path file) throws IOException {
        List<StepSegment> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            String[] f = l.split(",");
            if (f.length < 3) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": expected step,start,end");
            }
            try {
                // Steps are written as "1" but parse through double in case of "1.0".
                int step = (int) Double.parseDouble(f[0].strip());
                if (step < 1) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": step numbers are 1-based, got " + step);
                }
                out.add(new StepSegment(step - 1, Double.parseDouble(f[1].strip()), Double.parseDouble(f[2].strip())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": not numbers: " + l, e);
            }
        }
        return out;
    }

    /**
     * The annotated videos of a list (those with an annotation file), with their segments, in list
     * order. Videos without a file are skipped, as CrossTask's evaluation does.
     */
    public Map<VideoRef, List<StepSegment>> annotated(List<VideoRef> videos) throws IOException {
        Map<VideoRef, List<StepSegment>> out = new LinkedHashMap<>();
        for (VideoRef v : videos) {
            Optional<List<StepSegment>> a = annotation(v.taskId(), v.videoId());
            if (a.isPresent()) {
                out.put(v, a.get());
            }
        }
        return out;
    }
}
