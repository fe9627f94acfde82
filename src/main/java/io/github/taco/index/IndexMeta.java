package io.github.taco.index;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.taco.io.AtomicFiles;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * What an index folder records about how it was built ({@value #FILE}): the checkpoint (path and
 * SHA-256 of its {@code model.safetensors}), the vector space (d, similarity, τ), the features and
 * the storage options. A searcher refuses a checkpoint whose hash differs: its vectors live in
 * another space and the scores would be meaningless.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class IndexMeta {
    public static final String FILE = "taco-index.json";
    public static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public int format = FORMAT;
    public String checkpointPath;
    public String checkpointSha256;
    public int dim;
    public Similarity similarity;
    public double temperature;
    public int featureDim;
    public int maxFrames;
    public double fps = 1;
    public String featuresPath;
    public FrameStore.Encoding frameEncoding = FrameStore.Encoding.FLOAT16;
    public int hnswMaxConn = 16;
    public int hnswBeamWidth = 100;
    public String created;
    /**
     * Where a hit can be watched: a URL template with {@code {video}} (the video id), {@code {clip}} (the clip id)
     * and {@code {start}} (the matched second, whole), e.g. {@code https://www.youtube.com/watch?v={video}&t={start}s};
     * null: no links.
     */
    public String videoUrl;

    /** The YouTube link of YouCook2's videos (their ids are YouTube ids, as the annotation file's video_url says). */
    public static final String YOUTUBE_URL = "https://www.youtube.com/watch?v={video}&t={start}s";

    /**
     * Refuses a template that would give no usable link: it must be an http, https or file URL and name the video or
     * the clip.
     */
    public static String checkVideoUrl(String template) {
        if (template == null) {
            return null;
        }
        String t = template.strip();
        if (!(t.startsWith("http://") || t.startsWith("https://") || t.startsWith("file:"))) {
            throw new IllegalArgumentException("--video-url '" + template
                    + "' must start with http://, https:// or file:");
        }
        if (!t.contains("{video}") && !t.contains("{clip}")) {
            throw new IllegalArgumentException("--video-url '" + template
                    + "' must hold {video} or {clip} (and may hold {start})");
        }
        String rest = t.replace("{video}", "").replace("{clip}", "").replace("{start}", "");
        if (rest.contains("{") || rest.contains("}")) {
            throw new IllegalArgumentException("--video-url '" + template
                    + "': the placeholders are {video}, {clip} and {start}");
        }
        return t;
    }

    /**
     * The link of a clip at a second, or null when the index has no template. Ids are percent-encoded (a clip id holds
     * '#').
     */
    public String videoUrl(String videoId, String clipId, double second) {
        if (videoUrl == null) {
            return null;
        }
        return videoUrl.replace("{video}", encode(videoId)).replace("{clip}", encode(clipId))
                .replace("{start}", Long.toString((long) Math.max(0, Math.floor(second))));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Meta for an index of {@code checkpointDir}'s model. */
    public static IndexMeta forCheckpoint(Path checkpointDir, TacoConfig c) throws IOException {
        IndexMeta m = new IndexMeta();
        m.checkpointPath = checkpointDir.toAbsolutePath().normalize().toString();
        m.checkpointSha256 = sha256(checkpointDir.resolve(TacoModel.WEIGHTS_FILE));
        m.dim = c.hiddenSize;
        m.similarity = c.similarity;
        m.temperature = c.temperature;
        m.featureDim = c.featureDim;
        m.maxFrames = c.maxFrames;
        m.created = Instant.now().toString();
        return m;
    }

    public boolean cosine() {
        return similarity == Similarity.COSINE;
    }

    /**
     * Throws {@link IndexMismatchException} unless {@code checkpointDir} holds the model this index
     * was built with (same weights hash and vector space).
     */
    public void verify(Path checkpointDir, TacoConfig c) throws IOException {
        String hash = sha256(checkpointDir.resolve(TacoModel.WEIGHTS_FILE));
        if (!hash.equals(checkpointSha256)) {
            throw new IndexMismatchException("this index was built with checkpoint " + checkpointPath
                    + " (model.safetensors sha256 " + shortHash(checkpointSha256) + "), but checkpoint "
                    + checkpointDir.toAbsolutePath().normalize() + " has sha256 " + shortHash(hash)
                    + ": its vectors live in another space. Search with the original checkpoint or rebuild the index "
                    + "with 'taco index'.");
        }
        if (c.hiddenSize != dim || c.similarity != similarity || c.temperature != temperature) {
            throw new IndexMismatchException("checkpoint " + checkpointDir + " has d=" + c.hiddenSize + ", similarity "
                    + c.similarity + " (τ " + c.temperature + "); the index has d=" + dim + ", " + similarity + " (τ "
                    + temperature + ")");
        }
    }

    public void write(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve(FILE), JSON.writeValueAsString(this));
    }

    /** This meta as JSON (what {@value #FILE} holds; a SolrCloud collection keeps it in its metadata document). */
    public String toJson() throws IOException {
        return JSON.writeValueAsString(this);
    }

    /** Parses and checks meta JSON; {@code where} names its source in errors. */
    public static IndexMeta fromJson(String json, String where) throws IOException {
        IndexMeta m = JSON.readValue(json, IndexMeta.class);
        check(m, where);
        return m;
    }

    private static void check(IndexMeta m, String where) throws IOException {
        if (m.format != FORMAT) {
            throw new IOException(where + ": index format " + m.format + " is not supported (this build reads format "
                    + FORMAT + ")");
        }
        if (m.dim < 1 || m.checkpointSha256 == null) {
            throw new IOException(where + ": 'dim' or 'checkpointSha256' is missing");
        }
    }

    public static IndexMeta read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw new IOException(dir + " is not a taco index: " + FILE + " is missing (build one with 'taco index')");
        }
        IndexMeta m = JSON.readValue(f.toFile(), IndexMeta.class);
        check(m, f.toString());
        return m;
    }

    /** SHA-256 of a file, hex. */
    public static String sha256(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is missing");
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // the digest stream hashes as it reads
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shortHash(String h) {
        return h == null ? "?" : h.substring(0, Math.min(12, h.length()));
    }

    /** The index and the checkpoint do not belong together. */
    public static final class IndexMismatchException extends IllegalStateException {
        public IndexMismatchException(String message) {
            super(message);
        }
    }
}
