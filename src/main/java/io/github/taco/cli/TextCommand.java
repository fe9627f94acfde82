package io.github.taco.cli;

import io.github.taco.text.EncodedText;
import io.github.taco.text.Idf;
import io.github.taco.text.TagSet;
import io.github.taco.text.TextPipeline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taco text CAPTION}: shows how the text pipeline sees a caption. */
@Command(
        name = "text",
        mixinStandardHelpOptions = true,
        description = {
            "Tokenize and tag a caption; show its tokens of interest and weights (docs/method.md §3).",
            "",
            "One row per word piece: index, piece, vocabulary id, word id, Universal POS "
                    + "tag, token-of-interest flag and weight (a caption's weights sum to 1).",
            "",
            "Example:",
            "  taco text \"add the chopped tomatoes to the pan and stir\" --idf run/idf.json"
        })
public final class TextCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "CAPTION", description = "Caption(s) to encode; quote each one.")
    String[] captions;

    @Option(names = "--vocab", paramLabel = "PATH",
            description = "BERT vocab.txt, tokenizer.json, or a directory with one (default: the BERT uncased "
                    + "vocabulary bundled in the jar).")
    Path vocab;

    @Option(names = "--tag-set", paramLabel = "SET", defaultValue = "noun+verb",
            description = "Tags whose words are tokens of interest: none, noun, verb, noun+verb, det+adp, all "
                    + "(default: ${DEFAULT-VALUE}).")
    String tagSet;

    @Option(names = "--max-length", paramLabel = "N", defaultValue = "" + TextPipeline.DEFAULT_MAX_LENGTH,
            description = "Maximum pieces including [CLS] and [SEP]; longer captions are truncated (default: "
                    + "${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--idf", paramLabel = "FILE",
            description = "idf.json of the training captions; without it every word weighs the same.")
    Path idf;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TagSet set;
        try {
            set = TagSet.parse(tagSet);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tag-set: " + e.getMessage());
        }
        TextPipeline.Builder b = TextPipeline.builder().maxLength(maxLength).tagSet(set)
                .idf(idf == null ? Idf.uniform() : Idf.load(idf));
        if (vocab != null) {
            b.tokenizer(vocab);
        }
        var out = spec.commandLine().getOut();
        try (TextPipeline pipeline = b.build()) {
            for (String caption : captions) {
                print(out, pipeline.encode(caption));
            }
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, EncodedText e) {
        out.println("caption: " + e.text());
        out.printf("%3s  %-16s %6s %5s  %-6s %-8s %s%n", "#", "piece", "id", "word", "tag", "interest", "weight");
        for (int i = 0; i < e.length(); i++) {
            out.printf("%3d  %-16s %6d %5s  %-6s %-8s %s%n", i, e.pieces().get(i), e.ids()[i],
                    e.wordIds()[i] < 0 ? "-" : Integer.toString(e.wordIds()[i]), e.tags().get(i),
                    e.interest()[i] ? "yes" : "", e.interest()[i] ? String.format("%.4f", e.weights()[i]) : "");
        }
        out.println();
    }
}
