package io.github.taco.cli;

import io.github.taco.model.PretrainedText;
import java.nio.file.Path;
import picocli.CommandLine;

/** {@code --bert} values: a Hugging Face BERT folder, or the word {@code minilm} for the MiniLM bundled in the jar. */
final class BertFolder implements CommandLine.ITypeConverter<Path> {
    /** Appended to every --bert option's help. */
    static final String HELP = " The word 'minilm' is all-MiniLM-L6-v2, bundled in the jar (imported into "
            + "~/.cache/taco on first use).";

    @Override
    public Path convert(String value) throws Exception {
        return PretrainedText.resolveBert(value);
    }
}
