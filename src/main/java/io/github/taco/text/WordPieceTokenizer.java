package io.github.taco.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BERT WordPiece tokenizer with word ids, backed by the Hugging Face tokenizers library (through
 * DJL) and loaded from local files only: it never downloads.
 *
 * <p>Sources: a {@code tokenizer.json} (used as is, e.g. the test data's {@code bert-tiny}), a BERT
 * {@code vocab.txt} (an uncased BERT tokenizer is generated for it: BertNormalizer with
 * lower-casing and accent stripping, BertPreTokenizer, WordPiece with {@code ##}, and
 * {@code [CLS] $A [SEP]}), or a directory holding one of them ({@code tokenizer.json} preferred).
 *
 * <p>A word is what the pre-tokenizer splits: runs of letters/digits, each punctuation mark,
 * and each CJK character. Text longer than {@code maxLength} pieces is truncated, keeping
 * {@code [CLS]} and {@code [SEP]}. Thread-safe: the native tokenizer is immutable.
 *
 * <pre>{@code
 * try (WordPieceTokenizer tok = WordPieceTokenizer.load(Path.of("vocab.txt"), 30)) {
 *     WordPieceTokenizer.Tokenized t = tok.tokenize("add the chopped tomatoes");
 * }
 * }</pre>
 */
public final class WordPieceTokenizer implements AutoCloseable {
    /** Pieces with their words. Arrays have one entry per piece; word spans one per word. */
    public record Tokenized(
            String text, String[] pieces, int[] ids, int[] wordIds, int[] wordStarts, int[] wordEnds) {
        /** Number of words kept after truncation. */
        public int numWords() {
            return wordStarts.length;
        }

        /** The caption text of word {@code w}, as written (not lower-cased). */
        public String word(int w) {
            return text.substring(wordStarts[w], wordEnds[w]);
        }
    }

    private final HuggingFaceTokenizer truncating;
    private final HuggingFaceTokenizer full;
    private final int maxLength;
    private final byte[] sourceBytes;
    private final String source;
    private final String unkToken;
    private final int vocabularySize;
    private final JsonNode vocabulary;

    private WordPieceTokenizer(byte[] tokenizerJson, byte[] sourceBytes, String source, int maxLength, String unkToken)
            throws IOException {
        this.truncating = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson),
                options(maxLength, true));
        // Words for IDF counting come from the whole text, not the truncated window.
        this.full = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson),
                options(maxLength, false));
        this.maxLength = maxLength;
        this.sourceBytes = sourceBytes;
        this.source = source;
        this.unkToken = unkToken;
        this.vocabulary = new ObjectMapper().readTree(tokenizerJson).path("model").path("vocab");
        this.vocabularySize = vocabulary.size();
        // EncodedText promises [CLS] first and [SEP] last; a tokenizer.json without that template would break it.
        String[] probe = truncating.encode("a").getTokens();
        if (probe.length < 2 || !probe[0].equals("[CLS]") || !probe[probe.length - 1].equals("[SEP]")) {
            close();
            throw new IOException(source + ": tokenizer does not add [CLS] ... [SEP] (post_processor missing?), got "
                    + Arrays.toString(probe));
        }
    }

    private static Map<String, String> options(int maxLength, boolean truncate) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("addSpecialTokens", "true");
        o.put("padding", "false");
        o.put("truncation", Boolean.toString(truncate));
        o.put("maxLength", Integer.toString(maxLength));
        o.put("modelMaxLength", Integer.toString(Math.max(maxLength, 512)));
        return o;
    }

    /** A Hugging Face tokenizer file's name in a model folder. */
    public static final String JSON_FILE = "tokenizer.json";
    /** A BERT WordPiece vocabulary's name in a model folder. */
    public static final String VOCAB_FILE = "vocab.txt";

    /**
     * The one rule for which tokenizer a folder (checkpoint, BERT folder) holds: its
     * {@value #JSON_FILE} if it has one, else its {@value #VOCAB_FILE}; null when it has neither.
     */
    public static Path fileIn(Path dir) {
        for (String f : new String[] {JSON_FILE, VOCAB_FILE}) {
            if (Files.isRegularFile(dir.resolve(f))) {
                return dir.resolve(f);
            }
        }
        return null;
    }

    /**
     * The name a tokenizer file takes when copied into a model folder: {@value #JSON_FILE} for JSON, else
     * {@value #VOCAB_FILE}.
     */
    public static String nameInFolder(String sourceFileName) {
        return sourceFileName.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON_FILE : VOCAB_FILE;
    }

    /**
     * Loads a tokenizer from a {@code tokenizer.json}, a BERT {@code vocab.txt} or a directory holding one.
     *
     * @param path      file or directory
     * @param maxLength maximum pieces including [CLS] and [SEP], at least 2
     * @throws IOException              if the file cannot be read or parsed (the message names it)
     * @throws IllegalArgumentException if maxLength &lt; 2
     */
    public static WordPieceTokenizer load(Path path, int maxLength) throws IOException {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2 ([CLS] and [SEP]), got " + maxLength);
        }
        Path file = path;
        if (Files.isDirectory(path)) {
            file = fileIn(path) != null ? fileIn(path) : path.resolve(VOCAB_FILE);
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("tokenizer: no such file: " + file);
        }
        byte[] bytes = Files.readAllBytes(file);
        try {
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
                String unk = new ObjectMapper().readTree(bytes).path("model").path("unk_token").asText("[UNK]");
                return new WordPieceTokenizer(bytes, bytes, file.toString(), maxLength, unk);
            }
            List<String> vocab = List.of(new String(bytes, StandardCharsets.UTF_8).split("\r?\n"));
            return new WordPieceTokenizer(bertTokenizerJson(vocab, file.toString()), bytes, file.toString(), maxLength,
                    "[UNK]");
        } catch (IOException | RuntimeException e) {
            throw new IOException("tokenizer: cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Builds the {@code tokenizer.json} of an uncased BERT WordPiece tokenizer for a vocabulary (one
     * piece per line, id = line number), as Hugging Face's {@code BertTokenizerFast} would save it.
     *
     * @param where names the vocabulary in error messages
     * @throws IllegalArgumentException if [CLS], [SEP] or [UNK] is missing
     */
    public static byte[] bertTokenizerJson(List<String> vocab, String where) {
        ObjectMapper om = new ObjectMapper();
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            String piece = vocab.get(i).strip();
            if (!piece.isEmpty()) {
                ids.putIfAbsent(piece, i);
            }
        }
        for (String special : List.of("[CLS]", "[SEP]", "[UNK]")) {
            if (!ids.containsKey(special)) {
                throw new IllegalArgumentException(where + ": vocabulary has no " + special + " token");
            }
        }
        ObjectNode root = om.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")) {
            if (ids.containsKey(special)) {
                added.addObject().put("id", ids.get(special)).put("content", special).put("single_word", false)
                        .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
            }
        }
        ObjectNode norm = root.putObject("normalizer");
        norm.put("type", "BertNormalizer").put("clean_text", true).put("handle_chinese_chars", true)
                .putNull("strip_accents"); // null = follow lowercase, as bert-base-uncased does
        norm.put("lowercase", true);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addAll(single.deepCopy());
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String special : List.of("[CLS]", "[SEP]")) {
            ObjectNode s = specials.putObject(special);
            s.put("id", special);
            s.putArray("ids").add(ids.get(special));
            s.putArray("tokens").add(special);
        }
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
                .put("max_input_chars_per_word", 100);
        ObjectNode v = model.putObject("vocab");
        ids.forEach(v::put);
        try {
            return om.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tokenizes with truncation to {@link #maxLength()}. {@code [CLS]}/{@code [SEP]} have word id -1. */
    public Tokenized tokenize(String text) {
        return toTokenized(text, truncating.encode(text));
    }

    /** The lower-cased words of the whole text (no truncation), the unit IDF counts. */
    public List<String> words(String text) {
        Tokenized t = toTokenized(text, full.encode(text));
        List<String> out = new ArrayList<>(t.numWords());
        for (int w = 0; w < t.numWords(); w++) {
            out.add(t.word(w).toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static Tokenized toTokenized(String text, Encoding e) {
        String[] pieces = e.getTokens();
        long[] longIds = e.getIds();
        long[] longWordIds = e.getWordIds();
        CharSpan[] spans = e.getCharTokenSpans();
        int n = pieces.length;
        int[] ids = new int[n];
        int[] wordIds = new int[n];
        int numWords = 0;
        for (int i = 0; i < n; i++) {
            ids[i] = (int) longIds[i];
            wordIds[i] = (int) longWordIds[i];
            numWords = Math.max(numWords, wordIds[i] + 1);
        }
        int[] starts = new int[numWords];
        int[] ends = new int[numWords];
        Arrays.fill(starts, Integer.MAX_VALUE);
        // The library reports offsets in code points; Java strings index UTF-16 units.
        boolean surrogates = text.length() != text.codePointCount(0, text.length());
        for (int i = 0; i < n; i++) {
            int w = wordIds[i];
            if (w < 0 || spans[i] == null) {
                continue;
            }
            int s = spans[i].getStart();
            int en = spans[i].getEnd();
            if (surrogates) {
                s = text.offsetByCodePoints(0, s);
                en = text.offsetByCodePoints(0, en);
            }
            starts[w] = Math.min(starts[w], s);
            ends[w] = Math.max(ends[w], en);
        }
        for (int w = 0; w < numWords; w++) {
            if (starts[w] == Integer.MAX_VALUE) { // a word id with no span: make it empty, not invalid
                starts[w] = 0;
                ends[w] = 0;
            }
        }
        return new Tokenized(text, pieces, ids, wordIds, starts, ends);
    }

    /** The id of a vocabulary entry (e.g. "[MASK]"), or -1 if the vocabulary has none. */
    public int id(String piece) {
        return vocabulary.path(piece).asInt(-1);
    }

    /** Number of entries of the vocabulary (the text encoder's embedding rows). */
    public int vocabularySize() {
        return vocabularySize;
    }

    /** Maximum number of pieces, [CLS] and [SEP] included. */
    public int maxLength() {
        return maxLength;
    }

    /** The unknown-piece token, e.g. {@code [UNK]}. */
    public String unkToken() {
        return unkToken;
    }

    /** The bytes of the file it was loaded from (for cache keys). */
    public byte[] sourceBytes() {
        return sourceBytes.clone();
    }

    /** The file it was loaded from. */
    public String source() {
        return source;
    }

    @Override
    public void close() {
        truncating.close();
        full.close();
    }
}
