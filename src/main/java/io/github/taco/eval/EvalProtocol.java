package io.github.taco.eval;

import io.github.taco.data.Split;
import io.github.taco.io.EnumNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which clips of a split an evaluation scores, named so that a figure is compared only with figures
 * measured on the same clips.
 */
public enum EvalProtocol {
    /** Every clip of the split. */
    ALL,
    /**
     * YouCook2's validation clips that MIL-NCE evaluates on (its {@code csv/validation_youcook.csv}): the
     * 3,350 segments of 436 of the 457 validation videos, those not in HowTo100M. Most papers since
     * (MIL-NCE, TACo among them) report on this subset; the whole split has 3,492 clips.
     */
    MILNCE;

    private static final String MILNCE_VIDEOS = "milnce-youcook2-validation-videos.txt";
    /** The subset's size in MIL-NCE's CSV. */
    public static final int MILNCE_CLIPS = 3350;

    /** all or milnce (any case); anything else is an error naming them. */
    public static EvalProtocol parse(String s) {
        return EnumNames.parse(EvalProtocol.class, s, "protocol");
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Checks that the protocol fits the data: milnce is YouCook2's validation split only. */
    public void check(String dataset, Split split) {
        if (this == MILNCE && (!"youcook2".equalsIgnoreCase(dataset) || split != Split.VALIDATION)) {
            throw new IllegalArgumentException("--protocol milnce is MIL-NCE's subset of YouCook2's validation split; "
                    + "this is " + dataset + " " + split.name().toLowerCase(Locale.ROOT));
        }
    }

    /** The videos whose clips are scored, or null for every video. */
    public Set<String> videos() throws IOException {
        if (this == ALL) {
            return null;
        }
        try (InputStream in = EvalProtocol.class.getResourceAsStream(MILNCE_VIDEOS)) {
            if (in == null) {
                throw new IOException("the jar lacks " + MILNCE_VIDEOS);
            }
            Set<String> out = new LinkedHashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.trim());
                }
            }
            return out;
        }
    }

    /** How the protocol is named in tables and JSON. */
    public String describe() {
        return this == ALL ? "every clip of the split"
                : "MIL-NCE's subset (validation_youcook.csv: 436 videos, 3,350 clips, the ones not in HowTo100M)";
    }
}
