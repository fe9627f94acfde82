package io.github.taco.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.util.IOUtils;

/**
 * The open frame files of one {@link VideoIndex}: the current one, which adds append to, and those a
 * compaction superseded while searches may still read them.
 *
 * <p>Every searcher carries the frame store its offsets belong to, and every clip ref names it, so a
 * search that started before a compaction keeps reading the old file at the old offsets (the old file is
 * never written again). A superseded store is closed (and, on POSIX, the deleted file's space freed)
 * when no hold is open any more; a search holds the index from its first look-up to its last read of
 * frame vectors.
 */
final class FrameFiles implements AutoCloseable {
    private final Path dir;
    private final int dim;
    private final boolean readOnly;
    private final Map<String, FrameStore> stores = new ConcurrentHashMap<>();
    /** Open holds; superseded stores close when it drops to 0. */
    private final AtomicInteger holds = new AtomicInteger();
    /** Frame files no longer current, to close once nothing holds the index. */
    private final Set<String> superseded = ConcurrentHashMap.newKeySet();
    /** The store add() appends to (writer), or of the newest searcher (read-only). */
    private volatile FrameStore current;

    FrameFiles(Path dir, int dim, boolean readOnly) {
        this.dir = dir;
        this.dim = dim;
        this.readOnly = readOnly;
    }

    /** The open store of a frame file of this index, opening it on first use. */
    synchronized FrameStore store(String name) throws IOException {
        FrameStore fs = stores.get(name);
        if (fs != null) {
            return fs;
        }
        if (FrameStore.generation(name) < 0) {
            throw new IOException(dir + ": the index commit names frame file '" + name
                    + "', which is not a frame-store name");
        }
        Path file = dir.resolve(name);
        fs = FrameStore.open(file, readOnly);
        if (fs.dim() != dim) {
            fs.close();
            throw new IOException(file + " has dimension " + fs.dim() + ", " + IndexMeta.FILE + " says " + dim);
        }
        stores.put(name, fs);
        return fs;
    }

    /** The store of {@code name} if it is open, else null. */
    FrameStore open(String name) {
        return stores.get(name);
    }

    FrameStore current() {
        return current;
    }

    /** Makes {@code fs} current; the one it replaces is closed once nothing holds the index. */
    void makeCurrent(FrameStore fs) {
        if (supersede(fs)) {
            closeSupersededIfUnheld();
        }
    }

    /**
     * Makes {@code fs} current and marks the one it replaces as superseded without closing it yet (a
     * compaction closes it after its searchers have moved on, with {@link #closeSupersededIfUnheld}).
     *
     * @return whether another store was current before
     */
    boolean supersede(FrameStore fs) {
        FrameStore before = current;
        stores.putIfAbsent(fs.name(), fs);
        current = fs;
        if (before != null && before != fs) {
            superseded.add(before.name());
            return true;
        }
        return false;
    }

    /** One more search that may read superseded files. */
    void hold() {
        holds.incrementAndGet();
    }

    /** A search is done: the last one out closes the superseded files. */
    void release() {
        if (holds.decrementAndGet() == 0) {
            closeSupersededIfUnheld();
        }
    }

    /** Frame files open now (the current one, and superseded ones still held). */
    int openCount() {
        return stores.size();
    }

    synchronized void closeSupersededIfUnheld() {
        if (holds.get() != 0) {
            return;
        }
        for (String name : List.copyOf(superseded)) {
            superseded.remove(name);
            FrameStore c = current;
            if (c != null && c.name().equals(name)) {
                continue;
            }
            FrameStore fs = stores.remove(name);
            if (fs != null) {
                try {
                    fs.close();
                } catch (IOException e) {
                    // a read-only mapping that fails to close leaks a handle, nothing else
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(stores.values());
    }
}
