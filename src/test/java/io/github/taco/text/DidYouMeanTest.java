package io.github.taco.text;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Unknown words of a query are replaced by the closest words of the training captions. */
class DidYouMeanTest {
    private static final Idf IDF = Idf.fit(List.of(List.of("chop", "the", "onion"), List.of("chop", "the", "carrot"),
            List.of("add", "the", "onion"), List.of("shop", "for", "onions"), List.of("whisk", "the", "eggs")));

    @Test
    void misspeltWordsBecomeTheClosestKnownOnes() {
        DidYouMean.Result r = DidYouMean.suggest("chopp the onoin", IDF);
        assertEquals("chop the onion", r.suggestion());
        assertEquals(List.of("chopp", "onoin"), r.unknown());
        assertFalse(r.mostlyUnknown());
        // a tie at the same distance goes to the more frequent word: chop (2 captions) over shop (1)
        assertEquals("chop", DidYouMean.nearest("xhop", IDF));
        assertEquals("Whisk the eggs", DidYouMean.suggest("Whisk the egs", IDF).suggestion().replace("whisk", "Whisk"));
    }

    @Test
    void knownQueriesAndForeignOnesGetNoSuggestion() {
        assertNull(DidYouMean.suggest("chop the onion", IDF).suggestion());
        DidYouMean.Result foreign = DidYouMean.suggest("schneide die Zwiebel", IDF);
        assertNull(foreign.suggestion(), "nothing close enough");
        assertTrue(foreign.mostlyUnknown());
        assertNull(DidYouMean.suggest("chopp", Idf.uniform()).suggestion(), "no vocabulary, no suggestion");
    }
}
