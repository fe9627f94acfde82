package io.github.taco.data.synth;

import io.github.taco.text.PosTagger;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import opennlp.tools.lemmatizer.LemmatizerME;
import opennlp.tools.lemmatizer.LemmatizerModel;

/**
 * What a caption says that a camera could see: its content words, by lemma, in sentence order.
 *
 * <p>A word is visible unless it is on a fixed list of function words (articles, pronouns,
 * prepositions, conjunctions, auxiliaries, discourse adverbs). The decision never looks at the
 * part of speech, so a noun or a verb is exactly as visible as an adjective, a numeral or an adverb:
 * the benchmark must not favour TACo's tokens of interest (nouns and verbs) by construction.
 * Particles that change an action ("chop up", "set aside", "take out") are kept. The part of
 * speech is used only to find the lemma (OpenNLP's UD lemmatizer needs it): "slices" → "slice".
 *
 * <p>Synonyms ({@link #SYNONYMS}, a short hand-made list of cooking words: cut/chop/slice/dice, …)
 * name a group whose look the renderer shares between its members.
 */
public final class ContentWords {
    /** Classpath resource of opennlp-models-lemmatizer-en 1.3.0. */
    static final String LEMMA_MODEL = "/opennlp-en-ud-ewt-lemmas-1.3-2.5.4.bin";

    /** Function words: never visible. Closed-class words and discourse adverbs, not chosen by POS. */
    static final Set<String> FUNCTION_WORDS = Set.of(
            "a", "an", "the", "this", "that", "these", "those", "some",
            "any", "each", "every", "both", "all", "another", "other",
            "and", "or", "but", "nor", "so", "if", "then", "than",
            "as", "while", "when", "until", "till", "once", "because",
            "of", "in", "on", "at", "to", "into", "onto", "with",
            "without", "from", "for", "by", "about", "through", "under",
            "inside", "within", "between", "after", "before", "during",
            "upon", "across", "along", "against", "behind", "beside",
            "next", "throughout", "via", "per", "like", "toward", "towards",
            "it", "its", "it's", "they", "them", "their", "theirs", "we",
            "us", "our", "you", "your", "i", "me", "my", "he", "him",
            "his", "she", "her", "one", "ones", "itself", "themselves",
            "yourself", "which", "what", "who", "whom", "where", "how",
            "be", "is", "are", "was", "were", "been", "being", "am", "do", "does", "did", "done", "have", "has", "had",
            "will", "would", "shall", "should", "can", "could", "may", "might", "must", "let", "lets", "let's",
            "also", "again", "just", "now", "very", "well", "too",
            "more", "most", "much", "there", "here", "not", "no", "only",
            "even", "still", "already", "really", "quite", "almost", "s", "'s");

    /** Particles that change the action: visible even though they look like prepositions. */
    static final Set<String> PARTICLES = Set.of("up", "down", "off", "out", "over", "away", "together", "apart", "back",
            "aside", "around");

    /** Groups of cooking words that look alike (they share part of their visual concept). */
    static final List<List<String>> SYNONYMS = List.of(
            List.of("cut", "chop", "slice", "dice", "mince", "cube", "julienne", "shred"),
            List.of("mix", "stir", "combine", "whisk", "beat", "blend", "toss", "fold"),
            List.of("add", "put", "place", "pour", "transfer", "drop", "throw", "insert"),
            List.of("fry", "saute", "sear", "brown", "cook", "stir-fry", "deep-fry"),
            List.of("boil", "simmer", "poach", "blanch", "steam"),
            List.of("bake", "roast", "grill", "broil", "toast"),
            List.of("spread", "coat", "brush", "rub", "smear", "drizzle", "sprinkle", "dust"),
            List.of("remove", "take", "discard", "drain", "strain"),
            List.of("heat", "warm", "preheat"),
            List.of("knead", "roll", "flatten", "shape", "form", "press"),
            List.of("pan", "skillet", "wok", "pot", "saucepan"),
            List.of("bowl", "dish", "plate", "tray", "container"),
            List.of("oil", "butter", "ghee", "lard"),
            List.of("onion", "shallot", "scallion", "leek"),
            List.of("beef", "pork", "lamb", "meat", "steak"),
            List.of("sauce", "dressing", "gravy", "dip"),
            List.of("noodle", "pasta", "spaghetti"),
            List.of("chili", "chilli", "jalapeno"),
            List.of("cilantro", "parsley", "coriander", "basil", "herb"),
            List.of("small", "little", "tiny"),
            List.of("large", "big"),
            List.of("piece", "chunk", "strip", "wedge"));

    private static final Map<String, Integer> GROUP = new HashMap<>();

    static {
        for (int g = 0; g < SYNONYMS.size(); g++) {
            for (String w : SYNONYMS.get(g)) {
                if (GROUP.put(w, g) != null) {
                    throw new IllegalStateException("synonym groups overlap at " + w);
                }
            }
        }
    }

    private static volatile LemmatizerModel model;
    private static final ThreadLocal<LemmatizerME> LEMMATIZERS = ThreadLocal.withInitial(
            () -> new LemmatizerME(model()));

    private ContentWords() {}

    /** The synonym group of a lemma, or -1 when it has none. */
    public static int synonymGroup(String lemma) {
        return GROUP.getOrDefault(lemma, -1);
    }

    /**
     * The visible lemmas of a caption in order of first mention (a lemma said twice is one concept).
     * Thread-safe.
     */
    public static List<String> of(String caption) {
        String text = caption.toLowerCase(Locale.ROOT);
        PosTagger.Token[] tokens = PosTagger.english().tag(text);
        String[] words = new String[tokens.length];
        String[] tags = new String[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            words[i] = text.substring(tokens[i].start(), tokens[i].end());
            // a participle used as an adjective ("chopped onions") is lemmatized as the verb it comes
            // from, so the chopped state and the act of chopping are one concept
            tags[i] = tokens[i].tag().equals("ADJ") && words[i].endsWith("ed") ? "VERB" : tokens[i].tag();
        }
        String[] lemmas = words.length == 0 ? new String[0] : LEMMATIZERS.get().lemmatize(words, tags);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (!hasLetterOrDigit(w) || (FUNCTION_WORDS.contains(w) && !PARTICLES.contains(w))) {
                continue;
            }
            // the lemmatizer answers "O" for a word it has no lemma for: keep the word itself
            String lemma = repair(w,
                    lemmas[i] == null || lemmas[i].equals("O") ? w : lemmas[i].toLowerCase(Locale.ROOT));
            if (FUNCTION_WORDS.contains(lemma) && !PARTICLES.contains(lemma)) {
                continue; // "is" → "be"
            }
            if (!out.contains(lemma)) {
                out.add(lemma);
            }
        }
        return out;
    }

    /**
     * Two systematic slips of the statistical lemmatizer on cooking verbs and plurals, measured on the
     * YouCook2 captions: a doubled final consonant kept ("chopped" → "chopp", "stirring" → "stirr")
     * and "-oes" plurals ("tomatoes" → "tomatoe"). Without the repair a chopped onion and a chop
     * would be two unrelated concepts.
     */
    static String repair(String word, String lemma) {
        int n = lemma.length();
        if (!word.equals(lemma) && n >= 4 && lemma.charAt(n - 1) == lemma.charAt(n - 2)
                && "bgmnprt".indexOf(lemma.charAt(n - 1)) >= 0) {
            return lemma.substring(0, n - 1);
        }
        if (word.endsWith("oes") && lemma.endsWith("oe") && n >= 5) {
            return lemma.substring(0, n - 1);
        }
        return lemma;
    }

    private static boolean hasLetterOrDigit(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (Character.isLetterOrDigit(w.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static LemmatizerModel model() {
        LemmatizerModel m = model;
        if (m == null) {
            synchronized (ContentWords.class) {
                m = model;
                if (m == null) {
                    try (InputStream in = ContentWords.class.getResourceAsStream(LEMMA_MODEL)) {
                        if (in == null) {
                            throw new IOException("classpath resource " + LEMMA_MODEL
                                    + " not found (is opennlp-models-lemmatizer-en on the classpath?)");
                        }
                        m = new LemmatizerModel(in);
                    } catch (IOException e) {
                        throw new UncheckedIOException("lemmatizer: cannot read the OpenNLP model", e);
                    }
                    model = m;
                }
            }
        }
        return m;
    }
}
