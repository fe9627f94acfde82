package io.github.taco.index;

import io.github.taco.data.Clip;
import io.github.taco.features.FeatureStore;
import io.github.taco.model.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds or extends an index from clips: embeds them in batches with a checkpoint's video encoder
 * and commits every {@code commitEvery} clips, so an interrupted run keeps what it committed and
 * a re-run replaces clips by id instead of duplicating them.
 */
public final class Indexer {

    /** Build settings. */
    /** @param videoUrl a new index's link template ({@link IndexMeta#videoUrl}), or null: none */
    public record Options(int batchSize, int commitEvery, FrameStore.Encoding encoding, int hnswMaxConn,
            int hnswBeamWidth, String videoUrl) {
        public Options {
            if (batchSize < 1 || commitEvery < 1) {
                throw new IllegalArgumentException("batchSize and commitEvery must be >= 1");
            }
            videoUrl = IndexMeta.checkVideoUrl(videoUrl);
        }

        public Options(int batchSize, int commitEvery, FrameStore.Encoding encoding, int hnswMaxConn,
                int hnswBeamWidth) {
            this(batchSize, commitEvery, encoding, hnswMaxConn, hnswBeamWidth, null);
        }

        public static Options defaults() {
            return new Options(32, 2048, FrameStore.Encoding.FLOAT16, 16, 100);
        }
    }

    /** Progress after each committed chunk. */
    public record Progress(int done, int total, double seconds) {}

    /**
     * What a build did: {@code clipsAdded} clips were new, {@code clipsReplaced} replaced clips of the
     * same id (their old frame records are now dead space, {@code deadBytesAdded} of it; compaction
     * reclaims it).
     */
    public record Report(int clipsAdded, int clipsReplaced, int indexSize, double seconds, VideoIndex.Stats stats,
            long deadBytesAdded, long segmentFixups) {
        /** Clips written, new or replacing. */
        public int clipsWritten() {
            return clipsAdded + clipsReplaced;
        }
    }

    private Indexer() {}

    /** What {@link #add} did to an index of either backend. */
    public record Added(int clipsAdded, int clipsReplaced, double seconds, long segmentFixups) {}

    /**
     * Opens the index in {@code dir} for writing (checking that it was built with this checkpoint),
     * or creates it, then adds every clip.
     */
    public static Report build(Path dir, Checkpoint checkpoint, FeatureStore features, Path featuresPath,
            List<Clip> clips, Options o, Consumer<Progress> progress) throws IOException {
        try (VideoIndex index = openOrCreate(dir, checkpoint, features, featuresPath, o)) {
            long deadBefore = index.stats().deadFrameBytes();
            Added a = add(index, checkpoint, features, clips, o, progress);
            VideoIndex.Stats stats = index.stats();
            return new Report(a.clipsAdded(), a.clipsReplaced(), index.size(), a.seconds(), stats,
                    stats.deadFrameBytes() - deadBefore, a.segmentFixups());
        }
    }

    /**
     * Embeds clips in batches with the checkpoint's video encoder and adds them to {@code index}
     * (local or SolrCloud), committing every {@code commitEvery} clips. Clips already indexed are
     * replaced by id; how many were is read off the index's size before and after each commit.
     */
    public static Added add(ClipIndex index, Checkpoint checkpoint, FeatureStore features, List<Clip> clips, Options o,
            Consumer<Progress> progress) throws IOException {
        long t0 = System.nanoTime();
        ClipEmbedder embedder = new ClipEmbedder(checkpoint.model(), features);
        List<IndexedClip> pending = new ArrayList<>();
        int done = 0;
        int replaced = 0;
        for (int from = 0; from < clips.size(); from += o.batchSize()) {
            pending.addAll(embedder.embed(clips.subList(from, Math.min(clips.size(), from + o.batchSize()))));
            if (pending.size() >= o.commitEvery() || from + o.batchSize() >= clips.size()) {
                int before = index.size();
                index.add(pending);
                replaced += pending.size() - (index.size() - before);
                done += pending.size();
                pending.clear();
                if (progress != null) progress.accept(new Progress(done, clips.size(), (System.nanoTime() - t0) / 1e9));
            }
        }
        return new Added(done - replaced, replaced, (System.nanoTime() - t0) / 1e9, embedder.fixups().total());
    }

    /** Throws unless {@code index} was built with this checkpoint and these features' frame rate. */
    public static void checkBelongs(ClipIndex index, Checkpoint checkpoint, FeatureStore features) throws IOException {
        index.meta().verify(checkpoint.dir(), checkpoint.config());
        if (index.meta().fps != features.fps()) {
            throw new IllegalArgumentException("the index was built at " + index.meta().fps
                    + " feature rows/s, these features are read at " + features.fps());
        }
    }

    /** The meta of a new index of this checkpoint's vectors. */
    public static IndexMeta newMeta(Checkpoint checkpoint, FeatureStore features, Path featuresPath, Options o)
            throws IOException {
        IndexMeta meta = IndexMeta.forCheckpoint(checkpoint.dir(), checkpoint.config());
        meta.fps = features.fps();
        meta.featuresPath = featuresPath == null ? null : featuresPath.toAbsolutePath().toString();
        meta.frameEncoding = o.encoding();
        meta.hnswMaxConn = o.hnswMaxConn();
        meta.hnswBeamWidth = o.hnswBeamWidth();
        meta.videoUrl = o.videoUrl();
        return meta;
    }

    static VideoIndex openOrCreate(Path dir, Checkpoint checkpoint, FeatureStore features, Path featuresPath, Options o)
            throws IOException {
        if (Files.exists(dir.resolve(IndexMeta.FILE))) {
            VideoIndex index = VideoIndex.open(dir, false);
            try {
                checkBelongs(index, checkpoint, features);
            } catch (RuntimeException e) {
                index.close();
                throw e;
            }
            return index;
        }
        return VideoIndex.create(dir, newMeta(checkpoint, features, featuresPath, o));
    }
}
