package io.github.taco.index;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where the cascade's clips live: their s1 vectors in an HNSW graph, their frame vectors beside
 * them. Two backends: {@link VideoIndex}, a Lucene folder on this machine, and
 * {@link io.github.taco.index.solr.SolrClipIndex}, a SolrCloud collection (shards for size,
 * replicas for queries). {@link CascadeSearcher} runs the same cascade over either: the first stage
 * (top N by s1) is the backend's k-nearest-neighbour query, s2 and s3 are computed here from the
 * frame vectors it returns.
 */
public interface ClipIndex extends Closeable {

    /** A clip's metadata (what a result page shows about it). */
    interface Clip {
        String clipId();

        String videoId();

        double start();

        double end();

        String caption();

        int frames();
    }

    /** How the index was built: checkpoint hash, vector space, frame encoding. */
    IndexMeta meta();

    /** Where it is, for people: a folder, or a collection and its cluster. */
    String location();

    /** Live clips. */
    int size() throws IOException;

    /**
     * The first stage of the cascade: the {@code n} clips whose s1 vectors score highest against
     * {@code query} (the text's s1 vector), with their stored vectors. When {@code n} covers the
     * index, every clip is returned (exact). HNSW explores at least {@code efSearch} candidates
     * where the backend lets the caller set it.
     */
    List<IndexedClip> candidates(float[] query, int n, int efSearch) throws IOException;

    /** The clip with this id, if indexed. */
    Optional<? extends Clip> clip(String clipId) throws IOException;

    /** The clips of a video, by start time. */
    List<? extends Clip> clipsOfVideo(String videoId) throws IOException;

    /**
     * Adds clips, replacing those whose id is indexed, and commits: all become visible, or on failure none (local) or
     * an error says what is missing (Solr).
     */
    void add(Collection<IndexedClip> clips) throws IOException;

    /** Deletes every clip of these videos and commits; returns how many clips went. */
    int deleteVideos(Collection<String> videoIds) throws IOException;

    /** Deletes clips by id and commits; returns how many went. */
    int deleteClips(Collection<String> clipIds) throws IOException;

    /** Makes changes committed by other processes visible (a no-op where the backend does it itself). */
    void refresh() throws IOException;

    /**
     * A random sample of up to {@code n} clips that have a caption, the same for the same seed and
     * contents: the known-item queries of the calibration and of the known-item benchmark.
     */
    List<? extends Clip> sample(int n, long seed) throws IOException;

    /** The search calibration stored with the index, if one was measured (docs/search.md). */
    Optional<SearchCalibration> calibration() throws IOException;

    /** Stores a calibration with the index; searchers opened later use it. */
    void saveCalibration(SearchCalibration calibration) throws IOException;
}
