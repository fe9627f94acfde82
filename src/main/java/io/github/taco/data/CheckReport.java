package io.github.taco.data;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link DatasetChecker} found. {@link #ok()} is false when {@link #problems()} is not empty;
 * {@link #warnings()} are worth reading but do not fail the check.
 *
 * @param dataset          dataset name
 * @param videos           distinct videos in the annotations
 * @param clips            clips in the annotations
 * @param clipsPerSplit    clips per split
 * @param videosPerSplit   videos per split
 * @param missingVideos    videos without features
 * @param missingClips     clips of those videos
 * @param brokenVideos     videos whose features exist but cannot be used, with the reason
 * @param durationMismatch videos whose annotated duration and feature length disagree beyond the
 *                         tolerance, with both numbers
 * @param frames           raw frames per clip (before thinning to the model's maximum), over clips
 *                         with usable features: {min, median, max}; empty if none
 * @param clipsOverMax     clips with more frames than {@code maxFrames} (they will be thinned)
 * @param maxFrames        the maximum used for {@code clipsOverMax}
 * @param segmentFixups    text of the segment repairs made (reversed / negative / past the end)
 * @param notes            the reader's notes (e.g. skipped training videos)
 * @param warnings         non-fatal findings
 * @param problems         findings that fail the check
 * @param segmentRepairs   how many clip segments were repaired (reversed, negative or past the end)
 * @param leftOut          clips a run leaves out under {@code --on-missing skip}: a segment entirely past the end of
 *                         its features, or no caption (under {@code fail} they are problems)
 */
public record CheckReport(
        String dataset,
        int videos,
        int clips,
        Map<Split, Integer> clipsPerSplit,
        Map<Split, Integer> videosPerSplit,
        List<String> missingVideos,
        int missingClips,
        Map<String, String> brokenVideos,
        Map<String, String> durationMismatch,
        int[] frames,
        int clipsOverMax,
        int maxFrames,
        String segmentFixups,
        List<String> notes,
        List<String> warnings,
        List<String> problems,
        long segmentRepairs,
        Set<String> leftOut) {

    public boolean ok() {
        return problems.isEmpty();
    }

    /** A human-readable report, as {@code taco data check} prints it. */
    public String format() {
        StringBuilder b = new StringBuilder();
        b.append("dataset ").append(dataset).append(": ").append(videos).append(" videos, ").append(clips)
                .append(" clips\n");
        clipsPerSplit.forEach((s, n) -> b.append(String.format("  %-10s %6d videos %7d clips%n", s.name().toLowerCase(),
                videosPerSplit.getOrDefault(s, 0), n)));
        b.append("features: ").append(missingVideos.size()).append(" videos missing (").append(missingClips)
                .append(" clips), ")
                .append(brokenVideos.size()).append(" unusable, ").append(durationMismatch.size())
                .append(" with a duration mismatch\n");
        if (frames.length == 3) {
            b.append(String.format("frames per clip: min %d, median %d, max %d; %d clips over %d frames (thinned)%n",
                    frames[0], frames[1], frames[2], clipsOverMax, maxFrames));
        }
        b.append(segmentFixups).append('\n');
        if (!leftOut.isEmpty()) {
            b.append(leftOut.size()).append(" clips left out (no caption, or a segment after the features end)\n");
        }
        notes.forEach(n -> b.append("note: ").append(n).append('\n'));
        warnings.forEach(w -> b.append("warning: ").append(w).append('\n'));
        problems.forEach(p -> b.append("PROBLEM: ").append(p).append('\n'));
        b.append(ok() ? "OK\n" : problems.size() + " problem(s)\n");
        return b.toString();
    }
}
