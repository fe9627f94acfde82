package io.github.taco.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import opennlp.tools.postag.POSModel;
import opennlp.tools.postag.POSTaggerME;
import opennlp.tools.tokenize.TokenizerME;
import opennlp.tools.tokenize.TokenizerModel;
import opennlp.tools.util.Span;

/**
 * English Universal POS tagger (Apache OpenNLP, UD English-EWT models) loaded from the classpath,
 * so it never downloads. Tags are Universal tags: NOUN, VERB, PROPN, AUX, DET, ADP, ...
 *
 * <p>OpenNLP tokenizes differently from WordPiece ("doesn't" is one OpenNLP token, three WordPiece
 * words), so {@link #tagWords} aligns by character spans: each word takes the tag of the OpenNLP
 * token that overlaps it most. Thread-safe: the models are shared, the (stateful) OpenNLP tagger
 * and tokenizer are one per thread.
 *
 * <p>The model was trained on web text: on short queries and imperatives it often tags a verb at the
 * start of a recipe step as NOUN ("slice the onion") and a lone noun as anything ("onion" as ADP).
 * {@link #tagWords} therefore corrects its tags with {@link LexicalTagFix}; {@link #tag} does not.
 */
public final class PosTagger {
    /** Resource names inside opennlp-models-pos-en / opennlp-models-tokenizer-en 1.3.0. */
    static final String POS_MODEL = "/opennlp-en-ud-ewt-pos-1.3-2.5.4.bin";
    static final String TOKEN_MODEL = "/opennlp-en-ud-ewt-tokens-1.3-2.5.4.bin";
    /** Tag of a word no OpenNLP token overlaps (UD's "other"). */
    public static final String UNKNOWN_TAG = "X";

    private static volatile PosTagger english;

    private final ThreadLocal<POSTaggerME> taggers;
    private final ThreadLocal<TokenizerME> tokenizers;

    private PosTagger(POSModel pos, TokenizerModel tokens) {
        this.taggers = ThreadLocal.withInitial(() -> new POSTaggerME(pos));
        this.tokenizers = ThreadLocal.withInitial(() -> new TokenizerME(tokens));
    }

    /** The shared English tagger; the models (about 1.5 MB) load once per JVM. */
    public static PosTagger english() {
        PosTagger t = english;
        if (t == null) {
            synchronized (PosTagger.class) {
                t = english;
                if (t == null) {
                    try (InputStream p = resource(POS_MODEL); InputStream k = resource(TOKEN_MODEL)) {
                        t = new PosTagger(new POSModel(p), new TokenizerModel(k));
                    } catch (IOException e) {
                        throw new UncheckedIOException("POS tagger: cannot read OpenNLP model from the classpath", e);
                    }
                    english = t;
                }
            }
        }
        return t;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = PosTagger.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("classpath resource " + name
                    + " not found (is opennlp-models-*-en on the classpath?)");
        }
        return in;
    }

    /** An OpenNLP token with its UTF-16 character span [start, end) and Universal tag. */
    public record Token(int start, int end, String tag) {}

    /** Tokenizes and tags a text with OpenNLP's own tokenizer. */
    public Token[] tag(String text) {
        Span[] spans = tokenizers.get().tokenizePos(text);
        String[] words = Span.spansToStrings(spans, text);
        String[] tags = words.length == 0 ? new String[0] : taggers.get().tag(words);
        Token[] out = new Token[spans.length];
        for (int i = 0; i < spans.length; i++) {
            out[i] = new Token(spans[i].getStart(), spans[i].getEnd(), tags[i]);
        }
        return out;
    }

    /**
     * As {@link #tag}, with the tags corrected by {@link LexicalTagFix} (WordNet and word order):
     * what the tokens of interest are chosen from. {@link #tag} stays the model's raw output.
     */
    public Token[] tagCorrected(String text) {
        Token[] raw = tag(text);
        String[] words = new String[raw.length];
        String[] tags = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            words[i] = text.substring(raw[i].start(), raw[i].end());
            tags[i] = raw[i].tag();
        }
        String[] fixed = LexicalTagFix.fix(words, tags, Lexicon.english());
        Token[] out = new Token[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = new Token(raw[i].start(), raw[i].end(), fixed[i]);
        }
        return out;
    }

    /**
     * Tags words given by character spans (e.g. WordPiece words), by largest overlap with OpenNLP tokens.
     * A compound tag such as {@code AUX+PART} ("doesn't") is spread over the words of its token in
     * order; punctuation-only words in it get {@code PUNCT}.
     *
     * @param starts word start offsets, ascending
     * @param ends   word end offsets
     * @return one Universal tag per word, {@link #UNKNOWN_TAG} where nothing overlaps
     */
    public String[] tagWords(String text, int[] starts, int[] ends) {
        int n = starts.length;
        String[] out = new String[n];
        if (n == 0) {
            return out;
        }
        Token[] tokens = tagCorrected(text);
        int[] best = new int[n];
        int p = 0;
        for (int w = 0; w < n; w++) {
            while (p < tokens.length && tokens[p].end() <= starts[w]) {
                p++;
            }
            int bestTok = -1;
            int bestOverlap = 0;
            for (int k = p; k < tokens.length && tokens[k].start() < ends[w]; k++) {
                int overlap = Math.min(ends[w], tokens[k].end()) - Math.max(starts[w], tokens[k].start());
                if (overlap > bestOverlap) {
                    bestOverlap = overlap;
                    bestTok = k;
                }
            }
            best[w] = bestTok;
        }
        for (int w = 0; w < n; ) {
            int tok = best[w];
            int last = w;
            while (last + 1 < n && best[last + 1] == tok) {
                last++;
            }
            if (tok < 0) {
                for (int i = w; i <= last; i++) {
                    out[i] = UNKNOWN_TAG;
                }
            } else {
                spreadTag(text, tokens[tok].tag(), starts, ends, w, last, out);
            }
            w = last + 1;
        }
        return out;
    }

    /** Words w..last share one OpenNLP token; split a compound tag over the non-punctuation words. */
    private static void spreadTag(String text, String tag, int[] starts, int[] ends, int w, int last, String[] out) {
        int plus = tag.indexOf('+');
        if (plus < 0 || w == last) {
            for (int i = w; i <= last; i++) {
                out[i] = tag;
            }
            return;
        }
        String[] parts = tag.split("\\+");
        int content = 0;
        for (int i = w; i <= last; i++) {
            if (!isPunctuation(text, starts[i], ends[i])) {
                content++;
            }
        }
        int c = 0;
        for (int i = w; i <= last; i++) {
            if (isPunctuation(text, starts[i], ends[i])) {
                out[i] = "PUNCT";
            } else {
                int part = content <= 1 ? 0 : (int) Math.round((double) c * (parts.length - 1) / (content - 1));
                out[i] = parts[Math.min(part, parts.length - 1)];
                c++;
            }
        }
    }

    private static boolean isPunctuation(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            if (Character.isLetterOrDigit(text.charAt(i))) {
                return false;
            }
        }
        return end > start;
    }
}
