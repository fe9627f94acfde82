package io.github.taco.serve;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request counts and latency percentiles per endpoint, for {@code GET /api/metrics}. Latencies
 * are kept in a ring of the last {@value #WINDOW} requests per endpoint (a few lines here instead
 * of a metrics library for two numbers), so percentiles describe recent traffic.
 */
public final class ServerMetrics {
    static final int WINDOW = 4096;
    private final long startedAt = System.currentTimeMillis();
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    private static final class Endpoint {
        final AtomicLong count = new AtomicLong();
        final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
        final Ring answered = new Ring();
        final Ring refused = new Ring();
    }

    private static final class Ring {
        final double[] values = new double[WINDOW];
        long written;

        synchronized void add(double ms) {
            values[(int) (written++ % WINDOW)] = ms;
        }

        synchronized double[] recent() {
            return Arrays.copyOf(values, (int) Math.min(written, WINDOW));
        }
    }

    /**
     * Records one finished request. Its latency goes to the answered requests (status below 400) or
     * to the refused ones: a 400 for a bad parameter takes microseconds and must not pull down a
     * search's percentiles.
     */
    public void record(String endpoint, int status, double millis) {
        Endpoint e = endpoints.computeIfAbsent(endpoint, k -> new Endpoint());
        e.count.incrementAndGet();
        e.byStatus.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
        (status < 400 ? e.answered : e.refused).add(millis);
    }

    /** Requests recorded for an endpoint so far. */
    public long count(String endpoint) {
        Endpoint e = endpoints.get(endpoint);
        return e == null ? 0 : e.count.get();
    }

    /**
     * A JSON-ready snapshot: uptime, and per endpoint the counts by status, p50/p90/p99/max latency (ms)
     * of the answered requests ({@code latencyMs}) and, if any, of the refused ones ({@code errorLatencyMs}).
     */
    public Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uptimeSeconds", (System.currentTimeMillis() - startedAt) / 1000.0);
        Map<String, Object> eps = new TreeMap<>();
        endpoints.forEach((name, e) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requests", e.count.get());
            Map<String, Long> st = new TreeMap<>();
            e.byStatus.forEach((s, c) -> st.put(Integer.toString(s), c.get()));
            m.put("byStatus", st);
            double[] lat = e.answered.recent();
            m.put("latencyMs", percentiles(lat));
            m.put("latencyWindow", lat.length);
            double[] err = e.refused.recent();
            if (err.length > 0) {
                m.put("errorLatencyMs", percentiles(err));
            }
            eps.put(name, m);
        });
        out.put("endpoints", eps);
        return out;
    }

    /** p50, p90, p99 and max (ms) of latencies. */
    private static Map<String, Double> percentiles(double[] values) {
        double[] lat = values.clone();
        Arrays.sort(lat);
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("p50", percentile(lat, 0.50));
        p.put("p90", percentile(lat, 0.90));
        p.put("p99", percentile(lat, 0.99));
        p.put("max", lat.length == 0 ? 0 : lat[lat.length - 1]);
        return p;
    }

    /**
     * Nearest-rank percentile of sorted values (0 when empty): the one definition the server and the benchmarks use.
     */
    public static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
