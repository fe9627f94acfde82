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
        final double[] ring = new double[WINDOW];
        long written;

        synchronized void latency(double ms) {
            ring[(int) (written++ % WINDOW)] = ms;
        }

        synchronized double[] recent() {
            return Arrays.copyOf(ring, (int) Math.min(written, WINDOW));
        }
    }

    /** Records one finished request. */
    public void record(String endpoint, int status, double millis) {
        Endpoint e = endpoints.computeIfAbsent(endpoint, k -> new Endpoint());
        e.count.incrementAndGet();
        e.byStatus.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
        e.latency(millis);
    }

    /** Requests recorded for an endpoint so far. */
    public long count(String endpoint) {
        Endpoint e = endpoints.get(endpoint);
        return e == null ? 0 : e.count.get();
    }

    /** A JSON-ready snapshot: uptime, and per endpoint the counts by status and p50/p90/p99/max latency (ms). */
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
            double[] lat = e.recent();
            Arrays.sort(lat);
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("p50", percentile(lat, 0.50));
            p.put("p90", percentile(lat, 0.90));
            p.put("p99", percentile(lat, 0.99));
            p.put("max", lat.length == 0 ? 0 : lat[lat.length - 1]);
            m.put("latencyMs", p);
            m.put("latencyWindow", lat.length);
            eps.put(name, m);
        });
        out.put("endpoints", eps);
        return out;
    }

    /** Nearest-rank percentile of sorted values (0 when empty). */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
