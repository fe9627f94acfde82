package io.github.taco.text;

import io.github.taco.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The text side of TACo (docs/method.md §3): WordPiece pieces with word ids, Universal POS tags, tokens of
 * interest and their IDF weights.
 *
 * <pre>{@code
 * try (TextPipeline text = TextPipeline.builder()
 *         .tokenizer(Path.of("bert-base-uncased/vocab.txt"))
 *         .maxLength(30).tagSet(TagSet.NOUN_VERB).idf(Idf.load(Path.of("idf.json")))
 *         .cacheDir(Path.of("cache/text"))
 *         .build()) {
 *     EncodedText one = text.encode("add the chopped tomatoes to the pan");
 *     List<EncodedText> all = text.encodeAll(captions); // all cores, cached on disk
 * }
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>A token of interest is a piece of a word whose tag is in the {@link TagSet}. {@code [UNK]}
 *       is never one: its embedding says nothing about which word it was.</li>
 *   <li>Each token of interest weighs its word's {@link Idf#idf}; the weights of a caption are
 *       divided by their sum, or are equal (1/count) when every idf is 0.</li>
 *   <li>An empty or blank caption encodes to {@code [CLS] [SEP]} with no token of interest (all
 *       weights 0), so a dataset with a missing sentence still loads; {@code null} is an error.</li>
 *   <li>A caption longer than the max length is truncated; {@code [SEP]} stays last.</li>
 *   <li>Non-ASCII text: accents are stripped by the BERT normalizer ("café" = "cafe"), each CJK
 *       character is its own word, and characters outside the vocabulary (emoji) become {@code [UNK]}.</li>
 * </ul>
 * Thread-safe.
 */
public final class TextPipeline implements CaptionEncoder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TextPipeline.class);
    /** Default max pieces per caption, [CLS] and [SEP] included (ActivityNet paragraphs use 256). */
    public static final int DEFAULT_MAX_LENGTH = 30;
    /** Bump when the encoding rules change, so old cache files are not reused. */
    private static final int CACHE_FORMAT = 1;

    private final WordPieceTokenizer tokenizer;
    private final PosTagger tagger;
    private final TagSet tagSet;
    private final Idf idf;
    private final Path cacheDir;
    private final AtomicLong computed = new AtomicLong();
    private volatile boolean lastCacheHit;

    private TextPipeline(WordPieceTokenizer tokenizer, TagSet tagSet, Idf idf, Path cacheDir) {
        this.tokenizer = tokenizer;
        this.tagger = PosTagger.english();
        this.tagSet = tagSet;
        this.idf = idf;
        this.cacheDir = cacheDir;
    }

    /**
     * A builder with the defaults: the bundled bert-base-uncased vocab, max length 30, noun+verb, uniform IDF, no
     * cache.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link TextPipeline}. */
    public static final class Builder {
        private Path tokenizer;
        private int maxLength = DEFAULT_MAX_LENGTH;
        private TagSet tagSet = TagSet.NOUN_VERB;
        private Idf idf = Idf.uniform();
        private Path cacheDir;

        /**
         * A BERT {@code vocab.txt}, a {@code tokenizer.json}, or a directory with one (default:
         * {@link #defaultVocabulary()}).
         */
        public Builder tokenizer(Path path) {
            this.tokenizer = path;
            return this;
        }

        /** Maximum pieces per caption, [CLS] and [SEP] included; at least 2. */
        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        public Builder tagSet(TagSet tagSet) {
            this.tagSet = Objects.requireNonNull(tagSet, "tagSet");
            return this;
        }

        /** Training-caption IDF; {@link Idf#uniform()} for equal weights. */
        public Builder idf(Idf idf) {
            this.idf = Objects.requireNonNull(idf, "idf");
            return this;
        }

        /** Directory for {@link #encodeAll} results, reused while inputs and options are unchanged; null = no cache. */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        /** @throws IOException if the tokenizer file cannot be read (the message names it) */
        public TextPipeline build() throws IOException {
            Path path = tokenizer != null ? tokenizer : defaultVocabulary();
            return new TextPipeline(WordPieceTokenizer.load(path, maxLength), tagSet, idf, cacheDir);
        }
    }

    /**
     * The BERT uncased WordPiece vocabulary (30,522 pieces) bundled in the jar, extracted once to the
     * temp folder so the tokenizer can read it as a file; the CLI thus runs from any folder.
     *
     * @throws IllegalStateException if the jar lacks it or the temp folder is not writable (the message says which)
     */
    public static Path defaultVocabulary() {
        try {
            return bundledVocabulary();
        } catch (IOException e) {
            throw new IllegalStateException("cannot provide the bundled BERT vocabulary: " + e.getMessage()
                    + " (give a tokenizer file with --vocab)", e);
        }
    }

    private static final String BUNDLED_VOCAB = "bert-base-uncased-vocab.txt";

    private static synchronized Path bundledVocabulary() throws IOException {
        byte[] bytes;
        try (InputStream in = TextPipeline.class.getResourceAsStream(BUNDLED_VOCAB)) {
            if (in == null) {
                throw new IOException("the jar has no " + BUNDLED_VOCAB);
            }
            bytes = in.readAllBytes();
        }
        // named by content, so two versions never share a file and a finished copy is never rewritten
        Path dir = Path.of(System.getProperty("java.io.tmpdir"),
                "taco-vocab-" + Integer.toHexString(Arrays.hashCode(bytes)));
        Path file = dir.resolve(WordPieceTokenizer.VOCAB_FILE);
        if (!Files.exists(file) || Files.size(file) != bytes.length) {
            Files.createDirectories(dir);
            Path tmp = AtomicFiles.tempSibling(file, false);
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }

    /**
     * Encodes one caption.
     *
     * @throws IllegalArgumentException if caption is null
     */
    @Override
    public EncodedText encode(String caption) {
        if (caption == null) {
            throw new IllegalArgumentException("caption must not be null");
        }
        WordPieceTokenizer.Tokenized t = tokenizer.tokenize(caption);
        String[] wordTags = tagger.tagWords(caption, t.wordStarts(), t.wordEnds());
        int n = t.pieces().length;
        String[] tags = new String[n];
        boolean[] interest = new boolean[n];
        float[] weights = new float[n];
        double[] wordIdf = new double[t.numWords()];
        Arrays.fill(wordIdf, Double.NaN);
        double sum = 0;
        int count = 0;
        String unk = tokenizer.unkToken();
        for (int i = 0; i < n; i++) {
            int w = t.wordIds()[i];
            tags[i] = w >= 0 ? wordTags[w] : "";
            interest[i] = w >= 0 && tagSet.contains(tags[i]) && !unk.equals(t.pieces()[i]);
            if (interest[i]) {
                if (Double.isNaN(wordIdf[w])) {
                    wordIdf[w] = idf.idf(t.word(w));
                }
                weights[i] = (float) wordIdf[w];
                sum += wordIdf[w];
                count++;
            }
        }
        if (count > 0) {
            for (int i = 0; i < n; i++) {
                if (interest[i]) {
                    weights[i] = sum > 0 ? (float) (weights[i] / sum) : 1f / count;
                }
            }
        }
        computed.incrementAndGet();
        return new EncodedText(caption, List.of(t.pieces()), t.ids(), t.wordIds(), List.of(tags), interest, weights);
    }

    /**
     * Encodes many captions on all cores, in order. With a {@link Builder#cacheDir cache directory}
     * the result is stored under the SHA-256 of the captions, tokenizer file, options and IDF, and
     * read back instead of recomputed while those are unchanged; an unreadable cache file is
     * recomputed with a warning.
     *
     * @throws IllegalArgumentException if a caption is null (the message gives its index)
     */
    public List<EncodedText> encodeAll(List<String> captions) {
        for (int i = 0; i < captions.size(); i++) {
            if (captions.get(i) == null) {
                throw new IllegalArgumentException("captions[" + i + "] must not be null");
            }
        }
        Path file = cacheDir == null ? null : cacheDir.resolve("text-" + cacheKey(captions) + ".bin");
        if (file != null && Files.exists(file)) {
            try {
                List<EncodedText> cached = EncodingCache.read(file);
                if (cached.size() == captions.size()) {
                    lastCacheHit = true;
                    LOG.debug("text cache hit: {}", file);
                    return cached;
                }
                LOG.warn("text cache {} has {} captions, expected {}; recomputing", file, cached.size(),
                        captions.size());
            } catch (IOException | RuntimeException e) {
                LOG.warn("text cache {} is unreadable ({}); recomputing", file,
                        e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        lastCacheHit = false;
        EncodedText[] out = new EncodedText[captions.size()];
        // The common pool plus the calling thread use every core.
        IntStream.range(0, out.length).parallel().forEach(i -> out[i] = encode(captions.get(i)));
        List<EncodedText> result = List.of(out);
        if (file != null) {
            try {
                EncodingCache.write(file, result);
            } catch (IOException e) {
                LOG.warn("cannot write text cache {}: {}", file, e.getMessage());
            }
        }
        return result;
    }

    /**
     * Fits an {@link Idf} on training captions with this pipeline's word splitting (all cores).
     * Words are counted over the whole caption, not the truncated window.
     */
    public Idf fitIdf(List<String> trainingCaptions) {
        List<List<String>> docs = trainingCaptions.parallelStream().map(tokenizer::words).toList();
        return Idf.fit(docs);
    }

    /** The hex SHA-256 naming the cache file of these captions under the current options. */
    public String cacheKey(List<String> captions) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(ByteBuffer.allocate(12).putInt(CACHE_FORMAT).putInt(tokenizer.maxLength()).putInt(captions.size())
                    .array());
            md.update((tagSet.cliName() + "\n" + PosTagger.POS_MODEL + "\n" + PosTagger.TOKEN_MODEL + "\n"
                    + LexicalTagFix.VERSION + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            md.update(tokenizer.sourceBytes());
            md.update(idf.toJsonBytes());
            for (String c : captions) {
                byte[] b = c.getBytes(StandardCharsets.UTF_8);
                md.update(ByteBuffer.allocate(4).putInt(b.length).array()); // length prefix: ["ab","c"] != ["a","bc"]
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Number of captions this pipeline actually encoded (cache hits do not count). */
    public long computedCount() {
        return computed.get();
    }

    /** Whether the last {@link #encodeAll} was served from the cache. */
    public boolean lastCacheHit() {
        return lastCacheHit;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    public TagSet tagSet() {
        return tagSet;
    }

    public Idf idf() {
        return idf;
    }

    public int maxLength() {
        return tokenizer.maxLength();
    }

    @Override
    public void close() {
        tokenizer.close();
    }

}
