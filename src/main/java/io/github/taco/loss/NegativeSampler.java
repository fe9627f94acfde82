package io.github.taco.loss;

import ai.djl.ndarray.NDArray;
import io.github.taco.model.Negatives;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Chooses the negatives that L3 runs the fusion on (docs/method.md §4). Selection works on a detached copy
 * of the scores on the host: it is K² comparisons, not worth an engine call.
 *
 * <ul>
 *   <li>{@code cascade}: for each text i the K' videos j ≠ i of highest r(j, i) = s1 + s2, and for
 *       each video j the K' texts i ≠ j of highest r (ties: lower index first);</li>
 *   <li>{@code random}: K' distinct random non-positives per anchor ("previous work");</li>
 *   <li>{@code full}: all K − 1 non-positives.</li>
 * </ul>
 */
public final class NegativeSampler {
    /**
     * The chosen negatives: {@code videosForText[i]} are video indices for anchor text i,
     * {@code textsForVideo[j]} text indices for anchor video j; each row has K' entries.
     */
    public record Selection(int kPrime, int[][] videosForText, int[][] textsForVideo) {}

    private NegativeSampler() {}

    /** K' = min(kPrime, K − 1), or K − 1 for {@code full}. */
    public static int effectiveKPrime(Negatives mode, int kPrime, int k) {
        return mode == Negatives.FULL ? k - 1 : Math.min(kPrime, k - 1);
    }

    /**
     * Selects from the batch's scores: the cascade ranks by r = s1 + s2 when L2 is trained, and by s1 alone
     * otherwise (an untrained s2 would only add noise to the ranking) [ours] (docs/method.md §4).
     *
     * @param s1 [K, K], s1[i, j] = s1(v_j, t_i)
     * @param s2 [K, K] like s1, or null when L2 is not trained
     */
    public static Selection select(Negatives mode, NDArray s1, NDArray s2, int kPrime, Random random) {
        int k = (int) s1.getShape().get(0);
        float[] r = mode == Negatives.CASCADE ? (s2 == null ? s1 : s1.add(s2)).toFloatArray() : null;
        return select(mode, r, k, kPrime, random);
    }

    /**
     * @param r      [K * K] row-major, r[i * K + j] = r(v_j, t_i); used by {@code cascade} only
     * @param random used by {@code random} only
     */
    public static Selection select(Negatives mode, float[] r, int k, int kPrime, Random random) {
        if (k < 2) {
            throw new IllegalArgumentException("L3 needs a batch of at least 2 pairs, got " + k);
        }
        int kp = effectiveKPrime(mode, kPrime, k);
        int[][] forText = new int[k][];
        int[][] forVideo = new int[k][];
        for (int a = 0; a < k; a++) {
            final int anchor = a;
            switch (mode) {
                case CASCADE -> {
                    forText[a] = topK(k, anchor, kp, j -> r[anchor * k + j]);
                    forVideo[a] = topK(k, anchor, kp, i -> r[i * k + anchor]);
                }
                case RANDOM -> {
                    forText[a] = randomK(k, anchor, kp, random);
                    forVideo[a] = randomK(k, anchor, kp, random);
                }
                case FULL -> {
                    forText[a] = others(k, anchor);
                    forVideo[a] = others(k, anchor);
                }
            }
        }
        return new Selection(kp, forText, forVideo);
    }

    private interface Score {
        float of(int index);
    }

    private static int[] topK(int k, int positive, int kp, Score score) {
        List<Integer> candidates = new ArrayList<>(k - 1);
        for (int j = 0; j < k; j++) {
            if (j != positive) {
                candidates.add(j);
            }
        }
        // List.sort is stable, so equal scores keep index order.
        candidates.sort((x, y) -> Float.compare(score.of(y), score.of(x)));
        return candidates.subList(0, kp).stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] randomK(int k, int positive, int kp, Random random) {
        List<Integer> candidates = new ArrayList<>(k - 1);
        for (int j = 0; j < k; j++) {
            if (j != positive) {
                candidates.add(j);
            }
        }
        Collections.shuffle(candidates, random);
        return candidates.subList(0, kp).stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] others(int k, int positive) {
        int[] r = new int[k - 1];
        for (int j = 0, c = 0; j < k; j++) {
            if (j != positive) {
                r[c++] = j;
            }
        }
        return r;
    }
}
