package io.github.taco.features;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A least-recently-used cache in front of any store, bounded by bytes of feature data rather than
 * by entries (videos differ a lot in length). A video larger than the whole budget is not cached.
 * Thread-safe; two threads missing on the same video may both load it (harmless, rare).
 */
public final class CachedFeatureStore implements FeatureStore {
    private final FeatureStore inner;
    private final long maxBytes;
    private final LinkedHashMap<String, VideoFeatures> lru = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;

    /** @param maxBytes memory budget for cached features, e.g. 2L &lt;&lt; 30 for 2 GiB */
    public CachedFeatureStore(FeatureStore inner, long maxBytes) {
        this.inner = inner;
        this.maxBytes = maxBytes;
    }

    @Override
    public VideoFeatures load(String videoId) throws IOException {
        synchronized (this) {
            VideoFeatures f = lru.get(videoId);
            if (f != null) {
                hits++;
                return f;
            }
            misses++;
        }
        VideoFeatures f = inner.load(videoId);
        synchronized (this) {
            if (f.bytes() <= maxBytes && !lru.containsKey(videoId)) {
                lru.put(videoId, f);
                bytes += f.bytes();
                Iterator<Map.Entry<String, VideoFeatures>> it = lru.entrySet().iterator();
                while (bytes > maxBytes && it.hasNext()) {
                    bytes -= it.next().getValue().bytes();
                    it.remove();
                }
            }
        }
        return f;
    }

    public synchronized long cachedBytes() {
        return bytes;
    }

    public synchronized int cachedVideos() {
        return lru.size();
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }

    @Override
    public boolean contains(String videoId) {
        synchronized (this) {
            if (lru.containsKey(videoId)) {
                return true;
            }
        }
        return inner.contains(videoId);
    }

    @Override
    public int dim() throws IOException {
        return inner.dim();
    }

    @Override
    public double fps() {
        return inner.fps();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }

    @Override
    public String toString() {
        return inner.toString(); // what the user named: the cache is an internal detail
    }
}
