package io.github.taco.index.solr;

import io.github.taco.index.IndexMeta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.client.solrj.response.ConfigSetAdminResponse;

/**
 * The cluster's side of a taco collection: whether it exists, creating it, and the configset its
 * vector shape needs (uploaded when the cluster lacks it). {@link SolrClipIndex} is the data path.
 */
final class SolrCollections {
    static final String RESOURCE = "/solr/taco/";

    private SolrCollections() {}

    static boolean exists(CloudSolrClient solr, String collection) throws IOException {
        try {
            return CollectionAdminRequest.listCollections(solr).contains(collection);
        } catch (SolrServerException e) {
            throw new IOException("cannot list the cluster's collections: " + e.getMessage(), e);
        }
    }

    /** Creates {@code collection} ({@code shards} × {@code replicas}) on the configset of {@code meta}'s shape. */
    static void create(CloudSolrClient solr, String collection, IndexMeta meta, int shards, int replicas)
            throws IOException, SolrServerException {
        String config = uploadConfigSet(solr, meta);
        CollectionAdminRequest.createCollection(collection, config, shards, replicas).process(solr);
        solr.getClusterStateProvider().getClusterState(); // refresh the client's view of the new collection
    }

    /** Records the checkpoint's hash as a collection property, where an administrator sees it. */
    static void tagCheckpoint(CloudSolrClient solr, String collection, IndexMeta meta)
            throws IOException, SolrServerException {
        CollectionAdminRequest.setCollectionProperty(collection, SolrClipIndex.CHECKPOINT_PROPERTY,
                meta.checkpointSha256).process(solr);
    }

    /**
     * The configset's name for a vector shape. It ends with a hash of the two files as filled in, so a
     * later taco whose schema differs uploads a new configset instead of reusing an old one.
     */
    static String configSetName(IndexMeta meta) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String file : FILES) {
            sha.update(configSetFile(file, meta).getBytes(StandardCharsets.UTF_8));
        }
        return "taco-d" + meta.dim + "-" + similarityFunction(meta).replace('_', '-') + "-m" + meta.hnswMaxConn + "-b"
                + meta.hnswBeamWidth + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, 8);
    }

    private static final List<String> FILES = List.of("solrconfig.xml", "schema.xml");

    /** A configset file as uploaded: the schema with this shape's values filled in. */
    static String configSetFile(String file, IndexMeta meta) throws IOException {
        String text = resource(file);
        return !file.equals("schema.xml") ? text : text.replace("@DIM@", Integer.toString(meta.dim))
                .replace("@SIMILARITY@", similarityFunction(meta)).replace("@M@", Integer.toString(meta.hnswMaxConn))
                .replace("@BEAM@", Integer.toString(meta.hnswBeamWidth));
    }

    /** Solr's similarity whose order is s1's, as the local index chooses it. */
    static String similarityFunction(IndexMeta meta) {
        return meta.cosine() ? "dot_product" : "maximum_inner_product";
    }

    private static String uploadConfigSet(CloudSolrClient solr, IndexMeta meta)
            throws IOException, SolrServerException {
        String name = configSetName(meta);
        ConfigSetAdminResponse.List have = new ConfigSetAdminRequest.List().process(solr);
        if (have.getConfigSets() != null && have.getConfigSets().contains(name)) {
            return name;
        }
        Path zip = Files.createTempFile("taco-configset", ".zip");
        try {
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
                for (String file : FILES) {
                    out.putNextEntry(new ZipEntry(file));
                    out.write(configSetFile(file, meta).getBytes(StandardCharsets.UTF_8));
                    out.closeEntry();
                }
            }
            ConfigSetAdminRequest.Upload up = new ConfigSetAdminRequest.Upload();
            up.setConfigSetName(name);
            up.setUploadFile(zip.toFile(), "application/zip");
            try {
                up.process(solr);
            } catch (SolrServerException | RuntimeException e) {
                throw new IOException("uploading configset '" + name + "' failed (" + e.getMessage()
                        + "). If the cluster's Configset API is closed to you, an administrator can upload "
                        + "solrconfig.xml and schema.xml from this jar's solr/taco/ as '"
                        + name + "', with @DIM@=" + meta.dim + ", @SIMILARITY@=" + similarityFunction(meta) + ", @M@="
                        + meta.hnswMaxConn + ", @BEAM@=" + meta.hnswBeamWidth + " filled in; then run this again", e);
            }
        } finally {
            Files.deleteIfExists(zip);
        }
        return name;
    }

    static String resource(String file) throws IOException {
        try (InputStream in = SolrCollections.class.getResourceAsStream(RESOURCE + file)) {
            if (in == null) {
                throw new IOException("the configset file " + RESOURCE + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
