package io.github.taco.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Inverse document frequencies of lower-cased words over a set of training captions (docs/method.md §3):
 * {@code idf(w) = max(0, log(|D| / (1 + df(w))))}.
 *
 * <p>A word never seen in training has df = 0 and so gets {@code log |D|}, the largest idf any
 * word can have: an unseen word is treated as the rarest. {@link #uniform()} (|D| = 0) gives every
 * word idf 1, i.e. plain equal weights.
 *
 * <p>Saved as JSON, {@code {"numDocuments": N, "df": {"word": count, ...}}} with sorted keys, so a
 * model checkpoint can carry the training IDF and equal IDFs give equal files.
 */
public final class Idf {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final Idf UNIFORM = new Idf(0, Map.of());

    private final long numDocuments;
    private final Map<String, Integer> df;
    private final double logN;

    private Idf(long numDocuments, Map<String, Integer> df) {
        this.numDocuments = numDocuments;
        this.df = df;
        this.logN = numDocuments > 0 ? Math.log(numDocuments) : 0;
    }

    /** Every word weighs 1 (no IDF). */
    public static Idf uniform() {
        return UNIFORM;
    }

    /**
     * Counts, for each lower-cased word, the documents it occurs in.
     *
     * @param documents the words of each training caption (e.g. {@link WordPieceTokenizer#words})
     */
    public static Idf fit(Iterable<? extends Collection<String>> documents) {
        Map<String, Integer> df = new HashMap<>();
        long n = 0;
        for (Collection<String> doc : documents) {
            n++;
            Set<String> seen = new HashSet<>();
            for (String w : doc) {
                seen.add(w.toLowerCase(Locale.ROOT));
            }
            for (String w : seen) {
                df.merge(w, 1, Integer::sum);
            }
        }
        return new Idf(n, Map.copyOf(df));
    }

    /** Builds an IDF from counts, e.g. read elsewhere. */
    public static Idf of(long numDocuments, Map<String, Integer> df) {
        if (numDocuments < 0) {
            throw new IllegalArgumentException("numDocuments must be >= 0, got " + numDocuments);
        }
        Map<String, Integer> lower = new HashMap<>();
        df.forEach((w, c) -> {
            if (c == null || c < 0 || c > numDocuments) {
                throw new IllegalArgumentException("df of '" + w + "' must be in [0, numDocuments=" + numDocuments
                        + "], got " + c);
            }
            lower.merge(w.toLowerCase(Locale.ROOT), c, Math::max);
        });
        return new Idf(numDocuments, Map.copyOf(lower));
    }

    /** idf of a word (case-insensitive); 1 for {@link #uniform()}. */
    public double idf(String word) {
        if (numDocuments == 0) {
            return 1.0;
        }
        Integer d = df.get(word.toLowerCase(Locale.ROOT));
        if (d == null) {
            return logN;
        }
        return Math.max(0.0, logN - Math.log(1.0 + d));
    }

    /** |D|, the number of training captions; 0 for {@link #uniform()}. */
    public long numDocuments() {
        return numDocuments;
    }

    /** Document frequency of a word (0 if unseen). */
    public int documentFrequency(String word) {
        return df.getOrDefault(word.toLowerCase(Locale.ROOT), 0);
    }

    /** Number of distinct words seen. */
    /** The words some training document contained. */
    public Set<String> words() {
        return Collections.unmodifiableSet(df.keySet());
    }

    public int vocabularySize() {
        return df.size();
    }

    /** Whether this is the uniform (no-IDF) weighting. */
    public boolean isUniform() {
        return numDocuments == 0;
    }

    /** The JSON form, with sorted keys so equal IDFs give equal bytes. */
    public byte[] toJsonBytes() {
        ObjectNode root = JSON.createObjectNode();
        root.put("numDocuments", numDocuments);
        ObjectNode d = root.putObject("df");
        new TreeMap<>(df).forEach(d::put);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code idf.json}. */
    public void save(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, toJsonBytes());
    }

    /**
     * Reads an {@code idf.json} written by {@link #save}.
     *
     * @throws IOException naming the file and the bad field when it is not a valid IDF file
     */
    public static Idf load(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable IDF JSON file: " + e.getMessage(), e);
        }
        if (root == null || !root.path("numDocuments").canConvertToLong()
                || !root.path("numDocuments").isIntegralNumber()) {
            throw new IOException(file + ": field 'numDocuments' must be an integer");
        }
        JsonNode dfNode = root.path("df");
        if (!dfNode.isObject()) {
            throw new IOException(file + ": field 'df' must be an object of word -> document count");
        }
        Map<String, Integer> df = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = dfNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isInt()) {
                throw new IOException(file + ": field 'df." + e.getKey() + "' must be an integer");
            }
            df.put(e.getKey(), e.getValue().intValue());
        }
        try {
            return of(root.get("numDocuments").longValue(), df);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Idf other && numDocuments == other.numDocuments && df.equals(other.df);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(numDocuments) * 31 + df.hashCode();
    }

    @Override
    public String toString() {
        return isUniform() ? "Idf[uniform]" : "Idf[numDocuments=" + numDocuments + ", words=" + df.size() + "]";
    }
}
