package io.github.taco.data.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Synthetic stand-ins for CrossTask and COIN, written in the real file layouts from a synthetic
 * benchmark folder ({@code taco synth --out}), so that the real readers ({@code CrossTaskReader},
 * {@code CoinReader}) and the benchmark's own {@code features/} folder serve as input.
 *
 * <p>Videos: the benchmark's training videos ("train" split) and its validation videos ("val" /
 * "testing"); the noisy narration videos are left out. A step's annotated interval is
 * {@code [start, end + 1)} seconds: a step occupies feature rows {@code start … end} inclusive, and
 * with the readers' rule (frame k is in [s, e) when ⌊s⌋ ≤ k < ⌈e⌉) exactly those frames are covered.
 *
 * <p>CrossTask: a video's task is its dominant ingredient (the object most of its steps use, the
 * lowest object id on a tie). A task's step list holds its most frequent (verb, object) pairs (at
 * most {@code maxTaskSteps}, ties by first appearance), named by the concepts' first names ("chop
 * onion"), ordered by their mean relative position in the videos ((i + ½) / steps). A video
 * annotates the steps of its task's list that it performs; steps outside the list are unannotated
 * (background), and a video with none gets no annotation file (CrossTask skips such videos).
 * Synthetic videos do their steps in random order, so the task order is only a tendency: as in
 * CrossTask, where videos also skip and reorder steps, an ordered alignment cannot reach 100%.
 *
 * <p>COIN: one step class per (verb, object): id {@code 1 + verb · objects + object}, so 0 stays
 * background (the idle seconds); "recipe_type" is the dominant ingredient; training = the
 * benchmark's training videos, testing = its validation videos.
 */
public final class SyntheticTasks {
    /** Default cap on the steps of a synthetic CrossTask task. */
    public static final int DEFAULT_MAX_TASK_STEPS = 8;
    /** Task ids start here, as CrossTask's numeric ids. */
    static final int TASK_ID_BASE = 10000;

    /** What was written: tasks (or COIN step classes), videos and annotated videos. */
    public record Summary(int tasks, int videos, int validationVideos, int annotatedVideos, int steps) {
    }

    private SyntheticTasks() {
    }

    /** The object most steps of a video use; the lowest id on a tie. */
    public static int dominantObject(List<Step> steps) {
        Map<Integer, Integer> count = new TreeMap<>();
        for (Step s : steps) count.merge(s.object(), 1, Integer::sum);
        int best = -1;
        int bestCount = 0;
        for (Map.Entry<Integer, Integer> e : count.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    /** A step's name: the first names of its verb and object ("chop onion"). */
    public static String stepName(int verb, int object) {
        return Lexicon.name(Lexicon.Kind.VERB, verb) + " " + Lexicon.name(Lexicon.Kind.OBJECT, object);
    }

    /** The COIN step class of a (verb, object) pair, ≥ 1. */
    public static int coinClass(int verb, int object) {
        return 1 + verb * Lexicon.size(Lexicon.Kind.OBJECT) + object;
    }

    private static List<String> used(SynthTruth truth) {
        List<String> ids = new ArrayList<>();
        for (String v : truth.steps().keySet()) {
            String split = truth.split(v);
            if (split.equals("train") || split.equals("validation")) ids.add(v);
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(
                    "the synthetic benchmark has no training or validation video (only narration?)");
        }
        return ids;
    }

    /**
     * Writes {@code out/tasks_primary.txt}, {@code videos.csv} (all used videos),
     * {@code videos_val.csv} (the validation videos) and {@code annotations/<task>_<video>.csv}.
     *
     * @param synthDir     a folder written by {@code taco synth} (its {@code synth_truth.json} is read)
     * @param maxTaskSteps cap on a task's step list, ≥ 1
     */
    public static Summary writeCrossTask(Path synthDir, Path out, int maxTaskSteps) throws IOException {
        if (maxTaskSteps < 1) {
            throw new IllegalArgumentException("maxTaskSteps must be >= 1");
        }
        SynthTruth truth = SynthTruth.read(synthDir);
        List<String> videos = used(truth);
        Map<Integer, List<String>> byTask = new TreeMap<>();
        for (String v : videos) byTask.computeIfAbsent(dominantObject(truth.steps().get(v)), k -> new ArrayList<>())
                .add(v);

        Files.createDirectories(out.resolve("annotations"));
        StringBuilder tasksTxt = new StringBuilder();
        StringBuilder all = new StringBuilder();
        StringBuilder val = new StringBuilder();
        int annotated = 0;
        int totalSteps = 0;
        int valCount = 0;
        for (Map.Entry<Integer, List<String>> task : byTask.entrySet()) {
            String taskId = Integer.toString(TASK_ID_BASE + task.getKey());
            List<long[]> pairs = taskSteps(truth, task.getValue(), maxTaskSteps);
            List<String> names = new ArrayList<>();
            Map<Long, Integer> indexOf = new LinkedHashMap<>();
            for (long[] p : pairs) {
                indexOf.put(p[0] * 1000 + p[1], names.size());
                names.add(stepName((int) p[0], (int) p[1]));
            }
            totalSteps += names.size();
            tasksTxt.append(taskId).append('\n')
                    .append("Cook with ").append(Lexicon.name(Lexicon.Kind.OBJECT, task.getKey())).append('\n')
                    .append("synthetic://task/").append(taskId).append('\n')
                    .append(names.size()).append('\n')
                    .append(String.join(",", names)).append("\n\n");
            for (String v : task.getValue()) {
                String row = taskId + "," + v + ",synthetic://video/" + v + "\n";
                all.append(row);
                if (truth.split(v).equals("validation")) {
                    val.append(row);
                    valCount++;
                }
                StringBuilder ann = new StringBuilder();
                for (Step s : truth.steps().get(v)) {
                    Integer idx = indexOf.get((long) s.verb() * 1000 + s.object());
                    if (idx != null) {
                        ann.append(String.format(Locale.ROOT, "%d,%.1f,%.1f%n", idx + 1, (double) s.start(),
                                (double) s.end() + 1));
                    }
                }
                if (ann.length() > 0) {
                    Files.writeString(out.resolve("annotations").resolve(taskId + "_" + v + ".csv"), ann,
                            StandardCharsets.UTF_8);
                    annotated++;
                }
            }
        }
        Files.writeString(out.resolve("tasks_primary.txt"), tasksTxt, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("videos.csv"), all, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("videos_val.csv"), val, StandardCharsets.UTF_8);
        return new Summary(byTask.size(), videos.size(), valCount, annotated, totalSteps);
    }

    /** The task's (verb, object) pairs: the most frequent ones, ordered by mean relative position. */
    static List<long[]> taskSteps(SynthTruth truth, List<String> videos, int max) {
        Map<Long, double[]> stats = new LinkedHashMap<>(); // key → {count, sum of relative positions, first seen}
        int seen = 0;
        for (String v : videos) {
            List<Step> steps = truth.steps().get(v);
            for (int i = 0; i < steps.size(); i++) {
                long key = (long) steps.get(i).verb() * 1000 + steps.get(i).object();
                double[] st = stats.computeIfAbsent(key, k -> new double[] {0, 0, 0});
                if (st[0] == 0) st[2] = seen++;
                st[0]++;
                st[1] += (i + 0.5) / steps.size();
            }
        }
        List<Map.Entry<Long, double[]>> top = new ArrayList<>(stats.entrySet());
        top.sort(Comparator.<Map.Entry<Long, double[]>>comparingDouble(e -> -e.getValue()[0])
                .thenComparingDouble(e -> e.getValue()[2]));
        top = top.subList(0, Math.min(max, top.size()));
        top.sort(Comparator.<Map.Entry<Long, double[]>>comparingDouble(e -> e.getValue()[1] / e.getValue()[0])
                .thenComparingDouble(e -> e.getValue()[2]));
        List<long[]> out = new ArrayList<>();
        for (Map.Entry<Long, double[]> e : top) out.add(new long[] {e.getKey() / 1000, e.getKey() % 1000});
        return out;
    }

    /**
     * Writes {@code out/COIN.json} (the layout of COIN's release: {@code {"database": {vid: {subset,
     * recipe_type, class, duration, annotation: [{id, segment, label}]}}}}).
     */
    public static Summary writeCoin(Path synthDir, Path out) throws IOException {
        SynthTruth truth = SynthTruth.read(synthDir);
        List<String> videos = used(truth);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ObjectNode db = root.putObject("database");
        Set<Integer> classes = new TreeSet<>();
        int testing = 0;
        for (String v : videos) {
            List<Step> steps = truth.steps().get(v);
            int task = dominantObject(steps);
            ObjectNode e = db.putObject(v);
            boolean test = truth.split(v).equals("validation");
            testing += test ? 1 : 0;
            e.put("subset", test ? "testing" : "training");
            e.put("recipe_type", task);
            e.put("class", "Cook with " + Lexicon.name(Lexicon.Kind.OBJECT, task));
            e.put("url", "synthetic://video/" + v);
            e.put("duration", (double) truth.frames(v));
            ArrayNode anns = e.putArray("annotation");
            for (Step s : steps) {
                int id = coinClass(s.verb(), s.object());
                classes.add(id);
                ObjectNode a = anns.addObject();
                a.put("id", Integer.toString(id)); // a string, as in the release
                a.putArray("segment").add((double) s.start()).add((double) s.end() + 1);
                a.put("label", stepName(s.verb(), s.object()));
            }
        }
        Files.createDirectories(out);
        json.writeValue(out.resolve("COIN.json").toFile(), root);
        return new Summary(classes.size(), videos.size(), testing, videos.size(), classes.size());
    }
}
