package io.github.taco.index;

import io.github.taco.index.VideoIndex.ClipRef;
import io.github.taco.index.VideoIndex.CompactionReport;
import io.github.taco.index.VideoIndex.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.index.Term;
import org.apache.lucene.util.IOUtils;

/**
 * Compaction of a {@link VideoIndex}'s frame file: the records of replaced or deleted clips stay in the append-only
 * frame file until this copies every live clip's record into a new one ({@code frames-<generation>.bin}) and moves
 * the clips' offsets there with doc-values updates (no re-indexing: the HNSW graph is kept). The index calls it
 * under its mutation lock.
 */
final class Compactor {
    /**
     * Called at named points of {@link #compact} ("before-commit", "after-commit"); a no-op unless a test in this
     * package installs one. It stays in the production path because compaction's crash safety (an orphan file after a
     * crash before the commit, a superseded one after it) can only be tested by failing at exactly those points.
     */
    interface Hook {
        void at(String phase) throws IOException;
    }

    private final VideoIndex index;
    private volatile Hook hook = phase -> {};

    Compactor(VideoIndex index) {
        this.index = index;
    }

    void hook(Hook hook) {
        this.hook = hook;
    }

    /**
     * Does nothing when the frame file has no dead space. Otherwise writes the new frame file and syncs it before the
     * commit that names it, so a crash at any point leaves either the old or the new index, both consistent; a file
     * the commit does not name is deleted at the next writable open. On a failure the writer is rolled back (closed).
     * Searches may run meanwhile: they read the frame file of the snapshot they started on.
     */
    CompactionReport compact() throws IOException {
        long t0 = System.nanoTime();
        FrameStore old = index.frames.current();
        Stats stats = index.stats();
        if (stats.deadFrameBytes() == 0) { // rewriting the same bytes would only cost time and disk
            return new CompactionReport(stats.clips(), old.size(), old.size(), (System.nanoTime() - t0) / 1e9,
                    old.name(), false);
        }
        // The writer's searcher is the last commit: every mutation commits and refreshes under the index's lock.
        List<ClipRef> live = new ArrayList<>(index.clips());
        live.sort(Comparator.comparingLong(ClipRef::offset)); // sequential reads of the old file
        String name = FrameStore.fileName(FrameStore.generation(old.name()) + 1);
        Path file = index.dir.resolve(name);
        Files.deleteIfExists(file); // an orphan of an interrupted compaction: no commit names it
        FrameStore fresh = FrameStore.create(file, index.meta.dim, old.encoding());
        boolean committing = false;
        try {
            for (ClipRef c : live) {
                long at = fresh.copyFrom(old, c.offset(), c.frames());
                index.writer.updateNumericDocValue(new Term(VideoIndex.F_CLIP, c.clipId()), VideoIndex.F_OFFSET_DV,
                        at);
            }
            fresh.sync();
            IOUtils.fsync(index.dir, true); // the new file's directory entry too, before a commit names it
            hook.at("before-commit");
            committing = true;
            index.commit(name);
        } catch (IOException | RuntimeException e) {
            index.writer.rollback(); // drops the offset updates
            fresh.close();
            if (!committing) {
                // no commit can name it; after a failed commit, the next writable open decides
                Files.deleteIfExists(file);
            }
            throw e;
        }
        index.frames.supersede(fresh); // the old store is closed once the searches that may still read it are done
        index.searchers.maybeRefreshBlocking();
        CompactionReport report = new CompactionReport(live.size(), old.size(), fresh.size(),
                (System.nanoTime() - t0) / 1e9, name, true);
        hook.at("after-commit");
        VideoIndex.deleteQuietly(index.dir.resolve(old.name())); // still open for searches using it (VideoIndex.hold)
        index.frames.closeSupersededIfUnheld();
        return report;
    }
}
