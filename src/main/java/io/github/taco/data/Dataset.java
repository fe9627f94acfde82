package io.github.taco.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Clips read from one dataset's annotations, plus what the reader knows about the videos.
 *
 * @param name      dataset name ("youcook2", "msrvtt", ...)
 * @param clips     all clips, in annotation order
 * @param durations video durations in seconds where the annotations give them (for checks)
 * @param notes     things the reader repaired or skipped, for the user to read (e.g. "3 reversed
 *                  timestamps swapped")
 */
public record Dataset(String name, List<Clip> clips, Map<String, Double> durations, List<String> notes) {

    public Dataset {
        clips = List.copyOf(clips);
        durations = Collections.unmodifiableMap(durations);
        notes = List.copyOf(notes);
    }

    /** Clips of one split. */
    public List<Clip> clips(Split split) {
        List<Clip> out = new ArrayList<>();
        for (Clip c : clips) {
            if (c.split() == split) {
                out.add(c);
            }
        }
        return out;
    }

    /** Distinct video ids, in first-seen order. */
    public Set<String> videoIds() {
        Set<String> ids = new LinkedHashSet<>();
        clips.forEach(c -> ids.add(c.videoId()));
        return ids;
    }

    /** Distinct video ids of one split. */
    public Set<String> videoIds(Split split) {
        Set<String> ids = new LinkedHashSet<>();
        clips(split).forEach(c -> ids.add(c.videoId()));
        return ids;
    }

    /** Number of clips per split (only splits that occur). */
    public Map<Split, Integer> clipCounts() {
        Map<Split, Integer> m = new EnumMap<>(Split.class);
        clips.forEach(c -> m.merge(c.split(), 1, Integer::sum));
        return m;
    }

    /** The dataset restricted to some splits (names and notes kept). */
    public Dataset only(Set<Split> splits) {
        return new Dataset(name, clips.stream().filter(c -> splits.contains(c.split())).toList(), durations, notes);
    }
}
