package io.github.taco.index.solr;

import io.github.taco.index.ClipIndex;
import io.github.taco.index.FrameStore;
import io.github.taco.index.IndexMeta;
import io.github.taco.index.IndexedClip;
import io.github.taco.index.SearchCalibration;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudHttp2SolrClient;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.impl.Http2SolrClient;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.apache.solr.common.SolrInputDocument;

/**
 * A clip index in a SolrCloud collection: one document per clip, sharded and replicated by Solr.
 * The first stage of the cascade is Solr's distributed k-nearest-neighbour query on the s1 vectors
 * (each shard searches its HNSW graph, the coordinator merges); the frame vectors come back with the
 * documents, so {@link io.github.taco.index.CascadeSearcher} computes s2 and s3 here exactly as over
 * a local {@link io.github.taco.index.VideoIndex}.
 *
 * <p>The collection uses the configset shipped in this jar ({@code solr/taco}, a fixed schema; see
 * {@code schema.xml} there), uploaded once per vector shape and configset version as
 * {@code taco-d<dim>-<similarity>-m<M>-b<beam>-<hash>}.
 * What the collection was built with ({@link IndexMeta}: the checkpoint's hash, d, similarity, frame
 * encoding) is kept in a metadata document ({@value #META_ID}, which has no vector and so never
 * matches a kNN query) and mirrored in the collection property {@value #CHECKPOINT_PROPERTY} for
 * operators. The document is what this class reads: Solr 9 can set a collection property over HTTP
 * but only ZooKeeper can read it back, and a collection reached by URL has no ZooKeeper here.
 *
 * <p>Writes are Solr's: a batch is sent, then committed; unlike the local index a failed batch may
 * leave part of it visible (re-running the same batch replaces clips by id, so it converges).
 */
public final class SolrClipIndex implements ClipIndex {
    /** Id of the collection's metadata document. */
    public static final String META_ID = "__taco_meta__";
    /** Collection property holding the checkpoint's SHA-256 (written for operators; not read back). */
    public static final String CHECKPOINT_PROPERTY = "taco.checkpointSha256";
    /** The configset's files in this jar. */
    static final String NOT_META = "-id:" + META_ID;
    private static final String FIELDS = "id,video_id,start,end,caption,frames";
    private static final int DELETE_BATCH = 500;
    private static final int MAX_ROWS = 100_000;

    /**
     * Where the collection is and how to log in.
     *
     * @param address    ZooKeeper ({@code zk1:2181,zk2:2181/solr}, the chroot after the last host) or
     *                   Solr base URLs ({@code http://host:8983/solr}, comma-separated)
     * @param collection the collection's name
     * @param user       basic-auth user, or null when the cluster has no authentication
     * @param password   basic-auth password (null without a user)
     */
    public record Connection(String address, String collection, String user, String password) {
        public Connection {
            if (address == null || address.isBlank()) {
                throw new IllegalArgumentException("the Solr address is empty: give ZooKeeper (host:2181[/chroot]) or "
                        + "Solr URLs (http://host:8983/solr)");
            }
            if (collection == null || !collection.matches("[A-Za-z0-9_][A-Za-z0-9_.\\-]*")) {
                throw new IllegalArgumentException("collection name '" + collection
                        + "' is not valid: use letters, digits, '_', '-' and '.'");
            }
            if (user != null && password == null) {
                throw new IllegalArgumentException("Solr user '" + user + "' has no password (set TACO_SOLR_PASSWORD)");
            }
        }

        public Connection(String address, String collection) {
            this(address, collection, null, null);
        }

        /** True when the address lists Solr URLs rather than ZooKeeper hosts. */
        public boolean byUrl() {
            return address.strip().startsWith("http://") || address.strip().startsWith("https://");
        }

        /** A SolrJ client for the cluster (the caller closes it). */
        public CloudSolrClient client() {
            Http2SolrClient.Builder http = new Http2SolrClient.Builder()
                    .withConnectionTimeout(15, TimeUnit.SECONDS)
                    .withIdleTimeout(120, TimeUnit.SECONDS);
            if (user != null) {
                http.withBasicAuthCredentials(user, password);
            }
            CloudHttp2SolrClient.Builder b;
            if (byUrl()) {
                b = new CloudHttp2SolrClient.Builder(Arrays.stream(address.split(",")).map(String::strip)
                        .filter(s -> !s.isEmpty()).toList());
            } else {
                String hosts = address.strip();
                int slash = hosts.indexOf('/');
                Optional<String> chroot = slash < 0 ? Optional.empty() : Optional.of(hosts.substring(slash));
                String hostList = slash < 0 ? hosts : hosts.substring(0, slash);
                b = new CloudHttp2SolrClient.Builder(Arrays.stream(hostList.split(",")).map(String::strip).toList(),
                        chroot)
                        .withZkConnectTimeout(15, TimeUnit.SECONDS);
            }
            return b.withInternalClientBuilder(http).withDefaultCollection(collection).build();
        }

        @Override
        public String toString() {
            return "Solr collection '" + collection + "' at " + address;
        }
    }

    private final Connection connection;
    private final CloudSolrClient solr;
    private final IndexMeta meta;
    private final FrameStore.Encoding encoding;

    private SolrClipIndex(Connection connection, CloudSolrClient solr, IndexMeta meta) {
        this.connection = connection;
        this.solr = solr;
        this.meta = meta;
        this.encoding = meta.frameEncoding;
    }

    /** Opens an existing collection written by {@link #openOrCreate}. */
    public static SolrClipIndex open(Connection c) throws IOException {
        CloudSolrClient solr = c.client();
        try {
            if (!SolrCollections.exists(solr, c.collection())) {
                throw new IOException(c + " does not exist (create it with 'taco index --solr " + c.address()
                        + " --collection " + c.collection() + " --checkpoint ...')");
            }
            return new SolrClipIndex(c, solr, readMeta(solr, c));
        } catch (IOException | RuntimeException e) {
            closeQuietly(solr);
            throw e;
        }
    }

    /**
     * Opens the collection, or creates it ({@code shards} × {@code replicas}, uploading the configset
     * for this vector shape when the cluster lacks it) and stores {@code meta} in it. An existing
     * collection must have been built with the same checkpoint (the caller checks with
     * {@link IndexMeta#verify}).
     */
    public static SolrClipIndex openOrCreate(Connection c, IndexMeta meta, int shards, int replicas)
            throws IOException {
        if (shards < 1 || replicas < 1) {
            throw new IllegalArgumentException("shards and replicas must be >= 1, got " + shards + " and " + replicas);
        }
        CloudSolrClient solr = c.client();
        try {
            if (SolrCollections.exists(solr, c.collection())) {
                return new SolrClipIndex(c, solr, readMeta(solr, c));
            }
            SolrCollections.create(solr, c.collection(), meta, shards, replicas);
            solr.add(c.collection(), metaDocument(meta, null));
            solr.commit(c.collection());
            SolrCollections.tagCheckpoint(solr, c.collection(), meta);
            return new SolrClipIndex(c, solr, meta);
        } catch (SolrServerException e) {
            closeQuietly(solr);
            throw new IOException(c + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(solr);
            throw e;
        }
    }

    private static IndexMeta readMeta(CloudSolrClient solr, Connection c) throws IOException {
        SolrDocument d = get(solr, c.collection(), META_ID);
        if (d == null || d.getFirstValue("meta") == null) {
            throw new IOException(c + " is not a taco index: it has no metadata document '" + META_ID
                    + "' (was it created by 'taco index --solr'?)");
        }
        return IndexMeta.fromJson(String.valueOf(d.getFirstValue("meta")), c.toString());
    }

    @Override
    public IndexMeta meta() {
        return meta;
    }

    @Override
    public String location() {
        return connection.toString();
    }

    @Override
    public int size() throws IOException {
        SolrQuery q = new SolrQuery("*:*").addFilterQuery(NOT_META).setRows(0);
        return (int) query(q).getResults().getNumFound();
    }

    @Override
    public List<IndexedClip> candidates(float[] query, int n, int efSearch) throws IOException {
        if (query.length != meta.dim) {
            throw new IllegalArgumentException("query vector has dimension " + query.length + ", the collection has "
                    + meta.dim);
        }
        if (n < 1) {
            return List.of();
        }
        int live = size();
        SolrQuery q;
        if (n >= live) {
            // N covers the collection: every clip, exactly, as the local index does
            q = new SolrQuery("*:*").addFilterQuery(NOT_META).setRows(Math.max(live, 1));
        } else {
            // each shard explores topK = max(N, efSearch) nodes of its graph; the coordinator keeps the best N
            StringBuilder v = new StringBuilder("{!knn f=s1 topK=").append(Math.max(n, efSearch)).append("}[");
            for (int i = 0; i < query.length; i++) {
                if (i > 0) v.append(',');
                v.append(query[i]);
            }
            q = new SolrQuery(v.append(']').toString()).setRows(n);
        }
        q.setFields(FIELDS + ",record");
        List<IndexedClip> out = new ArrayList<>();
        for (SolrDocument d : query(q).getResults()) {
            out.add(clip(d));
        }
        return out;
    }

    private IndexedClip clip(SolrDocument d) throws IOException {
        String id = String.valueOf(d.getFirstValue("id"));
        Object raw = d.getFirstValue("record");
        ByteBuffer bytes = raw instanceof byte[] b ? ByteBuffer.wrap(b) : raw instanceof ByteBuffer bb ? bb.duplicate()
                : null;
        if (bytes == null) {
            throw new IOException(location() + ": clip " + id + " has no frame record");
        }
        FrameStore.Record r;
        try {
            r = FrameStore.decode(bytes, meta.dim, encoding);
        } catch (IOException e) {
            throw new IOException(location() + ": clip " + id + ": " + e.getMessage(), e);
        }
        return new IndexedClip(id, String.valueOf(d.getFirstValue("video_id")), number(d, "start"), number(d, "end"),
                (String) d.getFirstValue("caption"), r.times(), r.vector(), r.frames(), r.x());
    }

    private static double number(SolrDocument d, String field) {
        Object v = d.getFirstValue(field);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A clip's metadata as the collection stores it. */
    public record SolrClip(String clipId, String videoId, double start, double end, String caption, int frames)
            implements ClipIndex.Clip {}

    private static SolrClip info(SolrDocument d) {
        Object f = d.getFirstValue("frames");
        return new SolrClip(String.valueOf(d.getFirstValue("id")), String.valueOf(d.getFirstValue("video_id")),
                number(d, "start"), number(d, "end"), (String) d.getFirstValue("caption"),
                f instanceof Number n ? n.intValue() : 0);
    }

    @Override
    public Optional<SolrClip> clip(String clipId) throws IOException {
        if (META_ID.equals(clipId)) {
            return Optional.empty();
        }
        SolrQuery q = new SolrQuery("{!term f=id}" + clipId).setFields(FIELDS).setRows(1);
        SolrDocumentList r = query(q).getResults();
        return r.isEmpty() ? Optional.empty() : Optional.of(info(r.get(0)));
    }

    @Override
    public List<SolrClip> clipsOfVideo(String videoId) throws IOException {
        SolrQuery q = new SolrQuery("{!term f=video_id}" + videoId).setFields(FIELDS).setRows(MAX_ROWS)
                .addSort("start", SolrQuery.ORDER.asc).addSort("id", SolrQuery.ORDER.asc);
        List<SolrClip> out = new ArrayList<>();
        for (SolrDocument d : query(q).getResults()) {
            out.add(info(d));
        }
        return out;
    }

    @Override
    public void add(Collection<IndexedClip> clips) throws IOException {
        List<SolrInputDocument> docs = new ArrayList<>(clips.size());
        for (IndexedClip c : clips) {
            if (c.dim() != meta.dim) {
                throw new IllegalArgumentException("clip " + c.clipId() + " has vectors of dimension " + c.dim()
                        + ", the collection has " + meta.dim);
            }
            if (META_ID.equals(c.clipId())) {
                throw new IllegalArgumentException("clip id '" + META_ID
                        + "' is reserved for the collection's metadata document");
            }
            SolrInputDocument d = new SolrInputDocument();
            d.addField("id", c.clipId());
            d.addField("video_id", c.videoId());
            d.addField("start", c.start());
            d.addField("end", c.end());
            d.addField("caption", c.caption() == null ? "" : c.caption());
            d.addField("frames", c.frames());
            ByteBuffer rec = FrameStore.encode(c, encoding);
            d.addField("record", Arrays.copyOfRange(rec.array(), rec.position(), rec.limit()));
            List<Float> v = new ArrayList<>(c.dim());
            for (float f : c.vector()) v.add(f);
            d.addField("s1", v);
            docs.add(d);
        }
        if (docs.isEmpty()) {
            return;
        }
        try {
            solr.add(connection.collection(), docs);
            solr.commit(connection.collection());
        } catch (SolrServerException e) {
            throw new IOException(location() + ": adding " + docs.size() + " clips failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int deleteVideos(Collection<String> videoIds) throws IOException {
        return delete("video_id", videoIds);
    }

    @Override
    public int deleteClips(Collection<String> clipIds) throws IOException {
        return delete("id", clipIds.stream().filter(id -> !META_ID.equals(id)).toList());
    }

    private int delete(String field, Collection<String> values) throws IOException {
        List<String> all = new ArrayList<>(new LinkedHashSet<>(values));
        if (all.isEmpty()) {
            return 0;
        }
        int before = size();
        try {
            if (field.equals("id")) {
                for (int from = 0; from < all.size(); from += DELETE_BATCH) {
                    solr.deleteById(connection.collection(),
                            all.subList(from, Math.min(all.size(), from + DELETE_BATCH)));
                }
            } else {
                for (String v : all) { // {!term}: the value verbatim, whatever characters an id holds
                    solr.deleteByQuery(connection.collection(), "{!term f=" + field + "}" + v);
                }
            }
            solr.commit(connection.collection());
        } catch (SolrServerException e) {
            throw new IOException(location() + ": deleting by " + field + " failed: " + e.getMessage(), e);
        }
        return before - size();
    }

    @Override
    public void refresh() {
        // Solr opens a new searcher at each commit; every query sees the latest one
    }

    /**
     * A random sample by Solr's random sort with this seed. Unlike the local index's, it can differ
     * between replicas of the same contents (the order hashes internal document numbers).
     */
    @Override
    public List<SolrClip> sample(int n, long seed) throws IOException {
        if (n < 1) {
            return List.of();
        }
        // a margin for clips without a caption, which the schema cannot filter (captions are not indexed)
        SolrQuery q = new SolrQuery("*:*").addFilterQuery(NOT_META).setFields(FIELDS).setRows(n + Math.min(n, 1000))
                .addSort("random_" + seed, SolrQuery.ORDER.asc);
        List<SolrClip> out = new ArrayList<>();
        for (SolrDocument d : query(q).getResults()) {
            SolrClip c = info(d);
            if (c.caption() != null && !c.caption().isBlank() && out.size() < n) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public Optional<SearchCalibration> calibration() throws IOException {
        SolrDocument d = get(solr, connection.collection(), META_ID);
        Object json = d == null ? null : d.getFirstValue("calibration");
        return json == null ? Optional.empty()
                : Optional.of(SearchCalibration.fromJson(String.valueOf(json), location() + ", document " + META_ID));
    }

    @Override
    public void saveCalibration(SearchCalibration calibration) throws IOException {
        try {
            solr.add(connection.collection(), metaDocument(meta, calibration));
            solr.commit(connection.collection());
        } catch (SolrServerException e) {
            throw new IOException(location() + ": storing the calibration failed: " + e.getMessage(), e);
        }
    }

    private static SolrInputDocument metaDocument(IndexMeta meta, SearchCalibration calibration) throws IOException {
        SolrInputDocument doc = new SolrInputDocument();
        doc.addField("id", META_ID);
        doc.addField("meta", meta.toJson());
        if (calibration != null) {
            doc.addField("calibration", calibration.toJson());
        }
        return doc;
    }

    private QueryResponse query(SolrQuery q) throws IOException {
        try {
            return solr.query(connection.collection(), q);
        } catch (SolrServerException | RuntimeException e) {
            throw new IOException(location() + ": query failed: " + e.getMessage(), e);
        }
    }

    private static SolrDocument get(CloudSolrClient solr, String collection, String id) throws IOException {
        try {
            return solr.getById(collection, id);
        } catch (SolrServerException e) {
            throw new IOException("collection '" + collection + "': cannot read document " + id + ": " + e.getMessage(),
                    e);
        }
    }

    private static void closeQuietly(CloudSolrClient solr) {
        try {
            solr.close();
        } catch (IOException | RuntimeException ignored) {
            // closing after a failure: the first error is the one to report
        }
    }

    @Override
    public void close() throws IOException {
        solr.close();
    }

    @Override
    public String toString() {
        return location() + String.format(Locale.ROOT, " (d=%d, %s)", meta.dim, meta.similarity);
    }
}
