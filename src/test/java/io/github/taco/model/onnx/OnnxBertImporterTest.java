package io.github.taco.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.cli.TacoCli;
import io.github.taco.model.PretrainedText;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer on small graphs written by the test ({@link OnnxWriter}): names, layout, sizes, heads
 * and epsilon come out right; bad inputs fail naming the file or field and write nothing.
 */
class OnnxBertImporterTest {

    @TempDir
    Path tmp;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path vocab() throws IOException {
        return write("vocab.txt", OnnxWriter.TINY_VOCAB.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void tinyGraphBecomesAHuggingFaceFolderTheModelLoads() throws Exception {
        Map<String, float[]> written = new HashMap<>();
        Path onnx = write("tiny.onnx", OnnxWriter.tinyBert(OnnxWriter.Tiny.standard(), written));
        Path out = tmp.resolve("bert");
        OnnxBertImporter.Result r = OnnxBertImporter.importFile(onnx, vocab(), out, null, false);
        assertEquals(2, r.sizes().heads());
        assertTrue(r.sizes().headsFrom().contains("Reshape"), r.sizes().headsFrom());
        assertEquals(5 + 16, r.tensors(), "the pooler is left out");
        assertEquals(List.of("config.json", "model.safetensors", "vocab.txt"),
                Arrays.stream(out.toFile().list()).sorted().toList());

        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("bert", config.get("model_type").asText());
        assertEquals("gelu", config.get("hidden_act").asText());
        assertEquals(1e-6, config.get("layer_norm_eps").asDouble(), 1e-12, "epsilon of the graph's LayerNormalization");
        TacoConfig c = PretrainedText.sizes(out, TacoConfig.cpu(8));
        assertEquals(List.of(1, OnnxWriter.HIDDEN, 2, OnnxWriter.INTERMEDIATE, OnnxWriter.VOCAB, OnnxWriter.POSITIONS),
                List.of(c.textLayers, c.textHiddenSize, c.textAttentionHeads, c.textIntermediateSize, c.vocabSize,
                        c.maxTextPositions));

        c.maxTokens = 8;
        try (NDManager manager = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, manager, 1)) {
            model.loadPretrainedText(out);
            // a MatMul weight [in, out] comes back as PyTorch's [out, in]
            for (String dense : List.of("attention.self.query", "intermediate.dense", "output.dense")) {
                String name = "encoder.layer.0." + dense + ".weight";
                float[] onnxInOut = written.get(name);
                float[] loaded = model.weights().get("text." + name).toFloatArray();
                long[] shape = model.weights().get("text." + name).getShape().getShape();
                int outDim = (int) shape[0];
                int inDim = (int) shape[1];
                for (int o = 0; o < outDim; o++) {
                    for (int i = 0; i < inDim; i++) {
                        assertEquals(onnxInOut[i * outDim + o], loaded[o * inDim + i], 0f,
                                name + " [" + o + ", " + i + "]");
                    }
                }
            }
            assertArrayEquals(written.get("encoder.layer.0.output.dense.bias"),
                    model.weights().get("text.encoder.layer.0.output.dense.bias").toFloatArray());
            assertArrayEquals(written.get("embeddings.word_embeddings.weight"),
                    model.weights().get("text.embeddings.word_embeddings.weight").toFloatArray());
        }
        assertEquals(List.of("bert", "tiny.onnx", "vocab.txt"), listing(), "no temporary folder left");
    }

    @Test
    void headsComeFromTheCallerOnlyWhenTheGraphHidesThem() throws Exception {
        Path hidden = write("hidden.onnx",
                OnnxWriter.tinyBert(new OnnxWriter.Tiny(false, 2, "Erf", 1e-12f), new HashMap<>()));
        Path vocab = vocab();
        IOException none = assertThrows(IOException.class,
                () -> OnnxBertImporter.importFile(hidden, vocab, tmp.resolve("a"), null, false));
        assertTrue(none.getMessage().contains("hidden.onnx") && none.getMessage().contains("--heads"),
                none.getMessage());
        IOException odd = assertThrows(IOException.class,
                () -> OnnxBertImporter.importFile(hidden, vocab, tmp.resolve("a"), 3, false));
        assertTrue(odd.getMessage().contains("3 attention heads do not divide the hidden size 4"), odd.getMessage());
        assertFalse(Files.exists(tmp.resolve("a")));

        OnnxBertImporter.Result r = OnnxBertImporter.importFile(hidden, vocab, tmp.resolve("b"), 4, false);
        assertEquals(4, PretrainedText.sizes(tmp.resolve("b"), TacoConfig.cpu(8)).numAttentionHeads);
        assertEquals("given by the caller", r.sizes().headsFrom());

        // a graph that shows 2 heads wins over nothing, and refuses a different count
        Path shown = write("shown.onnx", OnnxWriter.tinyBert(OnnxWriter.Tiny.standard(), new HashMap<>()));
        IOException wrong = assertThrows(IOException.class,
                () -> OnnxBertImporter.importFile(shown, vocab, tmp.resolve("c"), 4, false));
        assertTrue(wrong.getMessage().contains("4 attention heads were asked for, but the graph has 2"),
                wrong.getMessage());
        assertFalse(Files.exists(tmp.resolve("c")));
    }

    @Test
    void aTextFileIsNotOnnx() throws Exception {
        Path text = write("notes.onnx", "this is a text file, not a model\n".getBytes(StandardCharsets.UTF_8));
        assertFailsNamingWritingNothing(text, vocab(), "notes.onnx", "not an ONNX model");
    }

    @Test
    void aTruncatedFileIsNotOnnx() throws Exception {
        byte[] head = new byte[1 << 20];
        try (InputStream in = PretrainedText.class.getResourceAsStream(PretrainedText.MINILM_ONNX)) {
            assertEquals(head.length, in.readNBytes(head, 0, head.length));
        }
        assertFailsNamingWritingNothing(write("minilm-cut.onnx", head), vocab(), "minilm-cut.onnx",
                "not an ONNX model");
        byte[] tiny = OnnxWriter.tinyBert(OnnxWriter.Tiny.standard(), new HashMap<>());
        assertFailsNamingWritingNothing(write("tiny-cut.onnx", Arrays.copyOf(tiny, tiny.length / 2)), vocab(),
                "tiny-cut.onnx", "not an ONNX model");
    }

    @Test
    void aGraphThatIsNotBertIsRefused() throws Exception {
        assertFailsNamingWritingNothing(write("add.onnx", OnnxWriter.singleAdd()), vocab(), "add.onnx",
                "not a BERT graph: no initializer named 'embeddings.word_embeddings.weight'");
    }

    @Test
    void anActivationOtherThanErfGeluIsRefused() throws Exception {
        Path tanh = write("tanh.onnx",
                OnnxWriter.tinyBert(new OnnxWriter.Tiny(true, 2, "Tanh", 1e-12f), new HashMap<>()));
        assertFailsNamingWritingNothing(tanh, vocab(), "tanh.onnx", "layer 0's activation (Tanh 'Tanh_");
        Path relu = write("relu.onnx",
                OnnxWriter.tinyBert(new OnnxWriter.Tiny(true, 2, "Relu", 1e-12f), new HashMap<>()));
        assertFailsNamingWritingNothing(relu, vocab(), "relu.onnx",
                "layer 0's activation is not GELU with erf (nodes after its intermediate projection: [Relu])");
    }

    @Test
    void aMissingOrWrongTokenizerIsNamed() throws Exception {
        Path onnx = write("tiny.onnx", OnnxWriter.tinyBert(OnnxWriter.Tiny.standard(), new HashMap<>()));
        assertFailsNamingWritingNothing(onnx, tmp.resolve("no-such-tokenizer.json"), "no-such-tokenizer.json",
                "no such file");
        Path noCls = write("nocls-vocab.txt", "[PAD]\n[UNK]\n[SEP]\nadd\n".getBytes(StandardCharsets.UTF_8));
        assertFailsNamingWritingNothing(onnx, noCls, "nocls-vocab.txt", "no [CLS] token");
        Path big = write("big-vocab.txt", (OnnxWriter.TINY_VOCAB + "stir\nfry\n").getBytes(StandardCharsets.UTF_8));
        assertFailsNamingWritingNothing(onnx, big, "big-vocab.txt",
                "the tokenizer has 12 pieces, the model's embedding table 10 rows");
    }

    @Test
    void anExistingFolderIsKeptOnFailureAndReplacedOnlyWithOverwrite() throws Exception {
        Path onnx = write("tiny.onnx", OnnxWriter.tinyBert(OnnxWriter.Tiny.standard(), new HashMap<>()));
        Path bad = write("add.onnx", OnnxWriter.singleAdd());
        Path vocab = vocab();
        Path out = Files.createDirectories(tmp.resolve("bert"));
        Files.writeString(out.resolve("keep.txt"), "mine");

        IOException notEmpty = assertThrows(IOException.class,
                () -> OnnxBertImporter.importFile(onnx, vocab, out, null, false));
        assertTrue(notEmpty.getMessage().contains(out.toString()) && notEmpty.getMessage().contains("--overwrite"),
                notEmpty.getMessage());
        assertThrows(IOException.class, () -> OnnxBertImporter.importFile(bad, vocab, out, null, true));
        assertEquals(List.of("keep.txt"), Arrays.asList(out.toFile().list()));
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));

        OnnxBertImporter.importFile(onnx, vocab, out, null, true);
        assertEquals(List.of("config.json", "model.safetensors", "vocab.txt"),
                Arrays.stream(out.toFile().list()).sorted().toList());
        assertEquals(List.of("add.onnx", "bert", "tiny.onnx", "vocab.txt"), listing(),
                "no temporary or set-aside folder left");
    }

    @Test
    void cliExitCodesAndMessages() throws Exception {
        Path onnx = write("tiny.onnx", OnnxWriter.tinyBert(OnnxWriter.Tiny.standard(), new HashMap<>()));
        Path text = write("notes.onnx", "not a model".getBytes(StandardCharsets.UTF_8));
        Path vocab = vocab();
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "bert", "import", "--out", tmp.resolve("o").toString()), "no source");
        assertEquals(2, run(err, "bert", "import", "--minilm", "--onnx", onnx.toString(), "--tokenizer",
                vocab.toString(), "--out", tmp.resolve("o").toString()), "two sources");
        assertEquals(2, run(err, "bert", "import", "--onnx", onnx.toString(), "--out", tmp.resolve("o").toString()),
                "--tokenizer missing");
        assertEquals(2, run(err, "bert"), "no subcommand");

        StringWriter err1 = new StringWriter();
        assertEquals(1, run(err1, "bert", "import", "--onnx", text.toString(), "--tokenizer", vocab.toString(), "--out",
                tmp.resolve("o").toString()));
        assertTrue(err1.toString().contains("notes.onnx: not an ONNX model"), err1.toString());
        assertFalse(Files.exists(tmp.resolve("o")));

        assertEquals(0, run(new StringWriter(), "bert", "import", "--onnx", onnx.toString(), "--tokenizer",
                vocab.toString(), "--out", tmp.resolve("o").toString()));
        StringWriter err2 = new StringWriter();
        assertEquals(1, run(err2, "bert", "import", "--onnx", onnx.toString(), "--tokenizer", vocab.toString(), "--out",
                tmp.resolve("o").toString()));
        assertTrue(err2.toString().contains("--overwrite"), err2.toString());
        assertEquals(0, run(new StringWriter(), "bert", "import", "--onnx", onnx.toString(), "--tokenizer",
                vocab.toString(), "--out", tmp.resolve("o").toString(), "--overwrite"));
    }

    private static int run(StringWriter err, String... args) {
        var cl = TacoCli.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    /** The import fails with a message naming {@code name} and saying {@code what}; the output folder never appears. */
    private void assertFailsNamingWritingNothing(Path onnx, Path tokenizer, String name, String what)
            throws IOException {
        List<String> before = listing();
        Path out = tmp.resolve("out");
        IOException e = assertThrows(IOException.class,
                () -> OnnxBertImporter.importFile(onnx, tokenizer, out, null, false));
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
        assertFalse(Files.exists(out), "nothing written");
        assertEquals(before, listing(), "no temporary file left");
    }
}
