package io.github.taco.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.LevenshteinAutomata;

/**
 * Suggests a query of words the model knows: each word of the query that no training caption contained
 * is replaced by the closest word that some did (edit distance 1, or 2 for words of 6 letters or more, a
 * transposition counting as one; ties go to the more frequent word). "chopp the onoin" → "chop the onion".
 * The training vocabulary is the checkpoint's IDF table ({@link Idf}). Lucene's Levenshtein automata do the
 * matching (already a dependency, and exact where a hand-written distance is easy to get subtly wrong).
 */
public final class DidYouMean {
    private static final Pattern WORD = Pattern.compile("[\\p{L}']+");

    /**
     * @param suggestion the query with its unknown words replaced, or null when none could be
     * @param unknown    the query's words no training caption contained (lower case)
     * @param unmatched  how many of those have no known word close to them (not misspellings)
     * @param words      how many words the query has
     */
    public record Result(String suggestion, List<String> unknown, int unmatched, int words) {
        /**
         * True when most of the query's words are unknown and not misspellings: likely not English cooking text at all.
         */
        public boolean mostlyUnknown() {
            return words > 0 && 2 * unmatched > words;
        }
    }

    private DidYouMean() {}

    public static Result suggest(String query, Idf idf) {
        if (idf == null || idf.isUniform()) {
            return new Result(null, List.of(), 0, 0);
        }
        Matcher m = WORD.matcher(query);
        StringBuilder out = new StringBuilder();
        List<String> unknown = new ArrayList<>();
        int words = 0;
        int unmatched = 0;
        boolean changed = false;
        int last = 0;
        while (m.find()) {
            words++;
            String w = m.group().toLowerCase(Locale.ROOT);
            out.append(query, last, m.start());
            last = m.end();
            if (idf.documentFrequency(w) > 0) {
                out.append(m.group());
                continue;
            }
            unknown.add(w);
            String near = nearest(w, idf);
            out.append(near != null ? near : m.group());
            changed |= near != null;
            unmatched += near == null ? 1 : 0;
        }
        out.append(query.substring(last));
        return new Result(changed ? out.toString() : null, List.copyOf(unknown), unmatched, words);
    }

    /** The known word closest to {@code w}, or null when none is within the allowed distance. */
    static String nearest(String w, Idf idf) {
        int maxDistance = w.length() >= 6 ? 2 : w.length() >= 3 ? 1 : 0;
        for (int d = 1; d <= maxDistance; d++) {
            CharacterRunAutomaton within = new CharacterRunAutomaton(new LevenshteinAutomata(w, true).toAutomaton(d));
            String best = null;
            int bestDf = 0;
            for (String candidate : idf.words()) {
                int df = idf.documentFrequency(candidate);
                if (df > bestDf && within.run(candidate)) {
                    best = candidate;
                    bestDf = df;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }
}
