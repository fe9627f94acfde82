package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Dual softmax: a candidate that every query likes is demoted for the queries it suits less. */
class DualSoftmaxTest {
    @Test
    void aHubCandidateLosesTheQueriesThatAnotherSuitsBetterThanItsOwn() {
        // video 0 is a "hub": the best video for both texts by raw score; text 1's true video is 1
        float[][] s = {{5f, 1f}, {4.9f, 4.5f}};
        float[][] r = DualSoftmax.rescore(s);
        assertTrue(s[1][0] > s[1][1], "raw: text 1 ranks the hub first");
        assertTrue(r[1][1] > r[1][0], "dual softmax: video 0 prefers text 0, so text 1 gets its own video first");
        assertTrue(r[0][0] > r[0][1], "text 0 keeps the hub");
    }

    @Test
    void eachScoreIsScaledByItsCandidatesSoftmaxOverTheQueries() {
        float[][] s = {{1f, 2f}, {3f, 0f}, {0f, 0f}};
        float[][] r = DualSoftmax.rescore(s);
        double z = Math.exp(1) + Math.exp(3) + Math.exp(0);
        assertEquals(3 * Math.exp(3) / z, r[1][0], 1e-6);
        assertEquals(0, r[2][1], 1e-9, "a zero score stays zero");
    }
}
