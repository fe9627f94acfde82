package io.github.taco.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * What a good match scores in this index, measured on the index's own captions. Each of
 * {@code queries} sampled clips is searched with its caption, and the best s1 + 0.5·s2 among the
 * candidates is kept. A hit's <b>confidence</b> is the share of those in-domain best scores that its
 * own s1 + 0.5·s2 reaches. 0.5 means "as good as the typical best match of a real caption". A
 * query whose best candidate falls below {@link #NO_GOOD_MATCH} (5 % of real captions score lower)
 * is flagged "no good match".
 *
 * <p>Why this and not a fixed threshold: scores are not comparable across checkpoints (τ, d, the
 * text encoder), and the index's captions are the only in-domain queries at hand. Why s1 + 0.5·s2
 * and not the cascade score: every candidate has it, and it does not depend on R. What it can and
 * cannot do is measured in docs/search.md. With a pretrained text encoder it flags 26 of 30 off-topic
 * queries; from scratch it flags almost none, because such a model maps every query into the
 * captions' space.
 */
public record SearchCalibration(int queries, double[] bestScores, CascadeSearcher.Order bestOrder,
        Map<CascadeSearcher.Order, Double> mrr) {
    /** File name in the index folder. */
    public static final String FILE = "calibration.json";
    /** Below this confidence the best candidate is no good match. */
    public static final double NO_GOOD_MATCH = 0.05;
    /** Captions searched by default when an index is built. */
    public static final int DEFAULT_QUERIES = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Scores only (no order measured: the searcher keeps the cascade). */
    public SearchCalibration(int queries, double[] bestScores) {
        this(queries, bestScores, null, Map.of());
    }

    public SearchCalibration {
        mrr = mrr == null ? Map.of() : Map.copyOf(mrr);
        bestScores = bestScores.clone();
        Arrays.sort(bestScores);
        if (bestScores.length == 0) {
            throw new IllegalArgumentException("a calibration needs at least one query");
        }
    }

    /** Share of the in-domain best scores that {@code score} reaches, in [0, 1]. */
    public double confidence(double score) {
        int i = Arrays.binarySearch(bestScores, score);
        int atOrBelow = i >= 0 ? i + 1 : -i - 1;
        while (i >= 0 && atOrBelow < bestScores.length && bestScores[atOrBelow] == score) {
            atOrBelow++;
        }
        return (double) atOrBelow / bestScores.length;
    }

    /**
     * Searches {@code queries} captions of the index (a random sample, seed 1) as known items: records
     * the best candidate's w1·s1 + w2·s2 of each, and the mean reciprocal rank of the caption's own clip
     * under each {@link CascadeSearcher.Order} (MRR@N); the order with the highest MRR becomes the
     * index's default.
     */
    public static SearchCalibration measure(CascadeSearcher searcher, ClipIndex index, int queries) throws IOException {
        List<? extends ClipIndex.Clip> sample = index.sample(queries, 1);
        if (sample.isEmpty()) {
            throw new IllegalArgumentException("the index has no captions to calibrate with");
        }
        double[] best = new double[sample.size()];
        CascadeSearcher.Order[] orders = CascadeSearcher.Order.values();
        double[] rr = new double[orders.length];
        int n = CascadeSearcher.DEFAULT_TOP_N;
        CascadeSearcher.Options o = new CascadeSearcher.Options(n, n, CascadeSearcher.DEFAULT_TOP_R, n,
                CascadeSearcher.Order.CASCADE);
        // the queries are independent and the searcher serves concurrent requests: all cores search (300 one-query
        // searches are mostly per-call overhead, ~25 ms each, not arithmetic a batch could share)
        SearchResult[] results = new SearchResult[best.length];
        try {
            IntStream.range(0, best.length).parallel().forEach(q -> {
                try {
                    results[q] = searcher.search(sample.get(q).caption(), o);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (int q = 0; q < best.length; q++) {
            SearchResult r = results[q];
            best[q] = r.match().bestScore();
            int[] ranks = knownItemRanks(r.hits(), sample.get(q).clipId());
            for (int k = 0; k < orders.length; k++) {
                rr[k] += ranks[k] > 0 ? 1.0 / ranks[k] : 0;
            }
        }
        Map<CascadeSearcher.Order, Double> mrr = new EnumMap<>(CascadeSearcher.Order.class);
        int winner = 0;
        for (int k = 0; k < orders.length; k++) {
            mrr.put(orders[k], rr[k] / best.length);
            if (rr[k] > rr[winner]) {
                winner = k;
            }
        }
        return new SearchCalibration(best.length, best, orders[winner], mrr);
    }

    /**
     * The 1-based rank of a clip among the hits of one cascade search (all N candidates returned)
     * under each {@link CascadeSearcher.Order}, in their declaration order; 0 when it is not among them.
     */
    public static int[] knownItemRanks(List<SearchHit> hits, String clipId) {
        List<Comparator<SearchHit>> orders = List.of(
                Comparator.comparingDouble(SearchHit::s1).reversed(),
                Comparator.comparingDouble((SearchHit h) -> h.s1() + 0.5 * h.s2()).reversed(),
                Comparator.comparingInt(SearchHit::rank));
        int[] ranks = new int[orders.size()];
        for (int k = 0; k < ranks.length; k++) {
            List<SearchHit> sorted = new ArrayList<>(hits);
            sorted.sort(orders.get(k).thenComparingInt(SearchHit::rank));
            for (int i = 0; i < sorted.size(); i++) {
                if (sorted.get(i).clipId().equals(clipId)) {
                    ranks[k] = i + 1;
                    break;
                }
            }
        }
        return ranks;
    }

    /** This calibration as JSON (what {@value #FILE} holds). */
    public String toJson() throws IOException {
        return JSON.writeValueAsString(this);
    }

    /** Parses calibration JSON; {@code where} names its source in errors. */
    public static SearchCalibration fromJson(String json, String where) throws IOException {
        try {
            return JSON.readValue(json, SearchCalibration.class);
        } catch (IOException | RuntimeException e) {
            throw new IOException(where + ": not a readable search calibration (" + e.getMessage() + ")", e);
        }
    }

    /** Writes {@code calibration.json} into the index folder, atomically. */
    public void save(Path indexDir) throws IOException {
        AtomicFiles.writeString(indexDir.resolve(FILE), JSON.writeValueAsString(this));
    }

    /** The index's calibration, if it has one (an index built before calibrations existed has none). */
    public static Optional<SearchCalibration> load(Path indexDir) throws IOException {
        Path f = indexDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(f.toFile(), SearchCalibration.class));
        } catch (IOException | RuntimeException e) {
            throw new IOException(f + ": not a readable search calibration (" + e.getMessage() + "); delete it or run "
                    + "'taco index " + indexDir + " --calibrate'", e);
        }
    }
}
