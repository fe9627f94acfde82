package io.github.taco.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a dataset by name with the default options of its reader. */
public final class Datasets {
    /** Names accepted by {@link #read}. */
    public static final List<String> NAMES = List.of("youcook2", "msrvtt", "activitynet", "howto100m", "univl");

    private Datasets() {}

    /**
     * @param name        youcook2 (the JSON, or a directory with it; a {@code .csv} path reads the
     *                    MIL-NCE validation CSV instead), msrvtt (directory, split1), activitynet
     *                    (directory or file, paragraph mode), howto100m (CSV, directory of CSVs or
     *                    raw_caption.json), univl (UniVL's caption pickle with its split CSVs beside it)
     * @param annotations path to the annotations
     */
    public static Dataset read(String name, Path annotations) throws IOException {
        return read(name, annotations, "split1", true);
    }

    /**
     * As {@link #read(String, Path)} with the dataset-specific choices.
     *
     * @param msrvttSplit "split1" (9k train) or "split2" (7k train); MSR-VTT only
     * @param paragraphs  ActivityNet only: one paragraph clip per video (true) or one clip per sentence
     */
    public static Dataset read(String name, Path annotations, String msrvttSplit, boolean paragraphs)
            throws IOException {
        if (!Files.exists(annotations)) {
            throw new IOException("annotations " + annotations + " do not exist");
        }
        return switch (name.toLowerCase()) {
            case "youcook2" -> annotations.toString().endsWith(".csv")
                    ? YouCook2Reader.readMilNceCsv(annotations) : YouCook2Reader.read(annotations);
            case "msrvtt" -> MsrVttReader.read(Files.isDirectory(annotations) ? annotations : annotations.getParent(),
                    msrvttSplit);
            case "activitynet" -> ActivityNetReader.read(annotations, paragraphs);
            case "howto100m" -> HowTo100MReader.read(annotations);
            case "univl" -> UniVLReader.read(annotations);
            default -> throw new IllegalArgumentException("unknown dataset '" + name + "' (one of " + NAMES + ")");
        };
    }
}
