package io.github.taco.cli;

import io.github.taco.model.PretrainedText;
import io.github.taco.model.onnx.OnnxBertImporter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco bert ...}: pretrained text encoders (currently {@code import}). */
@Command(name = "bert", mixinStandardHelpOptions = true, description = "Pretrained text encoders for --bert.",
        subcommands = {BertCommand.Import.class, CommandLine.HelpCommand.class})
final class BertCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: try 'taco bert import --help'.");
    }

    @Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Import a BERT exported to ONNX as a Hugging Face BERT folder, for --bert.",
            description = {"Reads a BERT encoder from an ONNX file (as torch.onnx.export writes a Hugging Face "
                    + "BertModel: biases, LayerNorm and embeddings under their Hugging Face names, linear weights as "
                    + "MatMul inputs) and writes a Hugging Face BERT folder: config.json, model.safetensors (float32, "
                    + "BertModel names) and the tokenizer, which 'taco train --bert DIR' and 'taco ablate --bert "
                    + "DIR' start from.",
                    "",
                    "Sizes come from the tensors' shapes, the number of attention heads from the graph (the Reshape "
                    + "that splits the heads); the graph must compute GELU with erf. Nothing is written if "
                    + "any check fails.",
                    "",
                    "--minilm imports all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0: 6 layers, width 384, 12 "
                    + "heads, the bert-base-uncased vocabulary), which ships inside the taco jar: no download.",
                    "",
                    "Examples:",
                    "  taco bert import --minilm --out bert/minilm",
                    "  taco bert import --onnx model.onnx --tokenizer tokenizer.json \\",
                    "    --out bert/my-bert",
                    "  taco train --bert bert/minilm --annotations ... --features ... --out runs/x"})
    static final class Import implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--minilm", required = true, description = "Import the bundled all-MiniLM-L6-v2.")
            boolean minilm;

            @ArgGroup(exclusive = false)
            Files files;
        }

        static final class Files {
            @Option(names = "--onnx", required = true,
                    description = "The ONNX file of a BERT encoder (weights inside the file).")
            Path onnx;

            @Option(names = "--tokenizer", required = true,
                    description = "Its tokenizer: tokenizer.json or a WordPiece vocab.txt (copied into the folder).")
            Path tokenizer;
        }

        @Option(names = "--out", required = true,
                description = "The Hugging Face BERT folder to write (must not exist or be empty).")
        Path out;

        @Option(names = "--overwrite", description = "Replace --out if it exists and is not empty.")
        boolean overwrite;

        @Option(names = "--heads", description = "Attention heads, only for a graph that does not show them (it is "
                + "read from the graph otherwise, and must agree); all-MiniLM-L6-v2 has 12.")
        Integer heads;

        @Override
        public Integer call() throws Exception {
            OnnxBertImporter.Result r;
            if (source.minilm) {
                if (heads != null && heads != 12) {
                    throw new IllegalArgumentException("--heads " + heads
                            + ": all-MiniLM-L6-v2 has 12 attention heads");
                }
                r = PretrainedText.importMiniLm(out, overwrite);
            } else {
                r = OnnxBertImporter.importFile(source.files.onnx, source.files.tokenizer, out, heads, overwrite);
            }
            OnnxBertImporter.Sizes s = r.sizes();
            System.out.printf(Locale.ROOT, "BERT: %d layers, width %d, %d heads (%s), intermediate %d, vocabulary %d, "
                            + "%d positions, LayerNorm eps %.0e%n",
                    s.layers(), s.hidden(), s.heads(),
                    s.headsFrom().startsWith("the graph") ? "read from " + s.headsFrom() : s.headsFrom(),
                    s.intermediate(), s.vocab(), s.maxPositions(), s.layerNormEps());
            System.out.printf(Locale.ROOT, "%d tensors, %.1fM parameters, imported in %.1f s%n", r.tensors(),
                    r.parameters() / 1e6, r.seconds());
            System.out.println("wrote " + r.folder() + " (use it with --bert)");
            return 0;
        }
    }
}
