package io.github.taco.features;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class FrameSamplerTest {

    @Test
    void takesFloorOfBothEndsInclusive() {
        SegmentFixups fx = new SegmentFixups();
        assertArrayEquals(new int[] {2, 3, 4, 5}, FrameSampler.frameIndices(2.7, 5.2, 1, 100, 48, fx));
        assertArrayEquals(new int[] {5, 6, 7, 8, 9, 10}, FrameSampler.frameIndices(2.7, 5.2, 2, 100, 48, fx));
        assertEquals(0, fx.total());
    }

    @Test
    void longClipsAreThinnedUniformly() {
        int[] idx = FrameSampler.frameIndices(0, 99, 1, 100, 4, null);
        assertArrayEquals(new int[] {12, 37, 62, 87}, idx);
        int[] many = FrameSampler.frameIndices(10, 200, 1, 300, 48, null);
        assertEquals(48, many.length);
        for (int i = 1; i < many.length; i++) {
            assertTrue(many[i] > many[i - 1]);
        }
        assertTrue(many[0] >= 10 && many[47] <= 200);
    }

    @Test
    void wholeVideoWithInfiniteEnd() {
        assertArrayEquals(new int[] {0, 1, 2}, FrameSampler.frameIndices(0, Double.POSITIVE_INFINITY, 1, 3, 48, null));
    }

    @Test
    void repairsAreCountedAndDocumentedPolicyHolds() {
        SegmentFixups fx = new SegmentFixups();
        assertArrayEquals(new int[] {3, 4, 5}, FrameSampler.frameIndices(5.5, 3.1, 1, 10, 48, fx));
        assertEquals(1, fx.reversed());
        assertArrayEquals(new int[] {0, 1, 2}, FrameSampler.frameIndices(-4, 2, 1, 10, 48, fx));
        assertEquals(1, fx.negative());
        assertArrayEquals(new int[] {8, 9}, FrameSampler.frameIndices(8, 30, 1, 10, 48, fx));
        assertEquals(1, fx.pastEnd());
        // ending exactly at the video's end is normal, not a repair
        assertArrayEquals(new int[] {8, 9}, FrameSampler.frameIndices(8, 10, 1, 10, 48, fx));
        assertEquals(1, fx.pastEnd());
        // starting after the end: nearest frame (the last)
        assertArrayEquals(new int[] {9}, FrameSampler.frameIndices(40, 50, 1, 10, 48, fx));
        assertEquals(2, fx.pastEnd());
        // negative and reversed at once
        assertArrayEquals(new int[] {0}, FrameSampler.frameIndices(-1, -3, 1, 10, 48, fx));
        assertEquals(2, fx.reversed());
        assertEquals(2, fx.negative());
        assertTrue(fx.toString().contains("2 reversed"));
    }

    @Test
    void nanIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.frameIndices(Double.NaN, 3, 1, 10, 48, null));
    }
}
