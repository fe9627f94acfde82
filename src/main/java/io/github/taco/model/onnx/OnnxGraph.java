package io.github.taco.model.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model that a weight importer needs: the main graph's nodes (op type,
 * inputs, outputs, attributes), its initializers (name, shape, data type, values) and the names of
 * its inputs and outputs.
 *
 * <p>The protobuf is walked by hand with protobuf-java's {@link CodedInputStream}, reading only the
 * fields of {@code onnx/onnx.proto} listed below and skipping every other one: ONNX publishes
 * {@code .proto} files but no maintained Java artifact generated from them, and generating one here
 * would add a protoc build step for the dozen fields used.
 *
 * <pre>
 * ModelProto:     ir_version = 1, graph = 7
 * GraphProto:     node = 1, initializer = 5, input = 11, output = 12
 * NodeProto:      input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7
 * AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8
 * TensorProto:    dims = 1, data_type = 2, float_data = 4, int32_data = 5, int64_data = 7, name = 8,
 *                 raw_data = 9, double_data = 10, external_data = 13, data_location = 14
 * ValueInfoProto: name = 1
 * </pre>
 *
 * The file is read into memory once; tensors keep offsets into it and decode their values on demand.
 */
public final class OnnxGraph {
    /** TensorProto.DataType values used here. */
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int DOUBLE = 11;

    private final Path file;
    private final byte[] bytes;
    private final List<Node> nodes;
    private final Map<String, Tensor> initializers;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Node> producers = new LinkedHashMap<>();
    private final Map<String, List<Node>> consumers = new LinkedHashMap<>();

    private OnnxGraph(Path file, byte[] bytes, List<Node> nodes, Map<String, Tensor> initializers, List<String> inputs,
            List<String> outputs) {
        this.file = file;
        this.bytes = bytes;
        this.nodes = Collections.unmodifiableList(nodes);
        this.initializers = Collections.unmodifiableMap(initializers);
        this.inputs = Collections.unmodifiableList(inputs);
        this.outputs = Collections.unmodifiableList(outputs);
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                producers.put(o, n);
            }
            for (String i : n.inputs()) {
                consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
    }

    /** One node of the graph. Attributes keep the scalar, list and tensor values this reader knows. */
    public record Node(String opType, String domain, String name, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {
        public Attribute attribute(String key) {
            return attributes.get(key);
        }
    }

    /** An attribute's value: whichever of {@code f, i, s, t, floats, ints} the file set (others null). */
    public record Attribute(String name, Float f, Long i, String s, Tensor t, float[] floats, long[] ints) {}

    /**
     * A tensor (an initializer, or the value of a Constant node): its shape and type, with the values
     * still in the file's bytes.
     */
    public static final class Tensor {
        private final Path file;
        private final byte[] bytes;
        private final String name;
        private final long[] dims;
        private final int dataType;
        private final int rawOffset;
        private final int rawLength;
        private final float[] floatData;
        private final long[] longData;
        private final double[] doubleData;
        private final boolean external;

        private Tensor(Path file, byte[] bytes, String name, long[] dims, int dataType, int rawOffset, int rawLength,
                float[] floatData, long[] longData, double[] doubleData, boolean external) {
            this.file = file;
            this.bytes = bytes;
            this.name = name;
            this.dims = dims;
            this.dataType = dataType;
            this.rawOffset = rawOffset;
            this.rawLength = rawLength;
            this.floatData = floatData;
            this.longData = longData;
            this.doubleData = doubleData;
            this.external = external;
        }

        public String name() {
            return name;
        }

        public long[] dims() {
            return dims.clone();
        }

        public int dataType() {
            return dataType;
        }

        /** Number of elements (1 for a scalar). */
        public long size() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** The values of a FLOAT (or DOUBLE, narrowed) tensor, row-major. */
        public float[] floats() throws IOException {
            checkInline();
            long n = size();
            if (dataType == FLOAT) {
                if (rawOffset >= 0) {
                    checkRawLength(4 * n);
                    float[] v = new float[(int) n];
                    ByteBuffer.wrap(bytes, rawOffset, rawLength).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                    return v;
                }
                checkCount(floatData == null ? 0 : floatData.length, n);
                return floatData.clone();
            }
            if (dataType == DOUBLE) {
                double[] d = doubles(n);
                float[] v = new float[d.length];
                for (int k = 0; k < d.length; k++) {
                    v[k] = (float) d[k];
                }
                return v;
            }
            throw new IOException(file + ": tensor '" + name + "' has ONNX data type " + dataType
                    + ", expected float32 (1)");
        }

        /** The values of an INT64 or INT32 tensor, row-major. */
        public long[] longs() throws IOException {
            checkInline();
            long n = size();
            if (dataType == INT64 || dataType == INT32) {
                int width = dataType == INT64 ? 8 : 4;
                if (rawOffset >= 0) {
                    checkRawLength(width * n);
                    ByteBuffer b = ByteBuffer.wrap(bytes, rawOffset, rawLength).order(ByteOrder.LITTLE_ENDIAN);
                    long[] v = new long[(int) n];
                    for (int k = 0; k < n; k++) {
                        v[k] = width == 8 ? b.getLong() : b.getInt();
                    }
                    return v;
                }
                checkCount(longData == null ? 0 : longData.length, n);
                return longData.clone();
            }
            throw new IOException(file + ": tensor '" + name + "' has ONNX data type " + dataType
                    + ", expected an integer type");
        }

        private double[] doubles(long n) throws IOException {
            if (rawOffset >= 0) {
                checkRawLength(8 * n);
                double[] v = new double[(int) n];
                ByteBuffer.wrap(bytes, rawOffset, rawLength).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
                return v;
            }
            checkCount(doubleData == null ? 0 : doubleData.length, n);
            return doubleData.clone();
        }

        private void checkInline() throws IOException {
            if (external) {
                throw new IOException(file + ": tensor '" + name
                        + "' keeps its data in an external file (ONNX external data), which is not supported");
            }
            if (size() > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": tensor '" + name + "' is too large (" + size() + " elements)");
            }
        }

        private void checkRawLength(long expected) throws IOException {
            if (rawLength != expected) {
                throw new IOException(file + ": tensor '" + name + "' has " + rawLength
                        + " bytes of data, its shape needs " + expected);
            }
        }

        private void checkCount(int have, long expected) throws IOException {
            if (have != expected) {
                throw new IOException(file + ": tensor '" + name + "' has " + have + " values, its shape needs "
                        + expected);
            }
        }
    }

    /**
     * Reads an ONNX model file.
     *
     * @throws IOException naming the file if it is missing, not a protobuf, or has no graph
     */
    public static OnnxGraph read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "ONNX model: no such file");
        }
        return parse(Files.readAllBytes(file), file);
    }

    /**
     * Parses the bytes of an ONNX model; {@code file} names it in error messages.
     *
     * @throws IOException naming {@code file} if the bytes are not a protobuf ModelProto with a graph
     */
    public static OnnxGraph parse(byte[] bytes, Path file) throws IOException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            boolean hasIrVersion = false;
            OnnxGraph graph = null;
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                int field = WireFormat.getTagFieldNumber(tag);
                int wire = WireFormat.getTagWireType(tag);
                if (field == 1 && wire == WireFormat.WIRETYPE_VARINT) {
                    in.readInt64();
                    hasIrVersion = true;
                } else if (field == 7 && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    graph = readGraph(in, bytes, file);
                    in.popLimit(limit);
                } else {
                    skip(in, tag);
                }
            }
            if (graph == null || !hasIrVersion) {
                throw new IOException("no "
                        + (graph == null ? "graph (ModelProto field 7)" : "ir_version (ModelProto field 1)"));
            }
            return graph;
        } catch (IOException | RuntimeException e) {
            // InvalidProtocolBufferException (truncated, malformed) and bounds errors from a text or binary file alike
            throw new IOException(file + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
    }

    private static OnnxGraph readGraph(CodedInputStream in, byte[] bytes, Path file) throws IOException {
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> inits = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int field = WireFormat.getTagFieldNumber(tag);
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED
                    || (field != 1 && field != 5 && field != 11 && field != 12)) {
                skip(in, tag);
                continue;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            switch (field) {
                case 1 -> nodes.add(readNode(in, bytes, file));
                case 5 -> {
                    Tensor t = readTensor(in, bytes, file);
                    inits.put(t.name(), t);
                }
                case 11 -> inputs.add(readValueInfoName(in));
                default -> outputs.add(readValueInfoName(in));
            }
            in.popLimit(limit);
        }
        return new OnnxGraph(file, bytes, nodes, inits, inputs, outputs);
    }

    private static Node readNode(CodedInputStream in, byte[] bytes, Path file) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        String name = "";
        String op = "";
        String domain = "";
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int field = WireFormat.getTagFieldNumber(tag);
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                skip(in, tag);
                continue;
            }
            switch (field) {
                case 1 -> inputs.add(in.readStringRequireUtf8());
                case 2 -> outputs.add(in.readStringRequireUtf8());
                case 3 -> name = in.readStringRequireUtf8();
                case 4 -> op = in.readStringRequireUtf8();
                case 7 -> domain = in.readStringRequireUtf8();
                case 5 -> {
                    int limit = in.pushLimit(in.readRawVarint32());
                    Attribute a = readAttribute(in, bytes, file);
                    attributes.put(a.name(), a);
                    in.popLimit(limit);
                }
                default -> skip(in, tag);
            }
        }
        return new Node(op, domain, name, List.copyOf(inputs), List.copyOf(outputs),
                Collections.unmodifiableMap(attributes));
    }

    private static Attribute readAttribute(CodedInputStream in, byte[] bytes, Path file) throws IOException {
        String name = "";
        Float f = null;
        Long i = null;
        String s = null;
        Tensor t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            if (field == 1 && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                name = in.readStringRequireUtf8();
            } else if (field == 2 && wire == WireFormat.WIRETYPE_FIXED32) {
                f = in.readFloat();
            } else if (field == 3 && wire == WireFormat.WIRETYPE_VARINT) {
                i = in.readInt64();
            } else if (field == 4 && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                s = new String(in.readByteArray(), StandardCharsets.UTF_8);
            } else if (field == 5 && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                t = readTensor(in, bytes, file);
                in.popLimit(limit);
            } else if (field == 7) {
                readFloats(in, wire, floats);
            } else if (field == 8) {
                readVarints(in, wire, ints);
            } else {
                skip(in, tag);
            }
        }
        return new Attribute(name, f, i, s, t, floats.size == 0 ? null : floats.toArray(),
                ints.size == 0 ? null : ints.toArray());
    }

    private static Tensor readTensor(CodedInputStream in, byte[] bytes, Path file) throws IOException {
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        int rawOffset = -1;
        int rawLength = 0;
        FloatList floats = new FloatList();
        LongList longs = new LongList();
        List<Double> doubles = new ArrayList<>();
        boolean external = false;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            boolean delimited = wire == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            boolean varint = wire == WireFormat.WIRETYPE_VARINT;
            switch (field) {
                case 1 -> readVarints(in, wire, dims);
                case 2 -> {
                    if (!varint) {
                        throw new IOException("TensorProto.data_type with wire type " + wire);
                    }
                    dataType = in.readInt32();
                }
                case 4 -> readFloats(in, wire, floats);
                case 5, 7 -> readVarints(in, wire, longs); // int32_data and int64_data are both varints
                case 8 -> {
                    if (!delimited) {
                        throw new IOException("TensorProto.name with wire type " + wire);
                    }
                    name = in.readStringRequireUtf8();
                }
                case 9 -> {
                    if (!delimited) {
                        throw new IOException("TensorProto.raw_data with wire type " + wire);
                    }
                    rawLength = in.readRawVarint32();
                    rawOffset = in.getTotalBytesRead();
                    in.skipRawBytes(rawLength); // the values stay in the file's bytes, decoded on demand
                }
                case 10 -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (!in.isAtEnd()) {
                            doubles.add(in.readDouble());
                        }
                        in.popLimit(limit);
                    } else {
                        doubles.add(in.readDouble());
                    }
                }
                case 13 -> {
                    external = true;
                    skip(in, tag);
                }
                case 14 -> {
                    if (!varint) {
                        throw new IOException("TensorProto.data_location with wire type " + wire);
                    }
                    external |= in.readInt32() == 1;
                }
                default -> skip(in, tag);
            }
        }
        double[] d = doubles.stream().mapToDouble(Double::doubleValue).toArray();
        return new Tensor(file, bytes, name, dims.toArray(), dataType, rawOffset, rawLength,
                floats.toArray(), longs.toArray(), d, external);
    }

    private static String readValueInfoName(CodedInputStream in) throws IOException {
        String name = "";
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (WireFormat.getTagFieldNumber(tag) == 1
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                name = in.readStringRequireUtf8();
            } else {
                skip(in, tag);
            }
        }
        return name;
    }

    /** A repeated float field, packed (wire type 2) or not (5): parsers must accept both. */
    private static void readFloats(CodedInputStream in, int wire, FloatList out) throws IOException {
        if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (!in.isAtEnd()) {
                out.add(in.readFloat());
            }
            in.popLimit(limit);
        } else if (wire == WireFormat.WIRETYPE_FIXED32) {
            out.add(in.readFloat());
        } else {
            throw new IOException("float field with wire type " + wire);
        }
    }

    /** A repeated varint field, packed (wire type 2) or not (0). */
    private static void readVarints(CodedInputStream in, int wire, LongList out) throws IOException {
        if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (!in.isAtEnd()) {
                out.add(in.readInt64());
            }
            in.popLimit(limit);
        } else if (wire == WireFormat.WIRETYPE_VARINT) {
            out.add(in.readInt64());
        } else {
            throw new IOException("integer field with wire type " + wire);
        }
    }

    private static void skip(CodedInputStream in, int tag) throws IOException {
        if (!in.skipField(tag)) {
            throw new IOException("unexpected end-group tag " + tag);
        }
    }

    /** Growable primitive lists, so large packed fields are not boxed. */
    private static final class FloatList {
        float[] a = new float[8];
        int size;

        void add(float v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, 2 * size);
            }
            a[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }

    private static final class LongList {
        long[] a = new long[8];
        int size;

        void add(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, 2 * size);
            }
            a[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }

    // ---------------------------------------------------------------- queries

    /** The file this graph was read from (for messages). */
    public Path file() {
        return file;
    }

    /** Hex SHA-256 of the model file's bytes. */
    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    /** Nodes in file order (topological for a valid model). */
    public List<Node> nodes() {
        return nodes;
    }

    /** Initializers by name. */
    public Map<String, Tensor> initializers() {
        return initializers;
    }

    public Tensor initializer(String name) {
        return initializers.get(name);
    }

    /** Names of the graph's inputs (initializers may be listed too in older IR versions). */
    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** The node that writes {@code value}, or null (a graph input or an initializer). */
    public Node producer(String value) {
        return producers.get(value);
    }

    /** The nodes that read {@code value}. */
    public List<Node> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /**
     * The constant integer values of {@code value} when they are known without running the graph: an
     * initializer, a Constant node, or a Concat of such parts. A Concat part that is computed at run
     * time (e.g. the batch size taken from a Shape) counts as one unknown element, {@code null} in
     * the result. Returns null if nothing is known.
     */
    public Long[] constantInts(String value) throws IOException {
        Tensor t = initializers.get(value);
        if (t == null) {
            Node p = producers.get(value);
            if (p == null) {
                return null;
            }
            switch (p.opType()) {
                case "Constant" -> {
                    Attribute a = p.attribute("value");
                    if (a != null && a.t() != null) {
                        t = a.t();
                    } else if (p.attribute("value_ints") != null && p.attribute("value_ints").ints() != null) {
                        return box(p.attribute("value_ints").ints());
                    } else if (p.attribute("value_int") != null && p.attribute("value_int").i() != null) {
                        return new Long[] {p.attribute("value_int").i()};
                    } else {
                        return null;
                    }
                }
                case "Concat" -> {
                    List<Long> parts = new ArrayList<>();
                    for (String in : p.inputs()) {
                        Long[] v = constantInts(in);
                        if (v == null) {
                            parts.add(null);
                        } else {
                            parts.addAll(Arrays.asList(v));
                        }
                    }
                    return parts.toArray(new Long[0]);
                }
                default -> {
                    return null;
                }
            }
        }
        if (t.dataType() != INT64 && t.dataType() != INT32) {
            return null;
        }
        return box(t.longs());
    }

    /** The single float value of a scalar constant (initializer or Constant node), or null. */
    public Float constantFloat(String value) throws IOException {
        Tensor t = initializers.get(value);
        if (t == null) {
            Node p = producers.get(value);
            if (p == null || !p.opType().equals("Constant")) {
                return null;
            }
            Attribute a = p.attribute("value");
            if (a != null && a.t() != null) {
                t = a.t();
            } else if (p.attribute("value_float") != null) {
                return p.attribute("value_float").f();
            } else {
                return null;
            }
        }
        if ((t.dataType() != FLOAT && t.dataType() != DOUBLE) || t.size() != 1) {
            return null;
        }
        return t.floats()[0];
    }

    private static Long[] box(long[] v) {
        Long[] r = new Long[v.length];
        for (int k = 0; k < v.length; k++) {
            r[k] = v[k];
        }
        return r;
    }
}
