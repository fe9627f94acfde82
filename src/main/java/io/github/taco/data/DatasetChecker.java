package io.github.taco.data;

import io.github.taco.features.FeatureException;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FrameSampler;
import io.github.taco.features.SegmentFixups;
import io.github.taco.features.VideoFeatures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Checks a dataset's annotations against its features before a run: counts per split, missing
 * and unusable feature files, durations that disagree with feature lengths, frames per clip.
 *
 * <p>Duration tolerance: an annotated duration d and T feature rows at f fps agree when
 * |d − T/f| ≤ max(2 s, 5% of d). Extractors round, drop a partial last window or use a stride, so
 * a second or two is normal; more suggests the wrong fps or the wrong file.
 *
 * <p>Problems (the check fails): missing features under {@link MissingPolicy#FAIL} (under SKIP they
 * are a warning, unless no clip is left), unusable files (corrupt, dtype, NaN/Inf, dimension),
 * duration mismatches. Warnings: missing features under SKIP, segment repairs.
 */
public final class DatasetChecker {
    /** Seconds of disagreement always tolerated. */
    public static final double DURATION_TOLERANCE_SECONDS = 2.0;
    /** Fraction of the duration tolerated when larger. */
    public static final double DURATION_TOLERANCE_FRACTION = 0.05;
    private static final int LIST_LIMIT = 20;

    private DatasetChecker() {}

    /** A caption with no letter or digit ("", "...", "—"): nothing for the text encoder to read. */
    static boolean wordless(String caption) {
        return caption == null || caption.codePoints().noneMatch(Character::isLetterOrDigit);
    }

    /** True when the annotated duration and the feature length agree within the tolerance. */
    public static boolean durationAgrees(double duration, int frames, double fps) {
        return Math.abs(duration - frames / fps) <= Math.max(DURATION_TOLERANCE_SECONDS,
                DURATION_TOLERANCE_FRACTION * duration);
    }

    /**
     * Loads every video's features once (so corrupt files are found) and checks the clips.
     *
     * @param maxFrames the model's frame limit, to count clips that will be thinned (e.g. 48)
     */
    public static CheckReport check(Dataset ds, FeatureStore store, MissingPolicy onMissing, int maxFrames) {
        return check(ds, store, onMissing, maxFrames, null);
    }

    /**
     * As {@link #check(Dataset, FeatureStore, MissingPolicy, int)}, loading the videos in parallel
     * (feature stores are thread-safe) and calling {@code videoDone} after each video (for a progress bar).
     * Lists in the report are sorted by video id, so the report does not depend on the threads.
     */
    public static CheckReport check(Dataset ds, FeatureStore store, MissingPolicy onMissing, int maxFrames,
            Runnable videoDone) {
        Map<Split, Integer> clipsPerSplit = new EnumMap<>(ds.clipCounts());
        Map<Split, Integer> videosPerSplit = new EnumMap<>(Split.class);
        for (Split s : clipsPerSplit.keySet()) {
            videosPerSplit.put(s, ds.videoIds(s).size());
        }
        Map<String, List<Clip>> byVideo = new LinkedHashMap<>();
        ds.clips().forEach(c -> byVideo.computeIfAbsent(c.videoId(), k -> new ArrayList<>()).add(c));
        Set<String> missingSet = new ConcurrentSkipListSet<>();
        AtomicInteger missingClipCount = new AtomicInteger();
        Map<String, String> broken = new ConcurrentSkipListMap<>();
        Map<String, String> mismatch = new ConcurrentSkipListMap<>();
        SegmentFixups fixups = new SegmentFixups();
        Queue<Integer> frameCountQueue = new ConcurrentLinkedQueue<>();
        AtomicInteger overCount = new AtomicInteger();
        Map<String, Double> durations = new HashMap<>(ds.durations());
        Map<String, String> repaired = new ConcurrentSkipListMap<>();
        Map<String, String> beyond = new ConcurrentSkipListMap<>();
        Map<String, String> blank = new ConcurrentSkipListMap<>();
        byVideo.entrySet().parallelStream().forEach(e -> {
            String vid = e.getKey();
            try {
                if (!store.contains(vid)) {
                    missingSet.add(vid);
                    missingClipCount.addAndGet(e.getValue().size());
                    return;
                }
                VideoFeatures f;
                try {
                    f = store.load(vid);
                } catch (FeatureException ex) {
                    if (ex.kind() == FeatureException.Kind.MISSING) {
                        missingSet.add(vid);
                        missingClipCount.addAndGet(e.getValue().size());
                    } else {
                        broken.put(vid, ex.getMessage());
                    }
                    return;
                } catch (IOException | RuntimeException ex) {
                    broken.put(vid, String.valueOf(ex.getMessage()));
                    return;
                }
                Double d = durations.get(vid);
                if (d != null && !durationAgrees(d, f.frames(), store.fps())) {
                    mismatch.put(vid, String.format("annotated %.2f s, features %d frames = %.2f s at %s fps", d,
                            f.frames(), f.frames() / store.fps(), store.fps()));
                }
                double seconds = f.frames() / store.fps();
                for (Clip c : e.getValue()) {
                    if (c.texts().stream().allMatch(DatasetChecker::wordless)) {
                        blank.put(c.clipId(), "clip '" + c.clipId() + "' of video '" + vid + "' has no caption"
                                + (c.texts().stream().allMatch(t -> t == null || t.isBlank()) ? ""
                                        : " with a word in it (" + c.texts().stream().map(t -> "\"" + t + "\"")
                                                .collect(Collectors.joining(", ")) + ")"));
                    }
                    if (Math.max(0, Math.min(c.start(), c.end())) >= seconds) {
                        beyond.put(c.clipId(), String.format(Locale.ROOT,
                                "clip '%s' of video '%s': segment [%s, %s] s starts after the features end (%.1f s)",
                                c.clipId(), vid, c.start(), c.end(), seconds));
                    }
                    SegmentFixups one = new SegmentFixups();
                    int n = FrameSampler.frameIndices(c.start(), c.end(), store.fps(), f.frames(), Integer.MAX_VALUE,
                            one).length;
                    if (one.total() > 0) {
                        fixups.add(one);
                        repaired.put(c.clipId(), String.format(Locale.ROOT, "%s of %s [%s, %s]: %s", c.clipId(), vid,
                                c.start(), c.end(), one.kinds()));
                    }
                    frameCountQueue.add(n);
                    if (n > maxFrames) {
                        overCount.incrementAndGet();
                    }
                }
            } finally {
                if (videoDone != null) {
                    videoDone.run();
                }
            }
        });
        List<String> missing = new ArrayList<>(missingSet);
        int missingClips = missingClipCount.get();
        List<Integer> frameCounts = new ArrayList<>(frameCountQueue);
        int over = overCount.get();
        int[] stats = new int[0];
        if (!frameCounts.isEmpty()) {
            int[] a = frameCounts.stream().mapToInt(Integer::intValue).sorted().toArray();
            stats = new int[] {a[0], a[(a.length - 1) / 2], a[a.length - 1]};
        }
        List<String> warnings = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            String msg = missing.size() + " videos (" + missingClips + " clips) have no features in " + store + ": "
                    + head(missing);
            if (onMissing == MissingPolicy.FAIL || missingClips == ds.clips().size()) {
                problems.add(msg);
            } else {
                warnings.add(msg + " (skipped)");
            }
        }
        broken.forEach((v, why) -> problems.add(why));
        mismatch.forEach((v, why) -> problems.add("duration mismatch for video '" + v + "': " + why));
        if (fixups.total() > 0) {
            warnings.add(fixups + "; " + repaired.size() + " clips: " + head(new ArrayList<>(repaired.values())));
        }
        Set<String> leftOut = new TreeSet<>();
        for (Map<String, String> m : List.of(beyond, blank)) {
            for (String why : m.values()) {
                if (onMissing == MissingPolicy.FAIL) {
                    problems.add(why + " (--on-missing skip leaves such clips out)");
                } else {
                    warnings.add(why + " (left out)");
                }
            }
            if (onMissing != MissingPolicy.FAIL) {
                leftOut.addAll(m.keySet());
            }
        }
        if (ds.clips().isEmpty()) {
            problems.add("the annotations have no clips");
        }
        return new CheckReport(ds.name(), ds.videoIds().size(), ds.clips().size(), clipsPerSplit, videosPerSplit,
                List.copyOf(missing), missingClips, broken, mismatch, stats, over, maxFrames, fixups.toString(),
                ds.notes(), truncate(warnings), truncate(problems), fixups.total(), leftOut);
    }

    private static String head(List<String> l) {
        return String.join(", ", l.subList(0, Math.min(LIST_LIMIT, l.size()))) + (l.size() > LIST_LIMIT ? ", ..." : "");
    }

    private static List<String> truncate(List<String> problems) {
        if (problems.size() <= LIST_LIMIT) {
            return problems;
        }
        List<String> out = new ArrayList<>(problems.subList(0, LIST_LIMIT));
        out.add("... and " + (problems.size() - LIST_LIMIT) + " more problems");
        return out;
    }

}
