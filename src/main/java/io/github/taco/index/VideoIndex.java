package io.github.taco.index;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * The video index: one Lucene document per clip with its metadata and its sentence-level vector in
 * an HNSW graph ({@link TacoCodec}, so d up to {@value TacoCodec#MAX_DIMENSIONS}), plus the
 * {@link FrameStore} of per-frame vectors. The HNSW similarity is chosen so that its order is s1's
 * order: DOT_PRODUCT for cosine models (unit vectors), MAXIMUM_INNER_PRODUCT for dot models.
 *
 * <p>Adding and deleting clips needs no rebuild: {@link #add} appends vectors and updates documents
 * by clip id, {@link #deleteVideos} deletes documents by video id; each call ends in one atomic
 * Lucene commit (the frame store is synced first), so a failure never loses committed clips.
 * {@link #compact} copies the live frame records into a new frame file and moves the offsets with
 * doc-values updates (the HNSW graph is not rebuilt); the commit's user data names the frame file.
 * Open for writing by one process at a time (Lucene's write lock); readers are thread-safe.
 */
public final class VideoIndex implements ClipIndex {
    static final String F_CLIP = "clip_id";
    static final String F_VIDEO = "video_id";
    static final String F_START = "start";
    static final String F_END = "end";
    static final String F_CAPTION = "caption";
    /**
     * Record offset as a numeric doc value, so compaction can move it in place
     * ({@link IndexWriter#updateNumericDocValue}).
     */
    static final String F_OFFSET_DV = "frames_offset_dv";
    /**
     * Commit user-data key naming the frame file the commit's offsets point into ({@value FrameStore#FILE} when
     * absent).
     */
    static final String FRAMES_FILE_KEY = "frames_file";
    static final String F_FRAMES = "frames";
    static final String F_VECTOR = "vector";
    private static final String LUCENE_DIR = "lucene";

    /**
     * A clip's metadata and where its vectors are: {@code offset} in the frame file {@code frameFile}
     * (the file of the index snapshot it was read from, so it stays valid across a compaction).
     */
    public record ClipRef(String clipId, String videoId, double start, double end, String caption, long offset,
            int frames, String frameFile) implements ClipIndex.Clip {}

    /** Size figures of an index; {@code frameFile} is the current frame file. */
    public record Stats(int clips, long luceneBytes, long frameStoreBytes, long liveFrameBytes, String frameFile) {
        /** Frame-store bytes no live clip references (replaced or deleted clips, interrupted writes). */
        public long deadFrameBytes() {
            return Math.max(0, frameStoreBytes - liveFrameBytes - FrameStore.HEADER_BYTES);
        }
    }

    /**
     * What {@link #compact} did: live clips copied, frame-file bytes before and after, the new file's name;
     * {@code rewritten} is false when there was no dead space (nothing written).
     */
    public record CompactionReport(int clips, long bytesBefore, long bytesAfter, double seconds, String frameFile,
            boolean rewritten) {}

    /** A searcher that knows which frame file its documents' offsets point into. */
    private static final class FrameSearcher extends IndexSearcher {
        final FrameStore frames;

        FrameSearcher(IndexReader reader, FrameStore frames) {
            super(reader);
            this.frames = frames;
        }
    }

    final Path dir;
    final IndexMeta meta;
    private final Directory directory;
    final IndexWriter writer; // null when read-only
    final SearcherManager searchers;
    private final VectorSimilarityFunction similarity;
    /** The current frame file and those superseded while searches may still read them. */
    final FrameFiles frames;
    /**
     * Serialises add, delete and compact: compaction must not miss an append, nor a refresh see offsets before their
     * file.
     */
    private final ReentrantLock mutation = new ReentrantLock();
    private final Compactor compactor = new Compactor(this);

    /**
     * @param framesFile for a writer, the frame file named by the latest commit (read-only
     *                   indexes take it from each commit they open)
     */
    private VideoIndex(Path dir, IndexMeta meta, Directory directory, IndexWriter writer, String framesFile)
            throws IOException {
        this.dir = dir;
        this.meta = meta;
        this.directory = directory;
        this.writer = writer;
        this.similarity = meta.cosine() ? VectorSimilarityFunction.DOT_PRODUCT
                : VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
        this.frames = new FrameFiles(dir, meta.dim, writer == null);
        try {
            SearcherFactory factory = new SearcherFactory() {
                @Override
                public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) throws IOException {
                    // A writer's NRT reader always matches `current`: offsets move only inside compact(),
                    // which switches `current` right after its commit, before it refreshes (under `mutation`).
                    FrameStore fs = writer != null ? frames.current()
                            : frames.store(framesFile(((DirectoryReader) reader).getIndexCommit().getUserData()));
                    frames.makeCurrent(fs);
                    return new FrameSearcher(reader, fs);
                }
            };
            if (writer != null) {
                frames.makeCurrent(frames.store(framesFile));
                this.searchers = new SearcherManager(writer, factory);
            } else {
                this.searchers = new SearcherManager(directory, factory);
            }
        } catch (IOException | RuntimeException e) {
            frames.close();
            throw e;
        }
    }

    private static String framesFile(Map<String, String> commitUserData) {
        return commitUserData.getOrDefault(FRAMES_FILE_KEY, FrameStore.FILE);
    }

    private FrameSearcher acquire() throws IOException {
        return (FrameSearcher) searchers.acquire();
    }

    /** Creates an empty index in {@code dir} (which must not hold an index yet), open for writing. */
    public static VideoIndex create(Path dir, IndexMeta meta) throws IOException {
        if (meta.dim > TacoCodec.MAX_DIMENSIONS) {
            throw new IllegalArgumentException("vector dimension " + meta.dim + " exceeds the index limit "
                    + TacoCodec.MAX_DIMENSIONS);
        }
        if (Files.exists(dir.resolve(IndexMeta.FILE))) {
            throw new IOException(dir + " already holds a taco index; open it to add clips, or choose another folder");
        }
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(FrameStore.FILE)); // a leftover of an interrupted create (no meta yet)
        FrameStore.create(dir.resolve(FrameStore.FILE), meta.dim, meta.frameEncoding).close();
        Directory d = FSDirectory.open(dir.resolve(LUCENE_DIR));
        IndexWriter w = null;
        try {
            w = new IndexWriter(d, writerConfig(meta).setOpenMode(IndexWriterConfig.OpenMode.CREATE));
            w.setLiveCommitData(Map.of(FRAMES_FILE_KEY, FrameStore.FILE).entrySet());
            w.commit();
            VideoIndex index = new VideoIndex(dir, meta, d, w, FrameStore.FILE);
            meta.write(dir); // last: a folder without meta is not an index
            return index;
        } catch (IOException | RuntimeException e) {
            if (w != null) w.close();
            d.close();
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
        Directory d = FSDirectory.open(dir.resolve(LUCENE_DIR));
        IndexWriter w = null;
        try {
            TacoCodec.check();
            if (readOnly) {
                for (int attempt = 1; ; attempt++) {
                    try {
                        return new VideoIndex(dir, meta, d, null, null);
                    } catch (NoSuchFileException e) {
                        // a compaction deleted the frame file of the commit just read: read the newer one
                        if (attempt == 3) throw e;
                    }
                }
            }
            w = new IndexWriter(d, writerConfig(meta).setOpenMode(IndexWriterConfig.OpenMode.APPEND));
            // We hold the write lock, so no compaction runs: the latest commit names the live frame file.
            String framesFile = framesFile(SegmentInfos.readLatestCommit(d).getUserData());
            deleteOrphanFrameFiles(dir, framesFile);
            return new VideoIndex(dir, meta, d, w, framesFile);
        } catch (IOException | RuntimeException e) {
            if (w != null) w.close();
            d.close();
            throw e;
        }
    }

    /**
     * Deletes frame files the commit does not name: the output of a compaction that crashed before
     * its commit, or the input of one that crashed after it.
     */
    private static void deleteOrphanFrameFiles(Path dir, String live) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "frames*.bin")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (FrameStore.generation(name) >= 0 && !name.equals(live)) {
                    deleteQuietly(f);
                }
            }
        }
    }

    /**
     * Best effort: a file another process still has open may not be deletable on some systems; the next writable open
     * retries.
     */
    static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // left as an orphan
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
        return frames.current().encoding();
    }

    /**
     * Adds clips (a clip whose id is already indexed is replaced) and commits once. Either all of
     * them become visible or, on failure, none.
     */
    public void add(Collection<IndexedClip> clips) throws IOException {
        requireWritable();
        for (IndexedClip c : clips) {
            if (c.dim() != meta.dim) {
                throw new IllegalArgumentException("clip " + c.clipId() + " has vectors of dimension " + c.dim()
                        + ", the index has " + meta.dim);
            }
        }
        mutation.lock();
        try {
            requireWritable();
            FrameStore frames = this.frames.current();
            try {
                for (IndexedClip c : clips) {
                    long offset = frames.append(c);
                    writer.updateDocument(new Term(F_CLIP, c.clipId()), document(c, offset));
                }
                frames.sync(); // the records must be durable before documents pointing at them are
                commit(frames.name());
            } catch (IOException | RuntimeException e) {
                writer.rollback(); // drops the uncommitted documents; the writer is closed by rollback
                throw e;
            }
            searchers.maybeRefreshBlocking();
        } finally {
            mutation.unlock();
        }
    }

    /** Commits, naming the frame file the committed offsets point into. */
    void commit(String framesFile) throws IOException {
        writer.setLiveCommitData(Map.of(FRAMES_FILE_KEY, framesFile).entrySet());
        writer.commit();
    }

    private Document document(IndexedClip c, long offset) {
        Document d = new Document();
        d.add(new StringField(F_CLIP, c.clipId(), Field.Store.YES));
        d.add(new StringField(F_VIDEO, c.videoId(), Field.Store.YES));
        d.add(new StoredField(F_START, c.start()));
        d.add(new StoredField(F_END, c.end()));
        d.add(new StoredField(F_CAPTION, c.caption() == null ? "" : c.caption()));
        d.add(new NumericDocValuesField(F_OFFSET_DV, offset)); // not stored: it changes with compaction
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
        mutation.lock();
        try {
            requireWritable();
            int before = size();
            try {
                writer.deleteDocuments(ids.stream().map(id -> new Term(field, id)).toArray(Term[]::new));
                commit(frames.current().name());
            } catch (IOException | RuntimeException e) {
                writer.rollback();
                throw e;
            }
            searchers.maybeRefreshBlocking();
            return before - size();
        } finally {
            mutation.unlock();
        }
    }

    /**
     * Does nothing when the frame file has no dead space. Otherwise copies every live clip's frame record into a new
     * frame file ({@code frames-<generation>.bin}),
     * moves the clips' offsets there with doc-values updates (no re-indexing, the HNSW graph is
     * kept), commits naming the new file, then deletes the old one. The new file is synced before
     * the commit, so a crash at any point leaves either the old or the new index, both consistent;
     * a file the commit does not name is deleted at the next writable {@link #open}. On a failure
     * the index is closed for writing (like {@link #add}): open it again.
     *
     * <p>Searches may run meanwhile: they read the frame file of the snapshot they started on.
     * Read-only instances switch to the new file at their next {@link #refresh}.
     */
    public CompactionReport compact() throws IOException {
        requireWritable();
        mutation.lock();
        try {
            requireWritable();
            return compactor.compact();
        } finally {
            mutation.unlock();
        }
    }

    /** Installs a {@link Compactor.Hook} (package-private: for the crash tests only). */
    void compactionHook(Compactor.Hook hook) {
        compactor.hook(hook);
    }

    /**
     * Picks up commits made by another process (read-only indexes), including a switch to a
     * compacted frame file; cheap when nothing changed. A writer's own commits are visible at once.
     */
    public void refresh() throws IOException {
        if (writer != null) {
            return; // every mutation refreshes itself; refreshing mid-compaction would expose moved offsets early
        }
        for (int attempt = 1; ; attempt++) {
            try {
                searchers.maybeRefresh();
                return;
            } catch (NoSuchFileException e) {
                if (attempt == 3) throw e; // the commit read was superseded by a compaction that deleted its frame file
            }
        }
    }

    /** Number of live clips. */
    public int size() throws IOException {
        IndexSearcher s = acquire();
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
            throw new IllegalArgumentException("query vector has dimension " + query.length + ", the index has "
                    + meta.dim);
        }
        FrameSearcher s = acquire();
        try {
            int live = s.getIndexReader().numDocs();
            if (live == 0 || n < 1) {
                return List.of();
            }
            if (n >= live) {
                return all(s);
            }
            TopDocs top = s.search(new KnnFloatVectorQuery(F_VECTOR, query, Math.max(n, efSearch)), n);
            return refs(s, top);
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public List<IndexedClip> candidates(float[] query, int n, int efSearch) throws IOException {
        try (Hold h = hold()) { // the refs' frame file stays open until their vectors are read
            List<ClipRef> refs = nearest(query, n, efSearch);
            List<IndexedClip> out = new ArrayList<>(refs.size());
            for (ClipRef r : refs) {
                FrameStore.Record rec = vectors(r);
                out.add(new IndexedClip(r.clipId(), r.videoId(), r.start(), r.end(), r.caption(), rec.times(),
                        rec.vector(), rec.frames(), rec.x()));
            }
            return out;
        }
    }

    @Override
    public String location() {
        return dir.toAbsolutePath().toString();
    }

    @Override
    public Optional<SearchCalibration> calibration() throws IOException {
        return SearchCalibration.load(dir);
    }

    @Override
    public void saveCalibration(SearchCalibration calibration) throws IOException {
        calibration.save(dir);
    }

    @Override
    public List<ClipRef> sample(int n, long seed) throws IOException {
        List<ClipRef> clips = new ArrayList<>(clips());
        clips.removeIf(c -> c.caption() == null || c.caption().isBlank());
        Collections.shuffle(clips, new Random(seed));
        return List.copyOf(clips.subList(0, Math.min(n, clips.size())));
    }

    private static List<ClipRef> refs(FrameSearcher s, TopDocs top) throws IOException {
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        List<ClipRef> out = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) {
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
            int doc = sd.doc - leaf.docBase;
            out.add(ref(leaf.reader().storedFields(), leaf.reader().getNumericDocValues(F_OFFSET_DV), doc, s.frames));
        }
        return out;
    }

    private static List<ClipRef> all(FrameSearcher s) throws IOException {
        List<ClipRef> out = new ArrayList<>();
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            Bits live = leaf.reader().getLiveDocs();
            StoredFields stored = leaf.reader().storedFields();
            NumericDocValues offsets = leaf.reader().getNumericDocValues(F_OFFSET_DV); // one iterator: docs ascend
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                if (live == null || live.get(doc)) {
                    out.add(ref(stored, offsets, doc, s.frames));
                }
            }
        }
        return out;
    }

    /** Every live clip (in index order). */
    public List<ClipRef> clips() throws IOException {
        FrameSearcher s = acquire();
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
        r.sort(Comparator.comparingDouble(ClipRef::start).thenComparing(ClipRef::clipId));
        return r;
    }

    private List<ClipRef> byTerm(String field, String value) throws IOException {
        FrameSearcher s = acquire();
        try {
            return refs(s, s.search(new TermQuery(new Term(field, value)), 10_000));
        } finally {
            searchers.release(s);
        }
    }

    /** The ref of a leaf's document: its stored fields and the record offset in its doc value. */
    private static ClipRef ref(StoredFields stored, NumericDocValues offsets, int doc, FrameStore frames)
            throws IOException {
        Document d = stored.document(doc);
        if (offsets == null || !offsets.advanceExact(doc)) {
            throw new IOException("the document of clip " + d.get(F_CLIP)
                    + " has no frame-record offset (an index written by a pre-release build, which kept it as a stored "
                    + "field): rebuild the index with 'taco index'");
        }
        long offset = offsets.longValue();
        return new ClipRef(d.get(F_CLIP), d.get(F_VIDEO), d.getField(F_START).numericValue().doubleValue(),
                d.getField(F_END).numericValue().doubleValue(), d.get(F_CAPTION),
                offset, d.getField(F_FRAMES).numericValue().intValue(), frames.name());
    }

    /**
     * The stored vectors of a clip, read from the frame file its ref came from. Hold the index
     * ({@link #hold()}) from reading the ref to reading its vectors, or a compaction may close that file.
     */
    public FrameStore.Record vectors(ClipRef c) throws IOException {
        FrameStore fs = frames.open(c.frameFile());
        if (fs == null) {
            throw new IllegalArgumentException("clip ref " + c.clipId() + " names frame file " + c.frameFile()
                    + ", which is not open (compacted away since the ref was read without a hold(), or never opened): "
                    + "search again");
        }
        return fs.read(c.offset(), c.frames());
    }

    /**
     * A hold on the index's frame files: while any is open, a frame file superseded by a compaction
     * stays open for the refs read before it; the last hold to close closes such files. Use one per
     * search: {@code try (var h = index.hold()) { nearest(...); vectors(...); }}.
     */
    public Hold hold() {
        frames.hold();
        return new Hold();
    }

    /** See {@link #hold()}. */
    public final class Hold implements AutoCloseable {
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Hold() {}

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                frames.release();
            }
        }
    }

    /** Frame files open now (the current one, and superseded ones still held). */
    public int openFrameFiles() {
        return frames.openCount();
    }

    public Stats stats() throws IOException {
        long lucene;
        // Files.list, not walk: a merge may delete a file between the listing and its size, which walk turns into
        // an exception (seen in CompactionTest under load); a vanished file counts 0
        try (Stream<Path> files = Files.list(dir.resolve(LUCENE_DIR))) {
            lucene = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        FrameSearcher s = acquire(); // one snapshot: its clips and its frame file
        try {
            long live = 0;
            List<ClipRef> all = all(s);
            for (ClipRef c : all) {
                live += s.frames.recordBytes(c.frames());
            }
            return new Stats(all.size(), lucene, s.frames.size(), live, s.frames.name());
        } finally {
            searchers.release(s);
        }
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
            try {
                directory.close();
            } finally {
                frames.close();
            }
        }
    }
}
