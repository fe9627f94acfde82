package io.github.taco.features;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the segment repairs {@link FrameSampler} makes instead of failing. The policy:
 * <ul>
 *   <li>reversed [s, e] with s &gt; e: swapped;</li>
 *   <li>negative times: clamped to 0;</li>
 *   <li>past the end (e more than one frame beyond the last feature row): clamped to the last
 *       frame; a segment that starts after the end gets the last frame. An end that lands exactly on
 *       the video's end (frame index T) is normal and not counted.</li>
 * </ul>
 * NaN times are never repaired: they throw. Thread-safe.
 */
public final class SegmentFixups {
    private final AtomicLong reversed = new AtomicLong();
    private final AtomicLong negative = new AtomicLong();
    private final AtomicLong pastEnd = new AtomicLong();

    public long reversed() {
        return reversed.get();
    }

    public long negative() {
        return negative.get();
    }

    public long pastEnd() {
        return pastEnd.get();
    }

    public long total() {
        return reversed() + negative() + pastEnd();
    }

    /** Adds another counter's repairs to this one. */
    public void add(SegmentFixups other) {
        reversed.addAndGet(other.reversed());
        negative.addAndGet(other.negative());
        pastEnd.addAndGet(other.pastEnd());
    }

    /** The kinds of repair counted, e.g. "reversed, past the end". */
    public String kinds() {
        List<String> k = new ArrayList<>();
        if (reversed() > 0) k.add("reversed (swapped)");
        if (negative() > 0) k.add("negative (clamped to 0)");
        if (pastEnd() > 0) k.add("past the end (clamped to the last frame)");
        return String.join(", ", k);
    }

    void countReversed() {
        reversed.incrementAndGet();
    }

    void countNegative() {
        negative.incrementAndGet();
    }

    void countPastEnd() {
        pastEnd.incrementAndGet();
    }

    @Override
    public String toString() {
        return "segment fix-ups: " + reversed() + " reversed (swapped), " + negative() + " negative (clamped to 0), "
                + pastEnd() + " past the end (clamped to the last frame)";
    }
}
