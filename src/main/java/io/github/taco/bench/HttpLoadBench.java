package io.github.taco.bench;

import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.FrameStore;
import io.github.taco.index.VideoIndex;
import io.github.taco.model.Checkpoint;
import io.github.taco.serve.SearchServer;
import io.github.taco.serve.ServerMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** A bounded HTTP load test of {@code /api/search} on loopback. A benchmark, not a test. */
public final class HttpLoadBench {
    private HttpLoadBench() {}

    /** Requests, errors and latency of a bounded load test. */
    public record Result(String label, int clients, int seconds, int requests, int errors, double p50Millis,
            double p99Millis, double maxMillis) {
        public String line() {
            return String.format(Locale.ROOT,
                    "http %s, %d clients x %d s on loopback (k=10): %d requests, %d errors, %.1f req/s, latency p50 "
                            + "%.1f ms p99 %.1f ms max %.1f ms%n",
                    label, clients, seconds, requests, errors, requests / (double) seconds, p50Millis, p99Millis,
                    maxMillis);
        }
    }

    /** Serves the n-clip cascade index on 127.0.0.1 and runs {@code clients} HTTP clients for {@code seconds}. */
    public static Result http(int n, int clients, int seconds, Path work) throws Exception {
        CascadeSearchBench.cascade(n, 20, 100, 20, work, FrameStore.Encoding.FLOAT16); // builds the index if missing
        Path dir = work.resolve("cascade-" + n + "-float16");
        try (Checkpoint ck = Checkpoint.open(work.resolve("ckpt")); VideoIndex index = VideoIndex.open(dir, true);
                SearchServer server = new SearchServer(new CascadeSearcher(index, ck), SearchServer.Options.defaults())
                        .start("127.0.0.1", 0)) {
            return load("http://127.0.0.1:" + server.port(), clients, seconds,
                    String.format(Locale.ROOT, "in-process server, n=%,d clips", n));
        }
    }

    /**
     * {@code clients} threads send {@code GET /api/search?k=10&q=...} to {@code baseUrl} for
     * {@code seconds}; prints requests, errors (non-200 or I/O), throughput and latency percentiles.
     */
    public static Result load(String baseUrl, int clients, int seconds, String label) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = baseUrl.replaceAll("/+$", "") + "/api/search?k=10&q=";
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Double>>> fs = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        for (int c = 0; c < clients; c++) {
            final int client = c;
            fs.add(pool.submit(() -> {
                List<Double> lat = new ArrayList<>();
                for (int i = 0; System.nanoTime() < end; i++) {
                    String q = URLEncoder.encode(
                            CascadeSearchBench.QUERIES[(client * 7 + i) % CascadeSearchBench.QUERIES.length],
                            StandardCharsets.UTF_8);
                    long a = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + q)).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) errors.incrementAndGet();
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                    lat.add((System.nanoTime() - a) / 1e6);
                }
                return lat;
            }));
        }
        List<Double> all = new ArrayList<>();
        for (Future<List<Double>> f : fs) all.addAll(f.get());
        pool.shutdown();
        double[] lat = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(label, clients, seconds, lat.length, errors.get(), ServerMetrics.percentile(lat, 0.5),
                ServerMetrics.percentile(lat, 0.99), lat.length == 0 ? 0 : lat[lat.length - 1]);
    }
}
