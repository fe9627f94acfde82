package io.github.taco.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.ClipIndex;
import io.github.taco.index.SearchResult;
import io.github.taco.index.VideoIndex;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP JSON API and the search page over a {@link CascadeSearcher}:
 * <ul>
 *   <li>{@code GET /api/search?q=TEXT&k=10[&n=100&r=20&order=s1|s1+s2|cascade]} — ranked clips with s1, s2,
 *       s3, the final score, a confidence, and per token of interest its per-frame similarities (heat strip)
 *       and best second; {@code match} says whether the best clip is a good match;</li>
 *   <li>{@code GET /api/videos/{id}} — a clip by clip id, or all clips of a video by video id;</li>
 *   <li>{@code GET /api/health}, {@code GET /api/metrics} (counts, latency percentiles);</li>
 *   <li>{@code /} — the search page (static files under {@code resources/web}, no network resources).</li>
 * </ul>
 * Every error is JSON {@code {"error": "..."}}: bad parameters give 400 naming the parameter
 * (also a broken percent-encoding or an empty value), unknown ids and paths under {@code /api} 404,
 * a method other than GET on an endpoint 405 with {@code Allow: GET}, a Host header that is not one
 * of the server's names 403; the errors Jetty answers itself (414, 431, refused URIs) too
 * ({@link JsonErrorHandler}). Every answer carries {@code X-Content-Type-Options: nosniff}, the page
 * a Content-Security-Policy. Requests run concurrently: each search has its own NDManager
 * (see {@link CascadeSearcher}), the index readers are thread-safe.
 */
public final class SearchServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SearchServer.class);
    /** Largest k a client may ask for. */
    public static final int MAX_K = 100;
    /** Largest N (HNSW candidates) a client may ask for. */
    public static final int MAX_N = 1000;
    /** Largest R (fusion re-scores) a client may ask for: each one is a fusion forward pass. */
    public static final int MAX_R = 200;
    private static final long REFRESH_MILLIS = 2000;

    static final String NOSNIFF_HEADER = "X-Content-Type-Options";
    /** The page loads its own script and style sheet only, and talks to this server only. */
    static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    /** Host names always served: the loopback ones. */
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
    /** The API's endpoints (GET only; other methods get 405 with Allow). */
    private static final List<String> ENDPOINTS = List.of("/api/search", "/api/videos/{id}", "/api/clips/{id}",
            "/api/health", "/api/metrics");

    /**
     * Server-side defaults for N and R when the client does not give them, and the host names
     * (besides the loopback ones and the address the server listens on) that a request's Host
     * header may carry: any other is refused, so that a web page elsewhere cannot reach this API
     * through DNS rebinding.
     */
    public record Options(int defaultTopN, int defaultTopR, int efSearch, List<String> allowedHosts,
            boolean logQueries) {
        public Options(int defaultTopN, int defaultTopR, int efSearch) {
            this(defaultTopN, defaultTopR, efSearch, List.of(), false);
        }

        public Options(int defaultTopN, int defaultTopR, int efSearch, List<String> allowedHosts) {
            this(defaultTopN, defaultTopR, efSearch, allowedHosts, false);
        }

        public static Options defaults() {
            return new Options(CascadeSearcher.DEFAULT_TOP_N, CascadeSearcher.DEFAULT_TOP_R,
                    CascadeSearcher.DEFAULT_TOP_N);
        }
    }

    private final CascadeSearcher searcher;
    private final ClipIndex index;
    private final Options options;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Map<String, Object> info;
    private volatile long lastRefresh = System.currentTimeMillis();
    private Javalin app;

    public SearchServer(CascadeSearcher searcher, Options options) {
        this.searcher = searcher;
        this.index = searcher.index();
        this.options = options;
        this.info = new LinkedHashMap<>();
        // names and hashes, not absolute paths: the health endpoint should not tell a caller where the files live
        info.put("index", index instanceof VideoIndex v ? String.valueOf(v.dir().getFileName()) : index.location());
        info.put("checkpoint", index.meta().checkpointPath == null ? null
                : String.valueOf(Path.of(index.meta().checkpointPath).getFileName()));
        info.put("checkpointSha256", index.meta().checkpointSha256);
        info.put("dim", index.meta().dim);
        info.put("similarity", index.meta().similarity);
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** Starts listening; {@code port} 0 picks a free port (see {@link #port()}). */
    public SearchServer start(String host, int port) {
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/web";
                sf.location = Location.CLASSPATH;
            });
            config.requestLogger.http((ctx, ms) -> {
                metrics.record(endpointName(ctx), ctx.statusCode(), ms);
                ACCESS.info(accessLine(Instant.now(), ctx.method().name(), ctx.path(),
                        options.logQueries() ? ctx.queryString() : null, ctx.statusCode(), ms));
            });
            JsonErrorHandler errors = new JsonErrorHandler();
            config.jetty.modifyServer(server -> server.setErrorHandler(errors));
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(errors));
        });
        Set<String> hosts = allowedHosts(host);
        app.before(ctx -> {
            ctx.header(NOSNIFF_HEADER, "nosniff");
            checkHost(ctx, hosts);
            if (!ctx.path().startsWith("/api/")) {
                ctx.header("Content-Security-Policy", PAGE_POLICY);
            } else {
                checkQueryEncoding(ctx);
            }
        });
        app.get("/api/search", this::search);
        app.get("/api/videos/{id}", this::video);
        app.get("/api/clips/{id}", this::clip);
        app.get("/api/health", this::health);
        app.get("/api/metrics", ctx -> ctx.json(metrics.snapshot()));
        for (String path : ENDPOINTS) {
            // HEAD too: Javalin would answer it for a GET route with 200 and an empty text/plain body
            for (HandlerType method : List.of(HandlerType.POST, HandlerType.PUT, HandlerType.DELETE, HandlerType.PATCH,
                    HandlerType.HEAD, HandlerType.OPTIONS, HandlerType.TRACE)) {
                app.addHttpHandler(method, path, ctx -> ctx.status(405).header("Allow", "GET")
                        .json(Map.of("error",
                                "method " + ctx.method() + " is not allowed on " + ctx.path() + "; use GET")));
            }
        }
        app.exception(Forbidden.class, (e, ctx) -> ctx.status(403).json(Map.of("error", e.getMessage())));
        app.exception(BadRequest.class, (e, ctx) -> ctx.status(400).json(Map.of("error", e.getMessage())));
        // The index could not be read (a SolrCloud collection whose nodes are down, a folder on a failed
        // disk): the request was fine, the service is not; a client may retry later.
        app.exception(IOException.class, (e, ctx) -> unavailable(ctx, e));
        app.exception(UncheckedIOException.class, (e, ctx) -> unavailable(ctx, e.getCause()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("request {} failed", ctx.fullUrl(), e);
            ctx.status(500).json(Map.of("error", "internal error: " + e));
        });
        app.error(404, ctx -> {
            String type = ctx.res().getContentType();
            if (type == null || !type.contains("json")) { // not our own 404 JSON
                ctx.json(Map.of("error", ctx.path().startsWith("/api/") ? "no such endpoint: " + ctx.path()
                        : "no such page: " + ctx.path() + " (the search page is /, the API under /api/)"));
            }
        });
        app.start(host, port);
        LOG.info("taco serve listening on http://{}:{}/", host, port());
        return this;
    }

    /** The access log: one line per request, its own logger so that it can be routed or silenced apart. */
    private static final Logger ACCESS = LoggerFactory.getLogger("taco.access");

    /**
     * One request as one line of {@code key=value} fields: time, method, path, the query string only when
     * the operator asked for it ({@code --log-queries}: queries are what users typed), status, latency.
     */
    static String accessLine(Instant time, String method, String path, String query, int status, float millis) {
        StringBuilder b = new StringBuilder("time=").append(time).append(" method=").append(method).append(" path=")
                .append(quoted(path));
        if (query != null && !query.isEmpty()) {
            b.append(" query=").append(quoted(query));
        }
        return b.append(" status=").append(status).append(String.format(Locale.ROOT, " ms=%.1f", millis)).toString();
    }

    /** As is when it has no space, quote or control character; else in double quotes with those escaped. */
    private static String quoted(String v) {
        if (v.chars().noneMatch(c -> c == ' ' || c == '"' || c == '\\' || Character.isISOControl(c))) {
            return v;
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    public int port() {
        return app.port();
    }

    private Set<String> allowedHosts(String bindHost) {
        Set<String> hosts = new HashSet<>(LOOPBACK_NAMES);
        if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
            hosts.add(bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost);
        }
        options.allowedHosts().forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
        return hosts;
    }

    /** Refuses a Host header that names none of this server's names (DNS rebinding). */
    private static void checkHost(Context ctx, Set<String> allowed) {
        String header = ctx.header("Host");
        if (header == null || header.isBlank()) {
            throw new Forbidden("the Host header is missing");
        }
        String name = header.strip().toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf(']')) { // a port, not the colons of an IPv6 address
            name = name.substring(0, colon);
        }
        if (!allowed.contains(name)) {
            throw new Forbidden("Host '" + header.strip() + "' is not served here (allowed: " + new TreeSet<>(allowed)
                    + "; add a name with taco serve --allow-host)");
        }
    }

    /** A parameter whose percent-encoding is broken is named, instead of reading as absent. */
    private static void checkQueryEncoding(Context ctx) {
        String raw = ctx.queryString();
        if (raw == null) {
            return;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                name = URLDecoder.decode(name, StandardCharsets.UTF_8);
                URLDecoder.decode(value, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new BadRequest("parameter '" + name + "' is not valid percent-encoding: '" + value + "' ("
                        + e.getMessage() + ")");
            }
        }
    }

    private static String endpointName(Context ctx) {
        String p;
        try {
            p = ctx.endpointHandlerPath();
        } catch (IllegalStateException e) { // no endpoint matched (404) or static file
            p = null;
        }
        return p == null || p.isEmpty() || p.equals("*") ? (ctx.path().startsWith("/api/") ? "other-api" : "static")
                : p;
    }

    private void search(Context ctx) throws IOException {
        String q = ctx.queryParam("q");
        if (q == null) {
            throw new BadRequest("parameter 'q' is required (the text to search for)");
        }
        q = q.strip();
        for (int i = 0; i < q.length(); i++) {
            if (Character.isISOControl(q.charAt(i))) {
                throw new BadRequest("parameter 'q' holds a control character (U+"
                        + String.format(Locale.ROOT, "%04X", (int) q.charAt(i)) + ") at position " + i
                        + ": give the words to search for");
            }
        }
        if (q.isEmpty() || q.length() > CascadeSearcher.MAX_QUERY_CHARS) {
            throw new BadRequest("parameter 'q' must have 1 to " + CascadeSearcher.MAX_QUERY_CHARS
                    + " characters after trimming, got " + q.length());
        }
        int k = intParam(ctx, "k", 10, 1, MAX_K);
        int n = intParam(ctx, "n", Math.max(k, options.defaultTopN()), 1, MAX_N);
        int r = intParam(ctx, "r", options.defaultTopR(), 0, MAX_R);
        if (n < k) {
            throw new BadRequest("parameter 'n' (" + n + ") must be at least 'k' (" + k + ")");
        }
        CascadeSearcher.Order order = null;
        String orderParam = ctx.queryParam("order");
        if (orderParam != null) {
            try {
                order = CascadeSearcher.Order.parse(orderParam);
            } catch (IllegalArgumentException e) {
                throw new BadRequest("parameter 'order' must be s1, s1+s2 or cascade, got '" + orderParam + "'");
            }
        }
        int offset = intParam(ctx, "offset", 0, 0, MAX_N - 1);
        String group = ctx.queryParam("group");
        if (group != null && !group.equals("video")) {
            throw new BadRequest("parameter 'group' must be 'video' (the best clip per video), got '" + group + "'");
        }
        if (group == null && offset + k > n) {
            if (offset + k > MAX_N) {
                throw new BadRequest("parameter 'offset' + 'k' (" + (offset + k) + ") must be at most " + MAX_N);
            }
            n = offset + k; // the page asked for must be among the candidates
        }
        maybeRefresh();
        // grouped, every candidate is ranked so that each video's best clip and its others are known
        int ranked = group == null ? offset + k : n;
        SearchResult res = searcher.search(q,
                new CascadeSearcher.Options(ranked, n, r, Math.max(n, options.efSearch()), order));
        ctx.json(page(res, k, offset, group != null));
    }

    /**
     * One page of the ranking: hits {@code offset .. offset + k} (ranks stay those of the whole ranking), or with
     * {@code byVideo} the best clip of each video, its other ranked clips listed in {@code otherClips}, videos
     * {@code offset .. offset + k}. {@code nextOffset} is the offset of the next page, null after the last.
     */
    /** One mapper for every answer: building one per request costs its introspection caches each time. */
    private static final ObjectMapper PAGE_JSON = new ObjectMapper();

    static ObjectNode page(SearchResult res, int k, int offset, boolean byVideo) {
        ObjectNode out = PAGE_JSON.valueToTree(res);
        ArrayNode all = (ArrayNode) out.get("hits");
        List<JsonNode> items = new ArrayList<>();
        if (byVideo) {
            Map<String, ObjectNode> best = new LinkedHashMap<>();
            for (JsonNode h : all) {
                ObjectNode first = best.get(h.get("videoId").asText());
                if (first == null) {
                    ObjectNode copy = ((ObjectNode) h).deepCopy();
                    copy.putArray("otherClips");
                    best.put(h.get("videoId").asText(), copy);
                } else {
                    ((ArrayNode) first.get("otherClips")).addObject()
                            .put("clipId", h.get("clipId").asText()).put("rank", h.get("rank").asInt())
                            .put("start", h.get("start").asDouble()).put("end", h.get("end").asDouble())
                            .put("caption", h.get("caption").asText());
                }
            }
            items.addAll(best.values());
        } else {
            all.forEach(items::add);
        }
        ArrayNode hits = out.putArray("hits");
        items.stream().skip(offset).limit(k).forEach(hits::add);
        out.put("offset", offset);
        if (byVideo) {
            out.put("group", "video");
        }
        // more may follow when this page is full (a plain ranking can always be asked further, up to n)
        if (offset + k < items.size() || !byVideo && hits.size() == k) {
            out.put("nextOffset", offset + k);
        } else {
            out.putNull("nextOffset");
        }
        return out;
    }

    private void video(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        maybeRefresh();
        List<? extends ClipIndex.Clip> clips = index.clip(id).<List<? extends ClipIndex.Clip>>map(List::of)
                .orElseGet(() -> {
                    try {
                        return index.clipsOfVideo(id);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        if (clips.isEmpty()) {
            ctx.status(404).json(Map.of("error", "no clip or video with id '" + id + "'"));
            return;
        }
        ctx.json(Map.of("id", id, "clips", describe(clips)));
    }

    /**
     * One clip by its id, {@code VIDEO#N}. A browser or curl never sends what follows an unescaped {@code #} (a URL's
     * fragment), so {@code /api/clips/VIDEO#2} arrives as {@code /api/clips/VIDEO}: answered with 404 saying to
     * write {@code %23}, never with the whole video.
     */
    private void clip(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        maybeRefresh();
        Optional<? extends ClipIndex.Clip> c = index.clip(id);
        if (c.isPresent()) {
            ctx.json(describe(List.of(c.get())).get(0));
            return;
        }
        boolean video = !id.contains("#") && !index.clipsOfVideo(id).isEmpty();
        ctx.status(404).json(Map.of("error", video
                ? "'" + id
                        + "' is a video, not a clip: a clip id is VIDEO#N, with the # written %23 in a URL (/api/clips/"
                        + id + "%230); /api/videos/" + id + " lists the video's clips"
                : "no clip with id '" + id + "' (a clip id is VIDEO#N, with the # written %23 in a URL)"));
    }

    private static List<Map<String, Object>> describe(List<? extends ClipIndex.Clip> clips) {
        return clips.stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("clipId", c.clipId());
            m.put("videoId", c.videoId());
            m.put("start", c.start());
            m.put("end", c.end());
            m.put("caption", c.caption());
            m.put("frames", c.frames());
            return m;
        }).toList();
    }

    private void health(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            int clips = index.size();
            m.put("status", "ok");
            m.put("clips", clips);
        } catch (IOException | RuntimeException e) {
            ctx.status(503);
            m.put("status", "unavailable");
            m.put("error", String.valueOf(e.getMessage()));
        }
        m.putAll(info);
        ctx.json(m);
    }

    private static void unavailable(Context ctx, Throwable e) {
        LOG.warn("request {}: the index is unavailable: {}", ctx.fullUrl(), e.getMessage());
        ctx.status(503).header("Retry-After", "10")
                .json(Map.of("error", "the index is unavailable: " + e.getMessage()));
    }

    private void maybeRefresh() throws IOException {
        long now = System.currentTimeMillis();
        if (now - lastRefresh > REFRESH_MILLIS) {
            lastRefresh = now;
            index.refresh(); // see clips another process added or deleted
        }
    }

    private static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return dflt;
        }
        if (v.isBlank()) {
            throw new BadRequest("parameter '" + name + "' is empty: give an integer from " + min + " to " + max
                    + ", or leave it out for " + dflt);
        }
        int x;
        try {
            x = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new BadRequest("parameter '" + name + "' must be an integer, got '" + v + "'");
        }
        if (x < min || x > max) {
            throw new BadRequest("parameter '" + name + "' must be between " + min + " and " + max + ", got " + x);
        }
        return x;
    }

    /** A request this server refuses to serve: becomes a 403 with the message. */
    static final class Forbidden extends RuntimeException {
        Forbidden(String message) {
            super(message);
        }
    }

    /** A client error: becomes a 400 with the message. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }
}
