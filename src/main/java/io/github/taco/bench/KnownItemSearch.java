package io.github.taco.bench;

import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.ClipIndex;
import io.github.taco.index.SearchCalibration;
import io.github.taco.index.SearchHit;
import io.github.taco.index.SearchResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Known-item search through the real search path (HNSW candidates, stored frame vectors, the
 * cascade): each indexed clip's own caption is the query, and the clip's rank is read under three
 * orders of the same N candidates:
 * <ul>
 *   <li>{@code s1}: the sentence-level score alone;</li>
 *   <li>{@code s1+s2}: s1 + 0.5·s2, no fusion;</li>
 *   <li>{@code cascade}: the top R of s1 + 0.5·s2 re-scored with s3 (what {@code taco search} returns).</li>
 * </ul>
 * A clip outside the N candidates counts as not found (reciprocal rank 0), so the mean reciprocal
 * rank is MRR@N.
 */
public final class KnownItemSearch {
    /** One order's figures over the queries. */
    public record Row(String order, double mrr, double r1, double r5, double r10, double foundInN) {}

    /**
     * Queries that are about nothing a cooking video shows, for the "no good match" flag's
     * false-negative rate (the built-in benchmark and YouCook2 are cooking).
     */
    public static final List<String> OFF_TOPIC = List.of("quantum physics lecture about black holes",
            "stock market news today", "a cat playing piano", "football match highlights", "how to change a car tire",
            "lecture on linear algebra", "a plane taking off at the airport", "people dancing at a wedding",
            "the president gives a speech", "snowboarding down a mountain", "a dog chasing a ball in the park",
            "repairing a bicycle chain", "installing windows on a laptop", "a choir singing in a church",
            "rocket launch countdown", "knitting a wool scarf", "playing chess online", "a horse race",
            "painting a house wall", "surfing big waves", "tennis serve practice",
            "a baby laughing", "skateboard tricks in a skate park", "fixing a leaking faucet", "yoga for beginners",
            "guitar lesson chords", "weather forecast for tomorrow", "drawing a portrait with pencil",
            "a volcano erupting", "training a puppy to sit");

    /**
     * The figures of every order, how many queries ran, and, on a calibrated index, how many of the
     * captions and of {@link #OFF_TOPIC} were flagged "no good match" (-1 without a calibration).
     */
    public record Result(int queries, int topN, int topR, List<Row> rows, double medianMillis, int captionsFlagged,
            int offTopicFlagged) {
        public String report() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "known-item search: %d captions as queries, N=%d candidates, R=%d re-scored; median %.1f ms per "
                            + "query%n",
                    queries, topN, topR, medianMillis));
            if (captionsFlagged < 0) {
                sb.append("  no calibration in this index: 'taco index DIR --calibrate' adds one\n");
            } else {
                sb.append(String.format(Locale.ROOT,
                        "  'no good match': %d of %d captions (%.1f%%), %d of %d off-topic queries (%.0f%%)%n",
                        captionsFlagged, queries, 100.0 * captionsFlagged / Math.max(1, queries), offTopicFlagged,
                        OFF_TOPIC.size(), 100.0 * offTopicFlagged / OFF_TOPIC.size()));
            }
            sb.append(String.format(Locale.ROOT, "  %-8s %7s %6s %6s %6s %9s%n", "order", "MRR", "R@1", "R@5", "R@10",
                    "in top N"));
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "  %-8s %7.3f %6.1f %6.1f %6.1f %8.1f%%%n", r.order(), r.mrr(),
                        r.r1(), r.r5(), r.r10(), r.foundInN()));
            }
            Row best = rows.stream().max(Comparator.comparingDouble(Row::mrr)).orElseThrow();
            sb.append("  best by MRR: ").append(best.order()).append('\n');
            return sb.toString();
        }
    }

    private KnownItemSearch() {}

    /**
     * @param maxQueries how many clips to query (a random sample of this size, seed 1; all when ≥ the index size)
     */
    public static Result run(CascadeSearcher searcher, ClipIndex index, int maxQueries, int topN, int topR)
            throws IOException {
        // seed 2: mostly other captions than the calibration's sample (seed 1)
        List<? extends ClipIndex.Clip> sample = index.sample(maxQueries, 2);
        String[] orders = Arrays.stream(CascadeSearcher.Order.values()).map(CascadeSearcher.Order::label)
                .toArray(String[]::new);
        double[][] sums = new double[orders.length][5]; // rr, r1, r5, r10, found
        double[] millis = new double[sample.size()];
        CascadeSearcher.Options o = new CascadeSearcher.Options(topN, topN, topR, topN, CascadeSearcher.Order.CASCADE);
        int flagged = 0;
        for (int q = 0; q < sample.size(); q++) {
            ClipIndex.Clip target = sample.get(q);
            long t0 = System.nanoTime();
            SearchResult result = searcher.search(target.caption(), o);
            List<SearchHit> hits = result.hits();
            millis[q] = (System.nanoTime() - t0) / 1e6;
            if (Boolean.TRUE.equals(result.match().noGoodMatch())) {
                flagged++;
            }
            int[] ranks = SearchCalibration.knownItemRanks(hits, target.clipId());
            for (int k = 0; k < orders.length; k++) {
                int r = ranks[k];
                if (r > 0) {
                    sums[k][0] += 1.0 / r;
                    sums[k][1] += r <= 1 ? 1 : 0;
                    sums[k][2] += r <= 5 ? 1 : 0;
                    sums[k][3] += r <= 10 ? 1 : 0;
                    sums[k][4] += 1;
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        int n = Math.max(1, sample.size());
        for (int k = 0; k < orders.length; k++) {
            rows.add(new Row(orders[k], sums[k][0] / n, 100 * sums[k][1] / n, 100 * sums[k][2] / n,
                    100 * sums[k][3] / n, 100 * sums[k][4] / n));
        }
        Arrays.sort(millis);
        int offTopic = 0;
        for (String q : OFF_TOPIC) {
            if (Boolean.TRUE.equals(searcher.search(q, o).match().noGoodMatch())) {
                offTopic++;
            }
        }
        boolean calibrated = searcher.calibration() != null;
        return new Result(sample.size(), topN, topR, rows, millis.length == 0 ? 0 : millis[millis.length / 2],
                calibrated ? flagged : -1, calibrated ? offTopic : -1);
    }

}
