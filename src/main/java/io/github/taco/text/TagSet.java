package io.github.taco.text;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.taco.io.EnumNames;
import java.util.List;
import java.util.Set;

/**
 * Which Universal POS tags make a word's pieces tokens of interest (docs/method.md §3).
 *
 * <p>{@link #NOUN_VERB} is the paper's default, {@link #DET_ADP} its control experiment.
 * PROPN counts as a noun: in video captions proper nouns name visible things ("minecraft",
 * "spongebob"), and on lower-cased captions the tagger often swaps NOUN and PROPN, so splitting
 * them would make the choice depend on tagger noise. AUX does not count as a verb: "is", "are",
 * "can" carry no visual content.
 */
public enum TagSet {
    NONE("none"),
    NOUN("noun", "NOUN", "PROPN"),
    VERB("verb", "VERB"),
    NOUN_VERB("noun+verb", "NOUN", "PROPN", "VERB"),
    DET_ADP("det+adp", "DET", "ADP"),
    /** Every word of the caption (punctuation included); [CLS], [SEP] and [UNK] never are. */
    ALL("all");

    private final String cliName;
    private final Set<String> tags;

    TagSet(String cliName, String... tags) {
        this.cliName = cliName;
        this.tags = Set.of(tags);
    }

    /** The name used on the command line and in config files, e.g. {@code noun+verb}. */
    @JsonValue
    public String cliName() {
        return cliName;
    }

    /** Whether a word with this Universal tag is a token of interest. */
    public boolean contains(String tag) {
        return this == ALL ? !tag.isEmpty() : tags.contains(tag);
    }

    /**
     * Parses a CLI name ({@code none, noun, verb, noun+verb, det+adp, all}) or an enum constant name.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    @JsonCreator
    public static TagSet parse(String name) {
        return EnumNames.parse(TagSet.class, name, "tag set", t -> List.of(t.cliName, t.name()));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
