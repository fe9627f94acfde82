package io.github.taco.index;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The video index: one Lucene document per clip with its metadata and its sentence-level vector in
 * an HNSW graph ({@link TacoCodec}, so d up to {@value TacoCodec#MAX_DIMENSIONS}), plus the
 * {@link FrameStore} of per-frame vectors. The HNSW similarity is chosen so that its order is s1's
 * order: DOT_PRODUCT for cosine models (unit vectors), MAXIMUM_INNER_PRODUCT for dot models.
 *
 * <p>Adding and deleting clips needs no rebuild: {@link #add} appends vectors and updates documents
 * by clip id, {@link #deleteVideos} deletes documents by video id; each call ends in one atomic
 * Lucene commit (the frame store is synced first), so a failure never loses committed clips.
 * Open for writing by one process at a time (Lucene's write lock); readers are thread-safe.
 */
public final class VideoIndex implements AutoCloseable {
    static final String F_CLIP = "clip_id";
    static final String F_VIDEO = "video_id";
    static final String F_START = "start";
    static final String F_END = "end";
    static final String F_CAPTION = "caption";
    static final String F_OFFSET = "frames_offset";
    static final String F_FRAMES = "frames";
    static final String F_VECTOR = "vector";
    private static final String LUCENE_DIR = "lucene";

    /** A clip's metadata and where its vectors are, as stored in its document. */
    public record ClipRef(String clipId, String videoId, double start, double end, String caption, long offset, int frames) {}

    /** Size figures of an index. */
    public record Stats(int clips, long luceneBytes, long frameStoreBytes, long liveFrameBytes) {
        /** Frame-store bytes no live clip references (replaced or deleted clips, interrupted writes). */
        public long deadFrameBytes() {
            return Math.max(0, frameStoreBytes - liveFrameBytes - 16);
        }
    }

    private final Path dir;
    private final IndexMeta meta;
    private final Directory directory;
    private final IndexWriter writer; // null when read-only
    private final SearcherManager searchers;
    private final FrameStore frames;
    private final VectorSimilarityFunction similarity;

    private VideoIndex(Path dir, IndexMeta meta, Directory directory, IndexWriter writer, SearcherManager searchers, FrameStore frames) {
        this.dir = dir;
        this.meta = meta;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.frames = frames;
        this.similarity = meta.cosine() ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
    }

    /** Creates an empty index in {@code dir} (which must not hold an index yet), open for writing. */
    public static VideoIndex create(Path dir, IndexMeta meta) throws IOException {
        if (meta.dim > TacoCodec.MAX_DIMENSIONS) {
            throw new IllegalArgumentException("vector dimension " + meta.dim + " exceeds the index limit " + TacoCodec.MAX_DIMENSIONS);
        }
        if (Files.exists(dir.resolve(IndexMeta.FILE))) {
            throw new IOException(dir + " already holds a taco index; open it to add clips, or choose another folder");
        }
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(FrameStore.FILE)); // a leftover of an interrupted create (no meta yet)
        FrameStore fs = FrameStore.create(dir.resolve(FrameStore.FILE), meta.dim, meta.encoding());
        Directory d = FSDirectory.open(dir.resolve(LUCENE_DIR));
        IndexWriter w = null;
        try {
            w = new IndexWriter(d, writerConfig(meta).setOpenMode(IndexWriterConfig.OpenMode.CREATE));
            w.commit();
            meta.write(dir); // last: a folder without meta is not an index
            return new VideoIndex(dir, meta, d, w, new SearcherManager(w, null), fs);
        } catch (IOException | RuntimeException e) {
            if (w != null) w.close();
            d.close();
            fs.close();
            throw e;
        }
    }

    /**
     * Opens an existing index.
     *
     * @param readOnly true for searching only (several processes may search while one writes;
     *                 call {@link #refresh} to see their commits)
     */
    public static VideoIndex open(Path dir, boolean readOnly) throws IOException {
        IndexMeta meta = IndexMeta.read(dir);
        FrameStore fs = FrameStore.open(dir.resolve(FrameStore.FILE), readOnly);
        if (fs.dim() != meta.dim) {
            fs.close();
            throw new IOException(dir.resolve(FrameStore.FILE) + " has dimension " + fs.dim() + ", " + IndexMeta.FILE + " says " + meta.dim);
        }
        Directory d = FSDirectory.open(dir.resolve(LUCENE_DIR));
        IndexWriter w = null;
        try {
            TacoCodec.check();
            if (readOnly) {
                return new VideoIndex(dir, meta, d, null, new SearcherManager(d, null), fs);
            }
            w = new IndexWriter(d, writerConfig(meta).setOpenMode(IndexWriterConfig.OpenMode.APPEND));
            return new VideoIndex(dir, meta, d, w, new SearcherManager(w, null), fs);
        } catch (IOException | RuntimeException e) {
            if (w != null) w.close();
            d.close();
            fs.close();
            throw e;
        }
    }

    private static IndexWriterConfig writerConfig(IndexMeta meta) {
        IndexWriterConfig c = new IndexWriterConfig();
        c.setCodec(new TacoCodec(meta.hnswMaxConn, meta.hnswBeamWidth));
        c.setRAMBufferSizeMB(256); // fewer, larger segments: each segment is one more HNSW graph to search
        c.setCommitOnClose(false); // only explicit commits, so close never publishes half an operation
        return c;
    }

    public IndexMeta meta() {
        return meta;
    }

    public Path dir() {
        return dir;
    }

    public boolean readOnly() {
        return writer == null;
    }

    public FrameStore.Encoding frameEncoding() {
        return frames.encoding();
    }

    /**
     * Adds clips (a clip whose id is already indexed is replaced) and commits once. Either all of
     * them become visible or, on failure, none.
     */
    public void add(Collection<IndexedClip> clips) throws IOException {
        requireWritable();
        for (IndexedClip c : clips) {
            if (c.dim() != meta.dim) {
                throw new IllegalArgumentException("clip " + c.clipId() + " has vectors of dimension " + c.dim() + ", the index has " + meta.dim);
            }
        }
        try {
            for (IndexedClip c : clips) {
                long offset = frames.append(c);
                writer.updateDocument(new Term(F_CLIP, c.clipId()), document(c, offset));
            }
            frames.sync(); // the records must be durable before documents pointing at them are
            writer.commit();
        } catch (IOException | RuntimeException e) {
            writer.rollback(); // drops the uncommitted documents; the writer is closed by rollback
            throw e;
        }
        searchers.maybeRefreshBlocking();
    }

    private Document document(IndexedClip c, long offset) {
        Document d = new Document();
        d.add(new StringField(F_CLIP, c.clipId(), Field.Store.YES));
        d.add(new StringField(F_VIDEO, c.videoId(), Field.Store.YES));
        d.add(new StoredField(F_START, c.start()));
        d.add(new StoredField(F_END, c.end()));
        d.add(new StoredField(F_CAPTION, c.caption() == null ? "" : c.caption()));
        d.add(new StoredField(F_OFFSET, offset));
        d.add(new StoredField(F_FRAMES, c.frames()));
        d.add(new KnnFloatVectorField(F_VECTOR, c.vector(), similarity));
        return d;
    }

    /** Deletes every clip of the given videos and commits; returns how many clips were deleted. */
    public int deleteVideos(Collection<String> videoIds) throws IOException {
        return delete(F_VIDEO, videoIds);
    }

    /** Deletes clips by id and commits; returns how many were deleted. */
    public int deleteClips(Collection<String> clipIds) throws IOException {
        return delete(F_CLIP, clipIds);
    }

    private int delete(String field, Collection<String> ids) throws IOException {
        requireWritable();
        int before = size();
        try {
            writer.deleteDocuments(ids.stream().map(id -> new Term(field, id)).toArray(Term[]::new));
            writer.commit();
        } catch (IOException | RuntimeException e) {
            writer.rollback();
            throw e;
        }
        searchers.maybeRefreshBlocking();
        return before - size();
    }

    /** Picks up commits made by another process (read-only indexes); cheap when nothing changed. */
    public void refresh() throws IOException {
        searchers.maybeRefresh();
    }

    /** Number of live clips. */
    public int size() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return s.getIndexReader().numDocs();
        } finally {
            searchers.release(s);
        }
    }

    /**
     * The {@code n} clips whose vectors have the highest similarity to {@code query} (the text
     * vector), best first. HNSW explores {@code max(n, efSearch)} candidates; when {@code n} covers
     * the whole index every clip is returned, in index order (no approximation, and the caller
     * scores them exactly anyway).
     */
    public List<ClipRef> nearest(float[] query, int n, int efSearch) throws IOException {
        if (query.length != meta.dim) {
            throw new IllegalArgumentException("query vector has dimension " + query.length + ", the index has " + meta.dim);
        }
        IndexSearcher s = searchers.acquire();
        try {
            int live = s.getIndexReader().numDocs();
            if (live == 0 || n < 1) {
                return List.of();
            }
            if (n >= live) {
                return all(s);
            }
            TopDocs top = s.search(new KnnFloatVectorQuery(F_VECTOR, query, Math.max(n, efSearch)), n);
            StoredFields stored = s.storedFields();
            List<ClipRef> out = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc sd : top.scoreDocs) {
                out.add(ref(stored.document(sd.doc)));
            }
            return out;
        } finally {
            searchers.release(s);
        }
    }

    private static List<ClipRef> all(IndexSearcher s) throws IOException {
        List<ClipRef> out = new ArrayList<>();
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            Bits live = leaf.reader().getLiveDocs();
            StoredFields stored = leaf.reader().storedFields();
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                if (live == null || live.get(doc)) {
                    out.add(ref(stored.document(doc)));
                }
            }
        }
        return out;
    }

    /** Every live clip (in index order). */
    public List<ClipRef> clips() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return all(s);
        } finally {
            searchers.release(s);
        }
    }

    /** The clip with this id, if indexed. */
    public Optional<ClipRef> clip(String clipId) throws IOException {
        List<ClipRef> r = byTerm(F_CLIP, clipId);
        return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    }

    /** The clips of a video, by start time. */
    public List<ClipRef> clipsOfVideo(String videoId) throws IOException {
        List<ClipRef> r = new ArrayList<>(byTerm(F_VIDEO, videoId));
        r.sort(java.util.Comparator.comparingDouble(ClipRef::start).thenComparing(ClipRef::clipId));
        return r;
    }

    private List<ClipRef> byTerm(String field, String value) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            TopDocs top = s.search(new TermQuery(new Term(field, value)), 10_000);
            StoredFields stored = s.storedFields();
            List<ClipRef> out = new ArrayList<>();
            for (ScoreDoc sd : top.scoreDocs) {
                out.add(ref(stored.document(sd.doc)));
            }
            return out;
        } finally {
            searchers.release(s);
        }
    }

    private static ClipRef ref(Document d) {
        return new ClipRef(d.get(F_CLIP), d.get(F_VIDEO), d.getField(F_START).numericValue().doubleValue(),
                d.getField(F_END).numericValue().doubleValue(), d.get(F_CAPTION),
                d.getField(F_OFFSET).numericValue().longValue(), d.getField(F_FRAMES).numericValue().intValue());
    }

    /** The stored vectors of a clip. */
    public FrameStore.Record vectors(ClipRef c) throws IOException {
        return frames.read(c.offset(), c.frames());
    }

    public Stats stats() throws IOException {
        long lucene;
        try (Stream<Path> files = Files.walk(dir.resolve(LUCENE_DIR))) {
            lucene = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        long live = 0;
        List<ClipRef> all = clips();
        for (ClipRef c : all) {
            live += frames.recordBytes(c.frames());
        }
        return new Stats(all.size(), lucene, frames.size(), live);
    }

    private void requireWritable() {
        if (writer == null) {
            throw new IllegalStateException("index " + dir + " is open read-only");
        }
        if (!writer.isOpen()) {
            throw new IllegalStateException("index " + dir + " was closed after a failed write; open it again");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            searchers.close();
            if (writer != null && writer.isOpen()) {
                writer.rollback(); // nothing uncommitted is meant to survive (commitOnClose is off)
            }
        } finally {
            directory.close();
            frames.close();
        }
    }
}
