package io.github.taco.eval;

/**
 * One ground-truth interval of a step in a video (a CrossTask annotation row).
 *
 * @param step     0-based step index in the task's step list (CrossTask files are 1-based)
 * @param startSec start of the interval in seconds
 * @param endSec   end of the interval in seconds
 */
public record StepSegment(int step, double startSec, double endSec) {

    /**
     * Whether frame {@code frame}, sampled at {@code fps}, lies in this interval. Frame k covers
     * the interval when {@code ⌊start·fps⌋ ≤ k < ⌈end·fps⌉}, the rule CrossTask's own evaluation
     * uses to turn intervals into frame labels at 1 fps; a zero-length interval still covers
     * frame {@code ⌊start·fps⌋} so that an annotated step is never impossible to recall.
     */
    public boolean containsFrame(int frame, double fps) {
        long first = (long) Math.floor(startSec * fps);
        long end = Math.max((long) Math.ceil(endSec * fps), first + 1);
        return frame >= first && frame < end;
    }
}
