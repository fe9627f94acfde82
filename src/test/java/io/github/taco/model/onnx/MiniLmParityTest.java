package io.github.taco.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.SharedData;
import io.github.taco.cli.TacoCli;
import io.github.taco.model.PretrainedText;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.text.WordPieceTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled all-MiniLM-L6-v2, imported by {@code taco bert import --minilm}, is the same encoder as
 * its ONNX graph: on real YouCook2 captions (a padded batch), the text encoder's last hidden states
 * equal ONNX Runtime's to 1e-4, and a wrong head count would not.
 */
class MiniLmParityTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path tmp;
    private static Path folder;
    private static String cliOut;
    private static List<String> captions;
    private static long[][] ids;
    private static long[][] mask;
    private static int width;
    private static float[][][] reference;

    @BeforeAll
    static void importAndRunOnnxRuntime() throws Exception {
        folder = tmp.resolve("minilm");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = TacoCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        long t0 = System.nanoTime();
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true));
        int code;
        try {
            code = cl.execute("bert", "import", "--minilm", "--out", folder.toString());
        } finally {
            System.setOut(stdout);
        }
        cliOut = printed.toString();
        System.out.printf("taco bert import --minilm: %.1f s%n%s", (System.nanoTime() - t0) / 1e9, cliOut);
        assertEquals(0, code, err.toString());

        // 20 real captions (YouCook2 validation, file order): different lengths, so the batch is padded.
        JsonNode db = new ObjectMapper()
                .readTree(SharedData.file("youcook2/youcookii_annotations_trainval.json").toFile()).get("database");
        captions = new ArrayList<>();
        for (var it = db.fields(); it.hasNext() && captions.size() < 20; ) {
            var e = it.next();
            if (e.getValue().path("subset").asText().equals("validation")) {
                for (JsonNode a : e.getValue().get("annotations")) {
                    if (captions.size() < 20) {
                        captions.add(a.get("sentence").asText());
                    }
                }
            }
        }
        try (WordPieceTokenizer tok = WordPieceTokenizer.load(folder, 64)) {
            List<int[]> rows = new ArrayList<>();
            for (String c : captions) {
                rows.add(tok.tokenize(c).ids());
            }
            width = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
            ids = new long[rows.size()][width];
            mask = new long[rows.size()][width];
            for (int i = 0; i < rows.size(); i++) {
                for (int t = 0; t < rows.get(i).length; t++) {
                    ids[i][t] = rows.get(i)[t];
                    mask[i][t] = 1;
                }
            }
        }

        byte[] model;
        try (InputStream in = PretrainedText.class.getResourceAsStream(PretrainedText.MINILM_ONNX)) {
            model = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1); // a shared two-core machine
            try (OrtSession session = env.createSession(model, options)) {
                assertEquals(Set.of("input_ids", "attention_mask", "token_type_ids"), session.getInputNames());
                long[][] types = new long[ids.length][width];
                try (OnnxTensor a = OnnxTensor.createTensor(env, ids);
                        OnnxTensor b = OnnxTensor.createTensor(env, mask);
                        OnnxTensor c = OnnxTensor.createTensor(env, types);
                        OrtSession.Result r = session.run(
                                Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
                    reference = (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
                }
            }
        }
    }

    @AfterAll
    static void summary() {
        System.out.printf("MiniLmParityTest: %d captions, %d positions%n", captions.size(), width);
    }

    @Test
    void cliImportReadsAsMiniLmSizes() throws Exception {
        TacoConfig c = PretrainedText.sizes(folder, TacoConfig.cpu(8));
        assertEquals(6, c.textLayers);
        // the text encoder takes MiniLM's sizes; d, the video encoder and the fusion keep the preset's
        assertEquals(384, c.textHiddenSize);
        assertEquals(12, c.textAttentionHeads);
        assertEquals(1536, c.textIntermediateSize);
        assertEquals(128, c.hiddenSize);
        assertEquals(30522, c.vocabSize);
        assertEquals(512, c.maxTextPositions);
        assertEquals(2, c.typeVocabSize);
        assertEquals(1e-12, c.layerNormEps, 1e-18);
        assertTrue(cliOut.contains("12 heads (read from the graph"), cliOut);
        // the tokenizer is the jar's, byte for byte
        try (InputStream in = PretrainedText.class.getResourceAsStream(PretrainedText.MINILM_TOKENIZER)) {
            assertArrayEquals(in.readAllBytes(), Files.readAllBytes(folder.resolve("tokenizer.json")));
        }
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(folder), s.toList(), "no temporary folder left beside the output");
        }
    }

    @Test
    void tokenizationIsWhatTheTokenizerFileSays() throws Exception {
        Set<Integer> lengths = new HashSet<>();
        for (long[] m : mask) {
            lengths.add((int) Arrays.stream(m).sum());
        }
        assertTrue(lengths.size() > 3, "captions of several lengths, so the batch has padding: " + lengths);
        // DJL's tokenizer straight from the same file (no options: DJL turns the file's padding to 128 off).
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"))) {
            for (int i = 0; i < captions.size(); i++) {
                Encoding e = hf.encode(captions.get(i));
                int n = (int) Arrays.stream(mask[i]).sum();
                assertArrayEquals(Arrays.copyOf(ids[i], n), e.getIds(), captions.get(i));
                assertEquals(101, ids[i][0]);   // [CLS]
                assertEquals(102, ids[i][n - 1]); // [SEP]
            }
        }
        try (WordPieceTokenizer tok = WordPieceTokenizer.load(folder, 64)) {
            assertArrayEquals(tok.tokenize("add the chopped onions").ids(),
                    tok.tokenize("Add The CHOPPED Onions").ids(), "uncased");
        }
    }

    @Test
    void lastHiddenStatesEqualOnnxRuntime() throws Exception {
        double max = maxAbsDifference(null);
        System.out.printf("MiniLM vs ONNX Runtime: max |difference| %.2e over valid positions%n", max);
        assertTrue(max <= TOLERANCE, "max |difference| " + max);
    }

    @Test
    void aWrongHeadCountWouldBeCaught() throws Exception {
        double max = maxAbsDifference(6);
        System.out.printf("MiniLM with 6 heads instead of 12: max |difference| %.2e%n", max);
        assertTrue(max > 100 * TOLERANCE, "max |difference| " + max);
    }

    /** Runs the text encoder loaded from the imported folder (heads overridden if not null) and compares with ORT. */
    private static double maxAbsDifference(Integer heads) throws Exception {
        TacoConfig c = PretrainedText.sizes(folder, TacoConfig.cpu(8));
        c.maxTokens = width;
        if (heads != null) {
            c.textAttentionHeads = heads;
        }
        int b = ids.length;
        float[] m = new float[b * width];
        long[] flat = new long[b * width];
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < width; t++) {
                flat[i * width + t] = ids[i][t];
                m[i * width + t] = mask[i][t];
            }
        }
        double max = 0;
        int compared = 0;
        try (NDManager manager = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, manager, 1)) {
            model.loadPretrainedText(folder);
            // the BERT's own last hidden states, before the projection to d
            NDArray y = model.textHiddenStates(manager.create(flat, new Shape(b, width)),
                    manager.create(m, new Shape(b, width)));
            assertEquals(new Shape(b, width, 384), y.getShape());
            float[] out = y.toFloatArray();
            for (int i = 0; i < b; i++) {
                for (int t = 0; t < width; t++) {
                    if (mask[i][t] == 0) {
                        continue; // padded positions are not defined
                    }
                    for (int k = 0; k < 384; k++) {
                        max = Math.max(max, Math.abs(out[(i * width + t) * 384 + k] - reference[i][t][k]));
                        compared++;
                    }
                }
            }
        }
        assertTrue(compared > 20 * 384 * 5, "compared " + compared);
        return max;
    }
}
