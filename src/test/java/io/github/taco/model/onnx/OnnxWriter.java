package io.github.taco.model.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes small ONNX models for the tests, field by field with protobuf's {@link CodedOutputStream}
 * (the numbers of onnx.proto, as {@link OnnxGraph} reads them), and builds a tiny BERT graph.
 */
final class OnnxWriter {
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<String> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    static byte[] message(Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** TensorProto with raw little-endian data: dims = 1, data_type = 2, name = 8, raw_data = 9. */
    static byte[] floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return tensor(name, dims, OnnxGraph.FLOAT, b.array());
    }

    static byte[] longTensor(String name, long[] dims, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return tensor(name, dims, OnnxGraph.INT64, b.array());
    }

    private static byte[] tensor(String name, long[] dims, int type, byte[] raw) {
        return message(out -> {
            for (long d : dims) {
                out.writeInt64(1, d);
            }
            out.writeInt32(2, type);
            out.writeString(8, name);
            out.writeByteArray(9, raw);
        });
    }

    /** AttributeProto with a tensor: name = 1, t = 5, type = 20 (TENSOR = 4). */
    static byte[] tensorAttribute(String name, byte[] tensor) {
        return message(out -> {
            out.writeString(1, name);
            out.writeByteArray(5, tensor);
            out.writeInt32(20, 4);
        });
    }

    /** AttributeProto with a float: f = 2, type FLOAT = 1. */
    static byte[] floatAttribute(String name, float f) {
        return message(out -> {
            out.writeString(1, name);
            out.writeFloat(2, f);
            out.writeInt32(20, 1);
        });
    }

    /** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
    OnnxWriter node(String op, List<String> in, List<String> out, byte[]... attributes) {
        nodes.add(message(o -> {
            for (String s : in) {
                o.writeString(1, s);
            }
            for (String s : out) {
                o.writeString(2, s);
            }
            o.writeString(3, op + "_" + nodes.size());
            o.writeString(4, op);
            for (byte[] a : attributes) {
                o.writeByteArray(5, a);
            }
        }));
        return this;
    }

    OnnxWriter initializer(byte[] tensor) {
        initializers.add(tensor);
        return this;
    }

    OnnxWriter input(String name) {
        inputs.add(name);
        return this;
    }

    OnnxWriter output(String name) {
        outputs.add(name);
        return this;
    }

    /**
     * ModelProto: ir_version = 1, producer_name = 2, graph = 7 (GraphProto: node = 1, initializer = 5, input = 11,
     * output = 12).
     */
    byte[] model() {
        byte[] graph = message(out -> {
            for (byte[] n : nodes) {
                out.writeByteArray(1, n);
            }
            out.writeString(2, "test");
            for (byte[] t : initializers) {
                out.writeByteArray(5, t);
            }
            for (String s : inputs) {
                out.writeByteArray(11, message(v -> v.writeString(1, s)));
            }
            for (String s : outputs) {
                out.writeByteArray(12, message(v -> v.writeString(1, s)));
            }
        });
        return message(out -> {
            out.writeInt64(1, 8);
            out.writeString(2, "taco-test");
            out.writeByteArray(7, graph);
        });
    }

    // ---------------------------------------------------------------- a tiny BERT

    static final int HIDDEN = 4;
    static final int INTERMEDIATE = 8;
    static final int VOCAB = 10;
    static final int POSITIONS = 32;

    /** What varies between the tiny graphs of the tests. */
    record Tiny(boolean headReshape, int heads, String activation, float eps) {
        static Tiny standard() {
            return new Tiny(true, 2, "Erf", 1e-6f);
        }
    }

    /**
     * A one-layer BERT graph laid out as torch.onnx.export writes one: named biases, LayerNorm and
     * embeddings; each linear weight an {@code onnx::MatMul_<n>} initializer [in, out] whose output an
     * Add adds its bias to. Not meant to run, only to be read. Values are random (seeded); the
     * weights written are returned in {@code weights} by their Hugging Face name, [in, out].
     */
    static byte[] tinyBert(Tiny spec, Map<String, float[]> weights) {
        Random r = new Random(7);
        OnnxWriter w = new OnnxWriter().input("input_ids").input("attention_mask").output("last_hidden_state");
        w.random(r, "embeddings.word_embeddings.weight", weights, VOCAB, HIDDEN);
        w.random(r, "embeddings.position_embeddings.weight", weights, POSITIONS, HIDDEN);
        w.random(r, "embeddings.token_type_embeddings.weight", weights, 2, HIDDEN);
        w.random(r, "embeddings.LayerNorm.weight", weights, HIDDEN);
        w.random(r, "embeddings.LayerNorm.bias", weights, HIDDEN);
        w.node("Gather", List.of("embeddings.word_embeddings.weight", "input_ids"), List.of("emb"));
        w.node("LayerNormalization", List.of("emb", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"),
                List.of("h0"), floatAttribute("epsilon", spec.eps()));
        String p = "encoder.layer.0.";
        int counter = 100;
        // the input each linear map reads (attention and residual paths are left out: the graph is only read)
        Map<String, String> reads = Map.of("attention.self.query", "h0", "attention.self.key", "h0",
                "attention.self.value", "h0", "attention.output.dense", "context", "intermediate.dense", "h1",
                "output.dense", "act");
        for (String proj : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense", "intermediate.dense", "output.dense")) {
            int in = proj.equals("output.dense") ? INTERMEDIATE : HIDDEN;
            int out = proj.equals("intermediate.dense") ? INTERMEDIATE : HIDDEN;
            String matmul = "onnx::MatMul_" + counter++;
            weights.put(p + proj + ".weight", w.random(r, matmul, null, in, out));
            w.random(r, p + proj + ".bias", weights, out);
            w.node("MatMul", List.of(reads.get(proj), matmul), List.of(proj + "/mm"));
            w.node("Add", List.of(p + proj + ".bias", proj + "/mm"), List.of(proj + "/out"));
            if (proj.equals("attention.self.query") && spec.headReshape()) {
                // [batch, n] taken from the input's shape at run time, then the constant [heads, head size]
                w.node("Shape", List.of(proj + "/out"), List.of("shape"));
                w.node("Gather", List.of("shape", "zero"), List.of("batch"));
                w.node("Unsqueeze", List.of("batch"), List.of("batch1"));
                w.node("Unsqueeze", List.of("batch"), List.of("n1"));
                w.node("Constant", List.of(), List.of("heads"),
                        tensorAttribute("value", longTensor("", new long[] {1}, new long[] {spec.heads()})));
                w.node("Constant", List.of(), List.of("headSize"),
                        tensorAttribute("value", longTensor("", new long[] {1}, new long[] {HIDDEN / spec.heads()})));
                w.node("Concat", List.of("batch1", "n1", "heads", "headSize"), List.of("split"));
                w.node("Reshape", List.of(proj + "/out", "split"), List.of("q4"));
            }
            if (proj.equals("intermediate.dense")) {
                w.node(spec.activation(), List.of(proj + "/out"), List.of("act"));
            }
        }
        // a pooler, as BertModel exports have: its Tanh is no GELU, and it is not part of the import
        w.random(r, "pooler.dense.bias", null, HIDDEN);
        w.random(r, "onnx::MatMul_200", null, HIDDEN, HIDDEN);
        w.node("MatMul", List.of("output.dense/out", "onnx::MatMul_200"), List.of("pooler/mm"));
        w.node("Add", List.of("pooler/mm", "pooler.dense.bias"), List.of("pooler/out"));
        w.node("Tanh", List.of("pooler/out"), List.of("pooler_output"));
        for (String ln : List.of("attention.output.LayerNorm", "output.LayerNorm")) {
            w.random(r, p + ln + ".weight", weights, HIDDEN);
            w.random(r, p + ln + ".bias", weights, HIDDEN);
        }
        return w.model();
    }

    /** Adds a float initializer of seeded normal values; keeps them in {@code keep} (if not null) and returns them. */
    private float[] random(Random r, String name, Map<String, float[]> keep, long... dims) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        if (keep != null) {
            keep.put(name, v);
        }
        initializer(floatTensor(name, dims, v));
        return v;
    }

    /** A WordPiece vocabulary of {@link #VOCAB} pieces (ids = line numbers). */
    static final String TINY_VOCAB = String.join("\n", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "add", "the",
            "onion", "##s", "pan") + "\n";

    /** A single Add node: a valid ONNX model, but no BERT. */
    static byte[] singleAdd() {
        return new OnnxWriter().input("a").input("b").output("c").node("Add", List.of("a", "b"), List.of("c")).model();
    }
}
