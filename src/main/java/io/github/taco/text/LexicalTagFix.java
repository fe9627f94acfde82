package io.github.taco.text;

import java.util.Locale;
import java.util.Set;

/**
 * Corrects the statistical tagger's Universal tags where a lexicon and a few rules of English word
 * order know better. This matters for search queries and cooking steps, which are short and
 * imperative. OpenNLP's model was trained on web prose; on a 160-item hand-labelled set of queries
 * and captions it got 77 % of the verbs and 90 % of the nouns right, and 95 % or more with this fix
 * ({@code ShortQueryTaggingTest}, docs/search.md).
 *
 * <ol>
 *   <li>A token without letters is never a noun or verb (">" was a NOUN).</li>
 *   <li>A content word (not a function word) gets a class WordNet gives it. "onion" as ADP becomes
 *       NOUN, "thin" as NOUN becomes ADJ. The replacement is its most used class. A query of one word
 *       is a noun when it can be one.</li>
 *   <li>Imperatives: the first word of a clause ("then", "now", "-ly" adverbs and commas may come
 *       before it) is a verb when WordNet allows it and an object or adjunct follows. Such a follower
 *       is a determiner, a pronoun or a number ("slice the onion"). It can also be a bare noun, a
 *       preposition or an adverb ("boil water", "simmer for", "stir well"), but then only for a word
 *       used at least a quarter as often as a verb as as a noun, so "beef stew" and "oil in a pan" stay
 *       nouns. A verb also follows "let it / let the dough".</li>
 *   <li>"-s" verbs after a subject ("the chef adds salt") where WordNet uses the word mostly as a verb.</li>
 *   <li>Nouns after a preposition at the end ("on top"), and after "and" joining nouns
 *       ("the flour and sugar").</li>
 * </ol>
 * Function words keep the tagger's tag. The benchmark's rendering ({@code ContentWords}) reads the
 * tagger's raw tags, so this fix does not change the built-in benchmark.
 */
final class LexicalTagFix {
    /** Part of the text pipeline's cache key: change it when the rules change. */
    static final String VERSION = "lexical-fix-2 wn31";

    private static final Set<String> CONTENT_TAGS = Set.of("NOUN", "PROPN", "VERB", "ADJ", "ADV");
    private static final Set<String> DETERMINERS_AND_PRONOUNS = Set.of("the", "a", "an", "some", "any", "this", "that",
            "these", "those", "it", "them", "him", "her", "his", "its", "their", "your", "my", "our", "each", "every",
            "all", "both", "half", "another", "more", "one", "two", "three", "few", "several", "everything",
            "something");
    private static final Set<String> PREPOSITIONS_AND_PARTICLES = Set.of("in", "into", "on", "onto", "to", "for",
            "with", "without", "at", "by", "from", "of", "off", "out", "up", "down", "over", "under", "around",
            "through", "until", "till", "aside", "away", "back", "together", "apart", "about", "along", "across",
            "inside", "well");
    /** Words that may open a clause before its imperative verb. */
    private static final Set<String> OPENERS = Set.of("then", "now", "first", "next", "finally", "lastly", "also",
            "again", "just", "please", "and", "afterwards", "second", "third", "so", ",", ";", ":", ".", "-");
    /** Closed classes of English: the tagger's tag of these is kept. */
    private static final Set<String> FUNCTION_WORDS = Set.of(
            "the", "a", "an", "this", "that", "these", "those", "some", "any", "each", "every", "all", "both", "no",
            "another", "other", "such", "what", "which", "whose", "who", "whom", "my", "your", "his", "her", "its",
            "our", "their", "i", "me", "you", "he", "him", "she", "it", "we", "us", "they", "them", "myself",
            "yourself", "itself", "themselves", "someone", "somebody", "something", "everyone", "everything", "anyone",
            "anything", "nothing", "one", "ones", "in", "on", "at", "to", "into", "onto", "from", "with", "without",
            "by", "for", "of", "off", "out", "up", "down", "over", "under", "about", "after", "before", "through",
            "until", "till", "around", "across", "along", "between", "among", "inside", "outside", "near", "behind",
            "above", "below", "beside", "within", "against", "during", "per", "via", "upon", "toward", "towards",
            "than", "like", "as", "aside", "away", "back", "and", "or", "but", "nor", "so", "yet", "if", "when",
            "while", "because", "although", "though", "once", "since", "then", "whether", "be", "is", "am", "are",
            "was", "were", "been", "being", "have", "has", "had", "do", "does", "did", "will", "would", "shall",
            "should", "can", "could", "may", "might", "must", "not", "n't", "there", "here", "how", "why", "where",
            "now", "just", "also", "very", "too", "again", "more", "most",
            "much", "many", "few", "less", "least", "please", "let", "lets", "let's");

    private LexicalTagFix() {}

    /**
     * @param words the tagger's tokens, in order
     * @param tags  their Universal tags
     * @return corrected tags (a new array)
     */
    static String[] fix(String[] words, String[] tags, Lexicon lexicon) {
        int n = words.length;
        String[] w = new String[n];
        Lexicon.Entry[] e = new Lexicon.Entry[n];
        String[] out = tags.clone();
        for (int i = 0; i < n; i++) {
            w[i] = words[i].toLowerCase(Locale.ROOT);
            e[i] = FUNCTION_WORDS.contains(w[i]) || !hasLetter(w[i]) ? Lexicon.Entry.NONE : lexicon.lookup(w[i]);
        }
        // 1–2: classes the word cannot have
        for (int i = 0; i < n; i++) {
            if (!hasLetter(w[i])) {
                if (CONTENT_TAGS.contains(out[i])) {
                    out[i] = "SYM";
                }
            } else if (e[i].known()) {
                if (n == 1) {
                    out[i] = e[i].canBeNoun() ? "NOUN" : mostUsed(e[i]);
                } else if (!allowed(out[i], w[i], e[i])) {
                    out[i] = mostUsed(e[i]);
                }
            }
        }
        // 3–4: verbs the tagger missed
        for (int i = 0; i < n; i++) {
            if (!e[i].canBeVerb() || out[i].equals("VERB")) {
                continue;
            }
            if ((clauseStart(w, out, i) && objectFollows(w, out, e, i)) || afterLet(w, out, i)
                    || thirdPersonVerb(w, out, e, i)) {
                out[i] = "VERB";
            }
        }
        // 5: nouns the tagger missed
        for (int i = 1; i < n; i++) {
            if (!e[i].canBeNoun()) {
                continue;
            }
            boolean last = i == n - 1 || out[i + 1].equals("PUNCT") || out[i + 1].equals("CCONJ");
            if (out[i].equals("ADJ") && last && out[i - 1].equals("ADP")) {
                out[i] = "NOUN"; // "on top"
            } else if (out[i].equals("VERB") && (last || out[i + 1].equals("ADP")) && i >= 2
                    && (w[i - 1].equals("and") || w[i - 1].equals("or"))
                    && (out[i - 2].equals("NOUN") || out[i - 2].equals("PROPN")) && mostUsed(e[i]).equals("NOUN")) {
                // "the flour and sugar"; but not "add the onions and cook", "... and serve": verbs joined after an
                // object
                out[i] = "NOUN";
            }
        }
        return out;
    }

    private static boolean hasLetter(String s) {
        return s.chars().anyMatch(Character::isLetter);
    }

    /** Whether WordNet allows the tag for the word (closed-class tags never are: the word is a content word). */
    private static boolean allowed(String tag, String word, Lexicon.Entry e) {
        return switch (tag) {
            case "NOUN", "PROPN" -> e.canBeNoun() || tag.equals("PROPN");
            case "VERB" -> e.canBeVerb();
            // participles used as adjectives are verb forms in WordNet ("chopped", "boiling")
            case "ADJ" -> e.canBeAdjective() || (e.canBeVerb() && (word.endsWith("ed") || word.endsWith("ing")));
            case "ADV" -> e.canBeAdverb();
            default -> false;
        };
    }

    /** The class WordNet uses the word in most (by corpus count, then by number of senses). */
    private static String mostUsed(Lexicon.Entry e) {
        int[] count = {e.nounCount(), e.verbCount(), e.adjCount(), e.advCount()};
        int[] senses = {e.nounSenses(), e.verbSenses(), e.adjSenses(), e.advSenses()};
        String[] tag = {"NOUN", "VERB", "ADJ", "ADV"};
        int best = 0;
        for (int p = 1; p < 4; p++) {
            if (count[p] > count[best] || (count[p] == count[best] && senses[p] > senses[best])) {
                best = p;
            }
        }
        return tag[best];
    }

    /** Only openers ("then", "now", commas, "-ly" adverbs) come before token i. */
    private static boolean clauseStart(String[] w, String[] tags, int i) {
        for (int j = 0; j < i; j++) {
            if (!OPENERS.contains(w[j]) && !(tags[j].equals("ADV") && w[j].endsWith("ly"))) {
                return false;
            }
        }
        return true;
    }

    /** Used at least a quarter as often as a verb as as a noun ("slice", "boil"; not "beef", "oil", "water"). */
    private static boolean verbish(Lexicon.Entry e) {
        return e.verbCount() > 0 && 4 * e.verbCount() >= e.nounCount();
    }

    /** What follows token i makes it a verb: an object or an adjunct. */
    private static boolean objectFollows(String[] w, String[] tags, Lexicon.Entry[] e, int i) {
        if (i + 1 >= w.length) {
            return false;
        }
        String next = w[i + 1];
        String tag = tags[i + 1];
        if (DETERMINERS_AND_PRONOUNS.contains(next) || tag.equals("NUM") || Character.isDigit(next.charAt(0))) {
            return true;
        }
        if ((next.equals("and") || next.equals("or")) && i + 2 < w.length
                && (tags[i + 2].equals("VERB") || e[i + 2].canBeVerb())) {
            return true; // "peel and chop the garlic"
        }
        boolean adjunct = PREPOSITIONS_AND_PARTICLES.contains(next) || tag.equals("ADV") || next.endsWith("ly");
        boolean bareObject = tag.equals("NOUN") || tag.equals("PROPN") || tag.equals("ADJ");
        return (adjunct || bareObject) && verbish(e[i]);
    }

    /** "let it cool", "let the dough rest": a verb after let + a pronoun or a short noun phrase. */
    private static boolean afterLet(String[] w, String[] tags, int i) {
        boolean ends = i == w.length - 1 || PREPOSITIONS_AND_PARTICLES.contains(w[i + 1])
                || tags[i + 1].equals("PUNCT");
        if (!ends) {
            return false;
        }
        if (i >= 2 && w[i - 2].equals("let") && tags[i - 1].equals("PRON")) {
            return true;
        }
        return i >= 3 && w[i - 3].equals("let") && tags[i - 2].equals("DET") && tags[i - 1].equals("NOUN");
    }

    /** "the chef adds salt": an -s form after a subject, before an object, mostly used as a verb. */
    private static boolean thirdPersonVerb(String[] w, String[] tags, Lexicon.Entry[] e, int i) {
        if (i == 0 || i + 1 >= w.length || !w[i].endsWith("s") || !tags[i].equals("NOUN")) {
            return false;
        }
        String prev = tags[i - 1];
        String next = tags[i + 1];
        boolean subject = prev.equals("NOUN") || prev.equals("PROPN") || prev.equals("PRON");
        boolean object = DETERMINERS_AND_PRONOUNS.contains(w[i + 1]) || next.equals("NOUN") || next.equals("NUM");
        return subject && object && e[i].verbCount() >= 5 * Math.max(1, e[i].nounCount());
    }
}
