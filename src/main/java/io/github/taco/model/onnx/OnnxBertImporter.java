package io.github.taco.model.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.taco.io.AtomicFiles;
import io.github.taco.model.TacoModel;
import io.github.taco.model.Weights;
import io.github.taco.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.lucene.util.IOUtils;

/**
 * Imports a BERT encoder exported to ONNX (e.g. by {@code torch.onnx.export} of a Hugging Face
 * {@code BertModel}) into a Hugging Face BERT folder — {@code config.json}, {@code model.safetensors}
 * (float32, BertModel tensor names, linear weights [out, in]) and the tokenizer — which
 * {@code taco train --bert DIR}, {@link PretrainedText#sizes} and {@link TacoModel#loadPretrainedText} read.
 *
 * <p>How the graph is read: biases, LayerNorm parameters and embedding tables are initializers under
 * their Hugging Face names (with or without a prefix such as {@code bert.}). A linear weight is the
 * second input of a MatMul, stored [in, out], under a generated name ({@code onnx::MatMul_787}); its
 * name is the one of the bias that an Add node adds to the MatMul's output
 * ({@code …query.bias} → {@code …query.weight}). Sizes come from the tensors' shapes; the number of
 * attention heads from the Reshape that splits the query projection into [batch, n, heads, head size]
 * (or the {@code num_heads} of a fused Attention node); LayerNorm's epsilon from the constant added
 * to the variance (or LayerNormalization's {@code epsilon}). The graph must compute GELU with erf,
 * as the text encoder does.
 *
 * <p>Every check runs before anything is written, and the folder is written as a temporary sibling
 * that is renamed into place: a failed import leaves no folder and an existing one untouched.
 *
 * <pre>{@code
 * OnnxBertImporter.Result r = OnnxBertImporter.importFile(Path.of("model.onnx"), Path.of("tokenizer.json"),
 *         Path.of("bert/minilm"), null, false);
 * TacoConfig c = PretrainedText.sizes(r.folder(), TacoConfig.cpu(512));
 * }</pre>
 */
public final class OnnxBertImporter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
    /** BERT's LayerNorm epsilon, used when the graph does not show its own. */
    static final double DEFAULT_LAYER_NORM_EPS = 1e-12;

    private OnnxBertImporter() {}

    /** The encoder's sizes as read from the graph, with where the head count and epsilon came from. */
    public record Sizes(int layers, int hidden, int heads, int intermediate, int vocab, int maxPositions, int typeVocab,
            double layerNormEps, String headsFrom, String epsFrom) {}

    /** What an import wrote. */
    public record Result(Path folder, Sizes sizes, int tensors, long parameters, String onnxSha256, double seconds) {}

    /** A BERT encoder read from a graph: its sizes and its tensors under Hugging Face names, [out, in] layout. */
    public record Bert(Sizes sizes, Map<String, float[]> tensors, Map<String, long[]> shapes) {
        public long parameters() {
            return tensors.values().stream().mapToLong(v -> v.length).sum();
        }
    }

    /**
     * Reads {@code onnx}, checks {@code tokenizer} and writes the Hugging Face BERT folder {@code out}.
     *
     * @param onnx      the ONNX file of a BERT encoder
     * @param tokenizer its tokenizer: a {@code tokenizer.json} or a WordPiece {@code vocab.txt}
     * @param out       the folder to write; it must not exist or be empty unless {@code overwrite}
     * @param heads     the number of attention heads if the graph does not show it (null: from the graph; if
     *                  both are known they must agree)
     * @param overwrite replace an existing non-empty {@code out}
     * @throws IOException naming the file or field at fault; nothing is written then
     */
    public static Result importFile(Path onnx, Path tokenizer, Path out, Integer heads, boolean overwrite)
            throws IOException {
        checkOut(out, overwrite);
        checkTokenizerFile(tokenizer);
        return importGraph(OnnxGraph.read(onnx), tokenizer, out, heads, overwrite);
    }

    /** As {@link #importFile}, for a graph already read. */
    public static Result importGraph(OnnxGraph graph, Path tokenizer, Path out, Integer heads, boolean overwrite)
            throws IOException {
        long t0 = System.nanoTime();
        checkOut(out, overwrite);
        checkTokenizerFile(tokenizer);
        Bert bert = read(graph, heads);
        checkTokenizer(tokenizer, bert.sizes().vocab());
        String sha = graph.sha256();

        Path abs = out.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = AtomicFiles.tempSibling(abs, true);
        try {
            String tokenizerName = WordPieceTokenizer.nameInFolder(tokenizer.getFileName().toString());
            Files.copy(tokenizer, tmp.resolve(tokenizerName));
            AtomicFiles.writeString(tmp.resolve(TacoModel.CONFIG_FILE), config(bert.sizes(), graph.file(), sha));
            writeSafetensors(bert, tmp.resolve(TacoModel.WEIGHTS_FILE));
            replace(tmp, abs, overwrite);
        } finally {
            if (Files.exists(tmp)) {
                IOUtils.rm(tmp);
            }
        }
        return new Result(out, bert.sizes(), bert.tensors().size(), bert.parameters(), sha,
                (System.nanoTime() - t0) / 1e9);
    }

    // ---------------------------------------------------------------- reading the graph

    /**
     * Reads the BERT encoder of {@code graph}: its tensors under Hugging Face BertModel names (without a
     * {@code bert.} prefix; the pooler and any head are left out) and its sizes.
     *
     * @param heads the number of attention heads if the graph does not show it, or null
     * @throws IOException naming the file and the missing or misshapen tensor if it is not a BERT encoder
     */
    public static Bert read(OnnxGraph graph, Integer heads) throws IOException {
        Path file = graph.file();
        String prefix = null;
        for (String name : graph.initializers().keySet()) {
            if (name.endsWith(WORD_EMBEDDINGS)) {
                prefix = name.substring(0, name.length() - WORD_EMBEDDINGS.length());
                break;
            }
        }
        if (prefix == null) {
            throw new IOException(file + ": not a BERT graph: no initializer named '" + WORD_EMBEDDINGS
                    + "' (the graph has " + graph.initializers().size() + " initializers and " + graph.nodes().size()
                    + " nodes)");
        }

        // Hugging Face name (prefix removed) → the initializer, and whether it is a MatMul weight ([in, out]).
        Map<String, OnnxGraph.Tensor> byName = new LinkedHashMap<>();
        Map<String, Boolean> transposed = new LinkedHashMap<>();
        for (OnnxGraph.Tensor t : graph.initializers().values()) {
            if (t.name().startsWith(prefix)) {
                byName.put(t.name().substring(prefix.length()), t);
                transposed.put(t.name().substring(prefix.length()), false);
            }
        }
        Map<String, String> denseNames = new LinkedHashMap<>(); // initializer → Hugging Face name
        for (OnnxGraph.Node n : graph.nodes()) {
            if (!n.opType().equals("MatMul") || n.inputs().size() != 2 || n.outputs().isEmpty()) {
                continue;
            }
            OnnxGraph.Tensor w = graph.initializer(n.inputs().get(1));
            if (w == null || w.dims().length != 2) {
                continue;
            }
            String hf = biasNamedWeight(graph, n, w);
            if (hf == null && w.name().endsWith(".weight")) {
                hf = w.name();
            }
            if (hf == null || !hf.startsWith(prefix)) {
                continue; // a linear map without a named bias is not part of BertModel
            }
            String previous = denseNames.putIfAbsent(w.name(), hf);
            if (previous != null && !previous.equals(hf)) {
                throw new IOException(file + ": initializer '" + w.name() + "' is the weight of both '" + previous
                        + "' and '" + hf + "'");
            }
            String key = hf.substring(prefix.length());
            OnnxGraph.Tensor other = byName.get(key);
            if (other != null && other != w) {
                throw new IOException(file + ": two initializers are the weight '" + hf + "': '" + other.name()
                        + "' and '" + w.name() + "'");
            }
            byName.put(key, w);
            transposed.put(key, true);
        }

        OnnxGraph.Tensor word = byName.get(WORD_EMBEDDINGS);
        long[] wd = word.dims();
        if (wd.length != 2) {
            throw new IOException(file + ": tensor '" + word.name() + "' has shape " + Arrays.toString(wd)
                    + ", expected [vocab, hidden]");
        }
        int vocab = (int) wd[0];
        int hidden = (int) wd[1];
        int maxPositions = rows(file, byName, prefix, "embeddings.position_embeddings.weight", hidden);
        int typeVocab = rows(file, byName, prefix, "embeddings.token_type_embeddings.weight", hidden);
        int layers = 0;
        for (String name : byName.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        if (layers == 0) {
            throw new IOException(file + ": not a BERT graph: no tensor named '" + prefix + "encoder.layer.0.*'");
        }
        OnnxGraph.Tensor inter = require(file, byName, prefix, "encoder.layer.0.intermediate.dense.bias");
        if (inter.dims().length != 1) {
            throw new IOException(file + ": tensor '" + inter.name() + "' has shape " + Arrays.toString(inter.dims())
                    + ", expected [intermediate]");
        }
        int intermediate = (int) inter.dims()[0];

        // Every tensor of BertModel (pooler aside), in Hugging Face's order and layout.
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(WORD_EMBEDDINGS, new long[] {vocab, hidden});
        shapes.put("embeddings.position_embeddings.weight", new long[] {maxPositions, hidden});
        shapes.put("embeddings.token_type_embeddings.weight", new long[] {typeVocab, hidden});
        shapes.put("embeddings.LayerNorm.weight", new long[] {hidden});
        shapes.put("embeddings.LayerNorm.bias", new long[] {hidden});
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            for (String proj : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                shapes.put(p + proj + ".weight", new long[] {hidden, hidden});
                shapes.put(p + proj + ".bias", new long[] {hidden});
            }
            shapes.put(p + "attention.output.LayerNorm.weight", new long[] {hidden});
            shapes.put(p + "attention.output.LayerNorm.bias", new long[] {hidden});
            shapes.put(p + "intermediate.dense.weight", new long[] {intermediate, hidden});
            shapes.put(p + "intermediate.dense.bias", new long[] {intermediate});
            shapes.put(p + "output.dense.weight", new long[] {hidden, intermediate});
            shapes.put(p + "output.dense.bias", new long[] {hidden});
            shapes.put(p + "output.LayerNorm.weight", new long[] {hidden});
            shapes.put(p + "output.LayerNorm.bias", new long[] {hidden});
        }
        // Cheap checks first: decoding the tensors is most of the time.
        checkActivation(graph, prefix, layers);
        HeadCount h = heads(graph, prefix, layers, hidden, heads);
        float[] eps = {Float.NaN};
        String epsFrom = layerNormEps(graph, prefix + "embeddings.LayerNorm.weight", eps);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            OnnxGraph.Tensor t = require(file, byName, prefix, name);
            long[] want = e.getValue();
            long[] expected = transposed.get(name) ? new long[] {want[1], want[0]} : want;
            if (!Arrays.equals(t.dims(), expected)) {
                throw new IOException(file + ": tensor '" + t.name() + "' (" + prefix + name + ") has shape "
                        + Arrays.toString(t.dims()) + ", expected " + Arrays.toString(expected)
                        + (transposed.get(name) ? " (a MatMul weight, [in, out])" : ""));
            }
        }
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            OnnxGraph.Tensor t = byName.get(name);
            long[] have = t.dims();
            float[] v = t.floats();
            tensors.put(name, transposed.get(name) ? transpose(v, (int) have[0], (int) have[1]) : v);
        }
        double layerNormEps = epsFrom == null ? DEFAULT_LAYER_NORM_EPS : Double.parseDouble(Float.toString(eps[0]));
        Sizes sizes = new Sizes(layers, hidden, h.heads(), intermediate, vocab, maxPositions, typeVocab, layerNormEps,
                h.from(), epsFrom == null ? "BERT's default" : epsFrom);
        return new Bert(sizes, tensors, shapes);
    }

    /** The Hugging Face name of a MatMul's weight: that of the bias an Add adds to its output, with 'weight'. */
    private static String biasNamedWeight(OnnxGraph graph, OnnxGraph.Node matMul, OnnxGraph.Tensor w) {
        String out = matMul.outputs().get(0);
        for (OnnxGraph.Node add : graph.consumers(out)) {
            if (!add.opType().equals("Add") || add.inputs().size() != 2) {
                continue;
            }
            String other = add.inputs().get(0).equals(out) ? add.inputs().get(1) : add.inputs().get(0);
            OnnxGraph.Tensor b = graph.initializer(other);
            if (b != null && other.endsWith(".bias") && b.dims().length == 1 && b.dims()[0] == w.dims()[1]) {
                return other.substring(0, other.length() - ".bias".length()) + ".weight";
            }
        }
        return null;
    }

    private static OnnxGraph.Tensor require(Path file, Map<String, OnnxGraph.Tensor> byName, String prefix, String name)
            throws IOException {
        OnnxGraph.Tensor t = byName.get(name);
        if (t == null) {
            throw new IOException(file + ": not a BERT graph: no tensor '" + prefix + name + "'"
                    + (name.endsWith(".weight") && !name.contains("LayerNorm") && !name.contains("embeddings")
                            ? " (neither an initializer of that name nor a MatMul weight whose output gets the bias '"
                                    + prefix + name.substring(0, name.length() - ".weight".length()) + ".bias')"
                            : ""));
        }
        return t;
    }

    private static int rows(Path file, Map<String, OnnxGraph.Tensor> byName, String prefix, String name, int hidden)
            throws IOException {
        long[] d = require(file, byName, prefix, name).dims();
        if (d.length != 2 || d[1] != hidden) {
            throw new IOException(file + ": tensor '" + prefix + name + "' has shape " + Arrays.toString(d)
                    + ", expected [rows, " + hidden + "]");
        }
        return (int) d[0];
    }

    private static float[] transpose(float[] v, int rows, int cols) {
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = v[r * cols + c];
            }
        }
        return t;
    }

    private record HeadCount(int heads, String from) {}

    /**
     * The number of attention heads: from the Reshape that splits a query/key/value projection into
     * [batch, n, heads, head size] (whose shape is a constant or a Concat with constant last parts), or
     * from a fused Attention node's {@code num_heads}; else the caller's.
     */
    private static HeadCount heads(OnnxGraph graph, String prefix, int layers, int hidden, Integer given)
            throws IOException {
        Path file = graph.file();
        Integer found = null;
        String where = null;
        for (int i = 0; i < layers; i++) {
            for (String proj : List.of("query", "key", "value")) {
                String bias = prefix + "encoder.layer." + i + ".attention.self." + proj + ".bias";
                for (OnnxGraph.Node add : graph.consumers(bias)) {
                    if (add.outputs().isEmpty()) {
                        continue;
                    }
                    String projected = add.outputs().get(0);
                    for (OnnxGraph.Node r : graph.consumers(projected)) {
                        if (!r.opType().equals("Reshape") || r.inputs().size() < 2
                                || !r.inputs().get(0).equals(projected)) {
                            continue;
                        }
                        Long[] shape = graph.constantInts(r.inputs().get(1));
                        if (shape == null || shape.length != 4) {
                            continue;
                        }
                        int h = -1;
                        if (shape[2] != null && shape[2] > 0) {
                            h = (int) (long) shape[2];
                        } else if (shape[3] != null && shape[3] > 0 && hidden % shape[3] == 0) {
                            h = (int) (hidden / shape[3]);
                        }
                        if (h <= 0) {
                            continue;
                        }
                        if (shape[3] != null && shape[3] > 0 && (long) h * shape[3] != hidden) {
                            throw new IOException(file + ": Reshape '" + r.name() + "' splits width " + hidden
                                    + " into " + h + " heads of " + shape[3]);
                        }
                        if (found != null && found != h) {
                            throw new IOException(file + ": the graph splits attention into " + found + " heads ("
                                    + where + ") and " + h + " heads (Reshape '" + r.name() + "')");
                        }
                        if (found == null) {
                            where = "Reshape '" + r.name() + "'";
                        }
                        found = h;
                    }
                }
            }
        }
        for (OnnxGraph.Node n : graph.nodes()) {
            OnnxGraph.Attribute a = n.attribute("num_heads");
            if ((n.opType().equals("Attention") || n.opType().equals("MultiHeadAttention")) && a != null
                    && a.i() != null) {
                int h = (int) (long) a.i();
                if (found != null && found != h) {
                    throw new IOException(file + ": the graph splits attention into " + found + " heads (" + where
                            + ") and " + h + " heads (" + n.opType() + " '" + n.name() + "')");
                }
                if (found == null) {
                    where = n.opType() + " '" + n.name() + "'";
                }
                found = h;
            }
        }
        if (found != null) {
            if (given != null && !given.equals(found)) {
                throw new IOException(file + ": " + given + " attention heads were asked for, but the graph has "
                        + found + " (" + where + ")");
            }
            return new HeadCount(found, "the graph, " + where);
        }
        if (given == null) {
            throw new IOException(file
                    + ": cannot tell the number of attention heads from the graph (no Reshape of the query projection "
                    + "with a constant head count); give it (--heads; all-MiniLM-L6-v2 has 12)");
        }
        if (given <= 0 || hidden % given != 0) {
            throw new IOException(file + ": " + given + " attention heads do not divide the hidden size " + hidden);
        }
        return new HeadCount(given, "given by the caller");
    }

    /** LayerNorm's epsilon, from the LayerNorm whose scale is {@code weight}; null (and eps untouched) if not found. */
    private static String layerNormEps(OnnxGraph graph, String weight, float[] eps) throws IOException {
        for (OnnxGraph.Node n : graph.consumers(weight)) {
            if (n.opType().equals("LayerNormalization")) {
                OnnxGraph.Attribute a = n.attribute("epsilon");
                eps[0] = a != null && a.f() != null ? a.f() : 1e-5f; // the ONNX operator's default
                return "LayerNormalization '" + n.name() + "'";
            }
            if (!n.opType().equals("Mul") || n.inputs().size() != 2) {
                continue;
            }
            // decomposed: (x - mean) / Sqrt(ReduceMean((x - mean)^2) + eps) * weight + bias
            String normalized = n.inputs().get(0).equals(weight) ? n.inputs().get(1) : n.inputs().get(0);
            OnnxGraph.Node div = graph.producer(normalized);
            if (div == null || !div.opType().equals("Div") || div.inputs().size() != 2) {
                continue;
            }
            OnnxGraph.Node sqrt = graph.producer(div.inputs().get(1));
            if (sqrt == null || !sqrt.opType().equals("Sqrt")) {
                continue;
            }
            OnnxGraph.Node add = graph.producer(sqrt.inputs().get(0));
            if (add == null || !add.opType().equals("Add")) {
                continue;
            }
            for (String in : add.inputs()) {
                Float f = graph.constantFloat(in);
                if (f != null) {
                    eps[0] = f;
                    return "Add '" + add.name() + "'";
                }
            }
        }
        return null;
    }

    /**
     * The text encoder computes GELU with erf: the nodes between each layer's intermediate projection
     * and the next MatMul must hold an Erf (or an erf Gelu op). The tanh approximation is refused, and
     * so is any other activation. (A pooler's Tanh elsewhere in the graph does not matter.)
     */
    private static void checkActivation(OnnxGraph graph, String prefix, int layers) throws IOException {
        for (int i = 0; i < layers; i++) {
            String bias = prefix + "encoder.layer." + i + ".intermediate.dense.bias";
            List<OnnxGraph.Node> path = new ArrayList<>();
            ArrayDeque<String> values = new ArrayDeque<>();
            for (OnnxGraph.Node n : graph.consumers(bias)) {
                values.addAll(n.outputs());
            }
            Set<String> seen = new HashSet<>();
            while (!values.isEmpty() && path.size() < 32) {
                for (OnnxGraph.Node n : graph.consumers(values.poll())) {
                    if (!n.opType().equals("MatMul") && seen.add(n.name() + "/" + n.outputs())) {
                        path.add(n); // up to the output projection's MatMul
                        values.addAll(n.outputs());
                    }
                }
            }
            boolean erf = false;
            for (OnnxGraph.Node n : path) {
                OnnxGraph.Attribute approximate = n.attribute("approximate");
                boolean tanhGelu = n.opType().equals("FastGelu") || n.opType().equals("Tanh")
                        || (n.opType().equals("Gelu") && approximate != null && "tanh".equals(approximate.s()));
                if (tanhGelu) {
                    throw new IOException(graph.file() + ": layer " + i + "'s activation (" + n.opType() + " '"
                            + n.name() + "') is GELU's tanh approximation; the text encoder computes GELU with erf");
                }
                erf |= n.opType().equals("Erf") || n.opType().equals("Gelu");
            }
            if (!erf) {
                throw new IOException(graph.file() + ": layer " + i
                        + "'s activation is not GELU with erf (nodes after its intermediate projection: "
                        + path.stream().map(OnnxGraph.Node::opType).toList() + "); only that is supported");
            }
        }
    }

    // ---------------------------------------------------------------- writing

    /** Refuses a file, or a non-empty folder unless {@code overwrite}. */
    static void checkOut(Path out, boolean overwrite) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new FileAlreadyExistsException(out.toString(), null, "exists and is not a folder");
        }
        if (!overwrite && Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new DirectoryNotEmptyException(out + " (use --overwrite to replace it)");
                }
            }
        }
    }

    private static void checkTokenizerFile(Path tokenizer) throws IOException {
        if (!Files.isRegularFile(tokenizer)) {
            throw new NoSuchFileException(tokenizer.toString(), null, "tokenizer: no such file");
        }
    }

    /** The tokenizer must load as the project's WordPiece tokenizer, and fit the embedding table. */
    private static void checkTokenizer(Path tokenizer, int vocab) throws IOException {
        try (WordPieceTokenizer tok = WordPieceTokenizer.load(tokenizer, 8)) {
            if (tok.vocabularySize() > vocab) {
                throw new IOException(tokenizer + ": the tokenizer has " + tok.vocabularySize()
                        + " pieces, the model's embedding table " + vocab + " rows");
            }
        }
    }

    private static String config(Sizes s, Path onnx, String sha) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("BertModel");
        c.put("model_type", "bert");
        c.put("hidden_size", s.hidden());
        c.put("num_hidden_layers", s.layers());
        c.put("num_attention_heads", s.heads());
        c.put("intermediate_size", s.intermediate());
        c.put("hidden_act", "gelu");
        c.put("vocab_size", s.vocab());
        c.put("max_position_embeddings", s.maxPositions());
        c.put("type_vocab_size", s.typeVocab());
        c.put("layer_norm_eps", s.layerNormEps());
        c.put("hidden_dropout_prob", 0.1);
        c.put("attention_probs_dropout_prob", 0.1);
        c.put("initializer_range", 0.02);
        c.put("pad_token_id", 0);
        c.put("position_embedding_type", "absolute");
        c.put("torch_dtype", "float32");
        // Where it came from; Hugging Face keeps unknown config fields as attributes, nothing reads them.
        ObjectNode src = c.putObject("taco_import");
        src.put("onnx", onnx.getFileName() == null ? onnx.toString() : onnx.getFileName().toString());
        src.put("onnx_sha256", sha);
        src.put("num_attention_heads_from", s.headsFrom());
        src.put("layer_norm_eps_from", s.epsFrom());
        return JSON.writeValueAsString(c);
    }

    /** float32 safetensors with DJL's encoder, as {@link Weights#save} writes checkpoints. */
    private static void writeSafetensors(Bert bert, Path file) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList list = new NDList();
            for (Map.Entry<String, float[]> e : bert.tensors().entrySet()) {
                NDArray a = manager.create(e.getValue(), new Shape(bert.shapes().get(e.getKey())));
                a.setName(e.getKey());
                list.add(a);
            }
            AtomicFiles.write(file, out -> list.encode(out, NDList.Encoding.SAFETENSORS));
        }
    }

    /**
     * Renames the finished {@code tmp} folder to {@code target}, setting an existing one aside first and deleting it
     * after.
     */
    static void replace(Path tmp, Path target, boolean overwrite) throws IOException {
        Path old = null;
        if (Files.isDirectory(target)) {
            checkOut(target, overwrite); // again: it may have filled since the first check
            old = target.resolveSibling("." + target.getFileName() + ".old" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // put the old folder back
            }
            throw e;
        }
        if (old != null) {
            IOUtils.rm(old);
        }
    }

}
