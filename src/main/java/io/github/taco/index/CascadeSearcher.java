package io.github.taco.index;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.taco.eval.CascadeRanker;
import io.github.taco.io.EnumNames;
import io.github.taco.model.Checkpoint;
import io.github.taco.model.NoGrad;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.text.DidYouMean;
import io.github.taco.text.EncodedText;
import io.github.taco.text.Idf;
import io.github.taco.text.TextPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text→video search with the inference cascade of docs/method.md §5 over a {@link ClipIndex} (a local
 * {@link VideoIndex} or a SolrCloud collection):
 * <ol>
 *   <li>text encoder → y and the text vector;</li>
 *   <li>HNSW top N by s1 (approximate; exact when N covers the index);</li>
 *   <li>exact s1 and s2 on those N from the stored vectors, ranked by w1·s1 + w2·s2;</li>
 *   <li>the fusion s3 on the top R of that ranking; they are re-ranked by w1·s1 + w2·s2 + w3·s3
 *       and stay above the other N − R ({@link CascadeRanker}, the same ranker as evaluation).</li>
 * </ol>
 * With N and R covering the whole index the ranking is the exhaustive one by s1 + 0.5·s2 + s3.
 *
 * <p>Thread-safe: each query works in its own NDManager, a child of the model's weight manager;
 * the model's forward is a pure function of its inputs and reads the shared weights only.
 */
public final class CascadeSearcher {
    /** Default N, the HNSW candidates. */
    public static final int DEFAULT_TOP_N = 100;
    /** Default R, the candidates re-scored with s3. */
    public static final int DEFAULT_TOP_R = 20;
    /** Longest accepted query, in characters. */
    public static final int MAX_QUERY_CHARS = 500;
    private static final int S3_CHUNK = 32;

    /**
     * How the N candidates are ordered: by s1 alone, by s1 + 0.5·s2, or the cascade (the top R of
     * s1 + 0.5·s2 re-scored with s3 added). Which one finds a clip from its own caption best depends
     * on the checkpoint (docs/search.md), so an index's calibration measures all three and makes the
     * winner its default.
     */
    public enum Order {
        S1("s1"), S1_S2("s1+s2"), CASCADE("cascade");

        private final String label;

        Order(String label) {
            this.label = label;
        }

        @JsonValue
        public String label() {
            return label;
        }

        /** s1, s1+s2 or cascade. */
        @JsonCreator
        public static Order parse(String s) {
            // "s1 s2": a '+' in a URL query reads as a space
            return EnumNames.parse(Order.class, s, "order", o -> List.of(o.label, o.label.replace('+', ' '), o.name()));
        }
    }

    /**
     * Per-query settings: k results, N candidates, R re-scored, HNSW search breadth, and the order
     * (null: the index's calibrated default, else the cascade).
     */
    public record Options(int k, int topN, int topR, int efSearch, Order order) {
        public Options {
            if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
            if (topN < 1) throw new IllegalArgumentException("top-n must be >= 1, got " + topN);
            if (topR < 0) throw new IllegalArgumentException("top-r must be >= 0, got " + topR);
            if (efSearch < 1) throw new IllegalArgumentException("efSearch must be >= 1, got " + efSearch);
        }

        public Options(int k, int topN, int topR, int efSearch) {
            this(k, topN, topR, efSearch, null);
        }

        public Options withOrder(Order o) {
            return new Options(k, topN, topR, efSearch, o);
        }

        public static Options of(int k) {
            return new Options(k, Math.max(k, DEFAULT_TOP_N), DEFAULT_TOP_R, DEFAULT_TOP_N);
        }
    }

    private final ClipIndex index;
    private final TacoModel model;
    private final TacoConfig config;
    private final TextPipeline text;
    private volatile SearchCalibration calibration;

    /**
     * @throws IndexMeta.IndexMismatchException when the checkpoint is not the one the index was built with
     */
    public CascadeSearcher(ClipIndex index, Checkpoint checkpoint) throws IOException {
        this(index, checkpoint.model(), checkpoint.text());
        index.meta().verify(checkpoint.dir(), checkpoint.config());
    }

    /** Without the checkpoint-hash check (the caller vouches for the model, e.g. tests and benchmarks). */
    public CascadeSearcher(ClipIndex index, TacoModel model, TextPipeline text) {
        this.index = index;
        this.model = model;
        this.config = model.config();
        this.text = text;
        if (config.hiddenSize != index.meta().dim) {
            throw new IndexMeta.IndexMismatchException("the model has d=" + config.hiddenSize + ", the index "
                    + index.meta().dim);
        }
        try {
            this.calibration = index.calibration().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The calibration results are scored against (null: none; hits then carry no confidence). */
    public SearchCalibration calibration() {
        return calibration;
    }

    /** The order a query gets when it names none: the calibration's winner, else the cascade. */
    public Order defaultOrder() {
        SearchCalibration cal = calibration;
        return cal == null || cal.bestOrder() == null ? Order.CASCADE : cal.bestOrder();
    }

    /** Uses this calibration from now on (e.g. one just measured). */
    public void calibration(SearchCalibration c) {
        this.calibration = c;
    }

    public ClipIndex index() {
        return index;
    }

    /** Checks and trims a query: not blank, at most {@value #MAX_QUERY_CHARS} characters. */
    public static String checkQuery(String query) {
        String q = query == null ? "" : query.strip();
        if (q.isEmpty()) {
            throw new IllegalArgumentException("query is empty");
        }
        if (q.length() > MAX_QUERY_CHARS) {
            throw new IllegalArgumentException("query has " + q.length() + " characters, at most " + MAX_QUERY_CHARS
                    + " are allowed");
        }
        return q;
    }

    /**
     * The cascade for one query (docs/method.md §5): the text encoder, the index's top N by s1, exact
     * s1 and s2 on those, the fusion s3 on the candidates the order re-scores, then the top k.
     */
    public SearchResult search(String query, Options o) throws IOException {
        long t0 = System.nanoTime();
        String q = checkQuery(query);
        EncodedText et = text.encode(q);
        int n = Math.min(et.length(), config.maxTokens);
        List<SearchResult.QueryToken> qtokens = queryTokens(et, n);
        Order order = o.order() != null ? o.order() : defaultOrder();
        Map<String, Double> ms = new LinkedHashMap<>();
        NoGrad.thisThread();
        try (NDManager m = model.weights().manager().newSubManager()) {
            // 1. the query's token vectors y and its s1 vector
            Query qy = encodeQuery(et, n, m);
            long t1 = System.nanoTime();
            ms.put("text", (t1 - t0) / 1e6);

            // 2. the first stage: the index's top N by s1, with their frame vectors
            List<IndexedClip> cands = index.candidates(qy.vector(), o.topN(), o.efSearch());
            long t2 = System.nanoTime();
            ms.put("knn", (t2 - t1) / 1e6);
            int c = cands.size();
            if (c == 0) {
                ms.put("total", (System.nanoTime() - t0) / 1e6);
                return new SearchResult(q, qtokens, List.of(), 0, 0, index.size(), ms,
                        match(q, Double.NEGATIVE_INFINITY, qtokens), order);
            }

            // 3. exact s1 and s2 of every candidate (s2 as evaluation computes it: valid frames only,
            // TacoModel.s2AllPairs)
            Candidates x = Candidates.pack(cands, config.hiddenSize, m);
            float[] s1 = model.s1(qy.sentence(), x.means()).toFloatArray();
            float[] s2 = model.s2AllPairs(qy.tokens(), qy.weightsHost(), x.frames(), x.frameMaskHost())[0];
            long t3 = System.nanoTime();
            ms.put("s1s2", (t3 - t2) / 1e6);

            // 4. the fusion s3 on the candidates the order re-scores, then the ranking
            CascadeRanker ranker = ranker(order, o.topR());
            float[] s3 = s3(ranker, s1, s2, qy.tokens(), qy.mask(), x);
            CascadeRanker.Ranking ranking = ranker.rank(s1, s2, j -> s3[j]);
            ms.put("s3", (System.nanoTime() - t3) / 1e6);

            // 5. the top k, each with its calibrated confidence and per-token best frames
            // the calibrated score is w1·s1 + w2·s2 whatever the order, so confidences compare across orders
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                best = Math.max(best, matchScore(s1[j], s2[j]));
            }
            List<SearchHit> hits = topHits(Math.min(o.k(), c), cands, ranking, s1, s2, s3, qtokens, qy.tokensHost());
            ms.put("total", (System.nanoTime() - t0) / 1e6);
            return new SearchResult(q, qtokens, hits, c, ranking.rescored(), index.size(), ms, match(q, best, qtokens),
                    order);
        }
    }

    /** The query as the model sees it: token vectors y [1, n, d], their mask and weights, the s1 vector. */
    private record Query(NDArray tokens, NDArray mask, float[] weightsHost, NDArray sentence, float[] vector,
            float[] tokensHost) {}

    private Query encodeQuery(EncodedText et, int n, NDManager m) {
        long[] ids = new long[n]; // int64, as in training
        for (int i = 0; i < n; i++) ids[i] = et.ids()[i];
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        NDArray mask = m.create(ones, new Shape(1, n));
        NDArray y = model.encodeText(m.create(ids, new Shape(1, n)), mask);
        NDArray tv = model.textVectors(y);
        return new Query(y, mask, Arrays.copyOf(et.weights(), n), tv, tv.toFloatArray(), y.toFloatArray());
    }

    /** What the calibration reads: w1·s1 + w2·s2. */
    private double matchScore(double s1, double s2) {
        return config.weightS1 * s1 + config.weightS2 * s2;
    }

    /** The first k of the ranking as hits, each with its calibrated confidence and per-token best frames. */
    private List<SearchHit> topHits(int k, List<IndexedClip> cands, CascadeRanker.Ranking ranking, float[] s1,
            float[] s2, float[] s3, List<SearchResult.QueryToken> qtokens, float[] yHost) {
        SearchCalibration cal = calibration;
        List<SearchHit> hits = new ArrayList<>(k);
        for (int r = 0; r < k; r++) {
            int j = ranking.order()[r];
            IndexedClip ref = cands.get(j);
            boolean rescored = r < ranking.rescored();
            double score = rescored ? ranking.fullScores()[j] : ranking.stage1()[j];
            List<SearchHit.TokenMatch> tokens = tokenMatches(qtokens, yHost, ref);
            // the moment to watch: where the query's heaviest word matched best, else the clip's start
            double second = SearchHit.combine(tokens).stream()
                    .max(Comparator.comparingDouble(SearchHit.WordMatch::weight))
                    .map(SearchHit.WordMatch::bestSecond).orElse(ref.start());
            hits.add(new SearchHit(r + 1, ref.clipId(), ref.videoId(), ref.start(), ref.end(), ref.caption(),
                    s1[j], s2[j], rescored ? Double.valueOf(s3[j]) : null, score, rescored,
                    cal == null ? null : cal.confidence(matchScore(s1[j], s2[j])), tokens,
                    index.meta().videoUrl(ref.videoId(), ref.clipId(), second)));
        }
        return hits;
    }

    /** The candidates' frame vectors padded to the longest ([c, m, d]), their mask and their s1 vectors ([c, d]). */
    private record Candidates(NDArray frames, NDArray frameMask, float[] frameMaskHost, NDArray means) {
        static Candidates pack(List<IndexedClip> cands, int d, NDManager m) {
            int c = cands.size();
            int maxM = 1;
            for (IndexedClip r : cands) {
                maxM = Math.max(maxM, r.frames());
            }
            float[] xs = new float[c * maxM * d];
            float[] fm = new float[c * maxM];
            float[] means = new float[c * d];
            for (int j = 0; j < c; j++) {
                IndexedClip rec = cands.get(j);
                System.arraycopy(rec.x(), 0, xs, j * maxM * d, rec.frames() * d);
                Arrays.fill(fm, j * maxM, j * maxM + rec.frames(), 1f);
                System.arraycopy(rec.vector(), 0, means, j * d, d);
            }
            return new Candidates(m.create(xs, new Shape(c, maxM, d)), m.create(fm, new Shape(c, maxM)), fm,
                    m.create(means, new Shape(c, d)));
        }
    }

    private CascadeRanker ranker(Order order, int topR) {
        return switch (order) {
            case S1 -> new CascadeRanker(0, config.weightS1, 0, 0);
            case S1_S2 -> new CascadeRanker(0, config.weightS1, config.weightS2, config.weightS3);
            // s3 weighed 0 (a calibration's choice) re-orders nothing: R = 0 gives the same order, runs no fusion and
            // reports no hit as re-scored
            case CASCADE -> new CascadeRanker(config.weightS3 == 0 ? 0 : topR, config.weightS1, config.weightS2,
                    config.weightS3);
        };
    }

    /** s3 of exactly the candidates the ranker re-scores (NaN elsewhere), in batches of {@value #S3_CHUNK}. */
    private float[] s3(CascadeRanker ranker, float[] s1, float[] s2, NDArray y, NDArray mask, Candidates x) {
        // a first pass only records which candidates the ranker re-scores
        List<Integer> wanted = new ArrayList<>();
        ranker.rank(s1, s2, j -> {
            wanted.add(j);
            return 0;
        });
        float[] s3 = new float[s1.length];
        Arrays.fill(s3, Float.NaN);
        for (int from = 0; from < wanted.size(); from += S3_CHUNK) {
            int[] vi = wanted.subList(from, Math.min(wanted.size(), from + S3_CHUNK)).stream()
                    .mapToInt(Integer::intValue).toArray();
            float[] v = model.s3(y, mask, x.frames(), x.frameMask(), new int[vi.length], vi).toFloatArray();
            for (int p = 0; p < vi.length; p++) s3[vi[p]] = v[p];
        }
        return s3;
    }

    /**
     * The query's verdict. Two signals: the calibrated confidence of the best candidate, and the share
     * of the query's noun/verb weight on words no training caption contained. The second is needed for
     * a text encoder trained from scratch, which scores a foreign query as confidently as a real one
     * (docs/search.md).
     */
    private SearchResult.Match match(String query, double best, List<SearchResult.QueryToken> qtokens) {
        SearchCalibration cal = calibration;
        Idf idf = text.idf();
        List<String> unseen = new ArrayList<>();
        Boolean unknownWords = null;
        if (idf != null && !idf.isUniform() && !qtokens.isEmpty()) {
            double all = 0;
            double never = 0;
            for (SearchResult.QueryToken t : qtokens) {
                all += t.weight();
                if (idf.documentFrequency(t.word()) == 0) {
                    never += t.weight();
                    if (!unseen.contains(t.word())) {
                        unseen.add(t.word());
                    }
                }
            }
            unknownWords = all > 0 && never / all >= UNSEEN_SHARE;
        }
        Double conf = cal == null ? null : cal.confidence(best);
        Boolean flag = conf == null && unknownWords == null ? null
                : Boolean.TRUE.equals(unknownWords) || (conf != null && conf < SearchCalibration.NO_GOOD_MATCH);
        DidYouMean.Result words = DidYouMean.suggest(query, idf);
        return new SearchResult.Match(best, conf, flag, List.copyOf(unseen), words.suggestion(), words.mostlyUnknown());
    }

    /** Share of the query's noun/verb weight on words never seen in training above which nothing can match. */
    public static final double UNSEEN_SHARE = 0.5;

    private static List<SearchResult.QueryToken> queryTokens(EncodedText et, int n) {
        List<SearchResult.QueryToken> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (et.interest()[i]) {
                out.add(new SearchResult.QueryToken(i, et.pieces().get(i), word(et, i), et.tags().get(i),
                        et.weights()[i]));
            }
        }
        return out;
    }

    /** The whole word of piece i: its pieces joined without the "##" continuation marks. */
    private static String word(EncodedText et, int i) {
        int w = et.wordIds()[i];
        if (w < 0) return et.pieces().get(i);
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < et.length(); p++) {
            if (et.wordIds()[p] == w) {
                String piece = et.pieces().get(p);
                sb.append(piece.startsWith("##") ? piece.substring(2) : piece);
            }
        }
        return sb.toString();
    }

    /**
     * Per-frame similarities of each token of interest with one clip's frames, on the host. The
     * model only returns the max over frames (tokenScores); this is the same formula (L2-normalised
     * and divided by τ for cosine), kept per frame for the heat strip.
     */
    private List<SearchHit.TokenMatch> tokenMatches(List<SearchResult.QueryToken> tokens, float[] y, IndexedClip rec) {
        int d = config.hiddenSize;
        boolean cos = config.cosine();
        double scale = cos ? 1.0 / config.temperature : 1.0;
        int m = rec.frames();
        double[] frameNorm = new double[m];
        for (int k = 0; k < m; k++) {
            frameNorm[k] = cos ? norm(rec.x(), k * d, d) + 1e-12 : 1.0;
        }
        List<SearchHit.TokenMatch> out = new ArrayList<>(tokens.size());
        for (SearchResult.QueryToken t : tokens) {
            int off = t.position() * d;
            double tn = cos ? norm(y, off, d) + 1e-12 : 1.0;
            float[] per = new float[m];
            int best = 0;
            for (int k = 0; k < m; k++) {
                double dot = 0;
                for (int i = 0; i < d; i++) dot += (double) y[off + i] * rec.x()[k * d + i];
                per[k] = (float) (dot / (tn * frameNorm[k]) * scale);
                if (per[k] > per[best]) best = k;
            }
            out.add(new SearchHit.TokenMatch(t.piece(), t.word(), t.tag(), t.weight(), per[best], best,
                    rec.times()[best], rec.times(), per));
        }
        return out;
    }

    private static double norm(float[] a, int off, int d) {
        double s = 0;
        for (int i = 0; i < d; i++) s += (double) a[off + i] * a[off + i];
        return Math.sqrt(s);
    }
}
