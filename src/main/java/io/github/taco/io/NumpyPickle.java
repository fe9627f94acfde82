package io.github.taco.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A restricted reader of Python pickles that hold plain data and NumPy arrays: what
 * {@code pickle.dump({video_id: ndarray})} writes, and UniVL's caption pickles
 * ({@code {video_id: {'start': array, 'text': array(dtype=object)}}}).
 *
 * <p>Hand-written because no Java library reads NumPy's pickles (Pyrolite fails on
 * {@code numpy.core.multiarray._reconstruct}), and because a pickle is a program: this reader runs
 * none of it. It knows the opcodes of protocols 2–5 that data needs and a short list of globals,
 * each turned into a value here rather than called:
 * {@code numpy[._]core.multiarray._reconstruct}, {@code numpy.ndarray}, {@code numpy.dtype},
 * {@code numpy[._]core.multiarray.scalar}, {@code numpy[._]core.numeric._frombuffer} (protocol 5),
 * {@code _codecs.encode} (protocol 2's bytes) and {@code collections.OrderedDict}. Any other global
 * ({@code os.system}, …), a persistent id, an out-of-band buffer or an instance-building opcode is
 * refused with an error naming it and its byte offset. A length that the rest of the file cannot
 * hold is refused before anything is allocated.
 *
 * <p>Values come out as Java objects: {@link Map} (dict), {@link List} (list), {@link Tuple},
 * {@link String}, {@code byte[]}, {@link Long} or {@link BigInteger}, {@link Double},
 * {@link Boolean}, {@code null}, and {@link NdArray}. An {@link ArrayListener} sees each array the
 * moment it is complete, so a store can write it away and {@link NdArray#release release} its
 * data: a 2 GB feature pickle is then read in the memory of its largest array.
 */
public final class NumpyPickle {

    /** A Python tuple. */
    public record Tuple(List<Object> items) {
        public Object get(int i) {
            return items.get(i);
        }

        public int size() {
            return items.size();
        }
    }

    /** Told of each array as soon as its data is complete. */
    @FunctionalInterface
    public interface ArrayListener {
        void completed(NdArray array) throws IOException;
    }

    /** A pickle that this reader will not or cannot read, with the file and byte offset. */
    public static final class PickleException extends IOException {
        public PickleException(String message) {
            super(message);
        }
    }

    /** A NumPy dtype: kind ('f', 'i', 'u', 'b', 'O' or 'U'), bytes per item and byte order. */
    public static final class Dtype {
        final char kind;
        final int itemSize;
        boolean bigEndian;

        Dtype(char kind, int itemSize) {
            this.kind = kind;
            this.itemSize = itemSize;
        }

        /** The NumPy name, e.g. {@code <f4}. */
        public String name() {
            return (itemSize == 1 || kind == 'O' ? "|" : bigEndian ? ">" : "<") + kind
                    + (kind == 'U' ? itemSize / 4 : itemSize);
        }

        public char kind() {
            return kind;
        }

        public int itemSize() {
            return itemSize;
        }

        public boolean bigEndian() {
            return bigEndian;
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /**
     * One NumPy array: its dtype, shape (C order) and either its raw bytes (numeric and 'U' dtypes)
     * or its Python objects (dtype object).
     */
    public static final class NdArray {
        private Dtype dtype;
        private long[] shape;
        private byte[] raw;
        private List<Object> objects;
        private Object handle;
        private boolean complete;

        public Dtype dtype() {
            return dtype;
        }

        public long[] shape() {
            return shape.clone();
        }

        /** Number of items (the product of the shape). */
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /**
         * The raw little- or big-endian bytes (see {@link Dtype#bigEndian()}); null for dtype object or once released.
         */
        public byte[] raw() {
            return raw;
        }

        /** What a listener left in place of the data by {@link #release}; null before. */
        public Object handle() {
            return handle;
        }

        /** Drops the data (the listener has written it elsewhere) and keeps {@code handle} in its place. */
        public void release(Object handle) {
            this.raw = null;
            this.objects = null;
            this.handle = handle;
        }

        /** The values as float (float16/32/64, integers, booleans; float64 rounded). */
        public float[] toFloats() {
            double[] d = toDoubles();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }

        /** The values as double; dtype object arrays must hold only numbers. */
        public double[] toDoubles() {
            requireData();
            int n = Math.toIntExact(size());
            double[] out = new double[n];
            if (objects != null) {
                for (int i = 0; i < n; i++) {
                    Object o = objects.get(i);
                    if (!(o instanceof Number num)) {
                        throw new IllegalArgumentException("item " + i + " of an object array is " + describe(o)
                                + ", not a number");
                    }
                    out[i] = num.doubleValue();
                }
                return out;
            }
            ByteBuffer b = ByteBuffer.wrap(raw).order(dtype.bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = number(b, i * dtype.itemSize, dtype);
            }
            return out;
        }

        /** The items as Java objects: numbers, strings ('U' dtype) or the objects of a dtype object array. */
        public List<Object> toList() {
            requireData();
            if (objects != null) {
                return objects;
            }
            int n = Math.toIntExact(size());
            List<Object> out = new ArrayList<>(n);
            if (dtype.kind == 'U') {
                int chars = dtype.itemSize / 4;
                ByteBuffer b = ByteBuffer.wrap(raw)
                        .order(dtype.bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    StringBuilder s = new StringBuilder();
                    for (int c = 0; c < chars; c++) {
                        int cp = b.getInt((i * chars + c) * 4);
                        if (cp == 0) {
                            break;
                        }
                        s.appendCodePoint(cp);
                    }
                    out.add(s.toString());
                }
                return out;
            }
            for (double d : toDoubles()) {
                out.add(d);
            }
            return out;
        }

        private void requireData() {
            if (raw == null && objects == null) {
                throw new IllegalStateException("the array's data was released or never read");
            }
        }

        @Override
        public String toString() {
            return "ndarray " + dtype + " " + Arrays.toString(shape);
        }
    }

    private enum Global { RECONSTRUCT, NDARRAY, DTYPE, SCALAR, FROMBUFFER, CODECS_ENCODE, ORDERED_DICT }

    private static final Map<String, Global> GLOBALS = Map.ofEntries(
            Map.entry("numpy.core.multiarray._reconstruct", Global.RECONSTRUCT),
            Map.entry("numpy._core.multiarray._reconstruct", Global.RECONSTRUCT),
            Map.entry("numpy.ndarray", Global.NDARRAY),
            Map.entry("numpy.dtype", Global.DTYPE),
            Map.entry("numpy.core.multiarray.scalar", Global.SCALAR),
            Map.entry("numpy._core.multiarray.scalar", Global.SCALAR),
            Map.entry("numpy.core.numeric._frombuffer", Global.FROMBUFFER),
            Map.entry("numpy._core.numeric._frombuffer", Global.FROMBUFFER),
            Map.entry("_codecs.encode", Global.CODECS_ENCODE),
            Map.entry("collections.OrderedDict", Global.ORDERED_DICT));

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };
    /**
     * Left in the memo, and in the memoized tuples that carried it, in place of a buffer an array has
     * taken over (see {@link #takeBuffer}): otherwise the memo would keep every array's data alive.
     */
    private static final Object TAKEN = new Object();
    private static final int LARGE = 1 << 16;

    private final String source;
    private final DataInputStream in;
    private final long length;
    private final ArrayListener listener;
    private long pos;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final IdentityHashMap<Object, Long> largeInMemo = new IdentityHashMap<>();

    private NumpyPickle(InputStream in, long length, String source, ArrayListener listener) {
        this.in = new DataInputStream(in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16));
        this.length = length;
        this.source = source;
        this.listener = listener == null ? a -> { } : listener;
    }

    /** Reads the whole pickle in {@code file}. */
    public static Object read(Path file) throws IOException {
        return read(file, null);
    }

    /** Reads the pickle in {@code file}, telling {@code listener} of each array as it completes. */
    public static Object read(Path file, ArrayListener listener) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new NumpyPickle(in, Files.size(file), file.toString(), listener).load();
        }
    }

    /** Reads one pickle from bytes; {@code source} names it in errors. */
    public static Object read(byte[] bytes, String source) throws IOException {
        return new NumpyPickle(new ByteArrayInputStream(bytes), bytes.length, source, null).load();
    }

    private Object load() throws IOException {
        while (true) {
            long at = pos;
            int op = u1();
            switch (op) {
                case 0x80 -> { // PROTO
                    int p = u1();
                    if (p < 2 || p > 5) {
                        throw error(at, "pickle protocol " + p
                                + " is not supported (2 to 5 are; Python 3 writes 3 to 5 unless told otherwise)");
                    }
                }
                case 0x95 -> skip(8); // FRAME: a hint for buffering
                case '.' -> { // STOP
                    if (stack.size() != 1) {
                        throw error(at, "ends with " + stack.size() + " values on the stack instead of one");
                    }
                    return stack.get(0);
                }
                case '(' -> stack.add(MARK);
                case '}' -> stack.add(new LinkedHashMap<>());
                case ']' -> stack.add(new ArrayList<>());
                case ')' -> stack.add(new Tuple(List.of()));
                case 't' -> stack.add(new Tuple(popToMark(at)));
                case 0x85 -> stack.add(new Tuple(pops(at, 1)));
                case 0x86 -> stack.add(new Tuple(pops(at, 2)));
                case 0x87 -> stack.add(new Tuple(pops(at, 3)));
                case 's' -> { // SETITEM
                    List<Object> kv = pops(at, 2);
                    dict(at).put(kv.get(0), kv.get(1));
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popToMark(at);
                    if (items.size() % 2 != 0) {
                        throw error(at, "SETITEMS with an odd number of values");
                    }
                    Map<Object, Object> d = dict(at);
                    for (int i = 0; i < items.size(); i += 2) {
                        d.put(items.get(i), items.get(i + 1));
                    }
                }
                case 'a' -> { // APPEND
                    Object item = pops(at, 1).get(0);
                    list(at).add(item);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popToMark(at);
                    list(at).addAll(items);
                }
                case 0x8f -> stack.add(new ArrayList<>()); // EMPTY_SET: read as a list
                case 0x90 -> { // ADDITEMS
                    List<Object> items = popToMark(at);
                    list(at).addAll(items);
                }
                case 0x91 -> stack.add(popToMark(at)); // FROZENSET
                case 'J' -> stack.add((long) Integer.reverseBytes(readInt(at))); // BININT, little-endian
                case 'K' -> stack.add((long) u1());
                case 'M' -> stack.add((long) (u1() | (u1() << 8)));
                case 0x8a -> stack.add(longN(at, u1())); // LONG1
                case 0x8b -> stack.add(longN(at, lengthU4(at))); // LONG4
                case 'G' -> stack.add(ByteBuffer.wrap(bytes(at, 8)).getDouble()); // BINFLOAT, big-endian
                case 'N' -> stack.add(null);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'X' -> stack.add(new String(bytes(at, lengthU4(at)), StandardCharsets.UTF_8)); // BINUNICODE
                case 0x8c -> stack.add(new String(bytes(at, u1()), StandardCharsets.UTF_8)); // SHORT_BINUNICODE
                case 0x8d -> stack.add(new String(bytes(at, lengthU8(at)), StandardCharsets.UTF_8)); // BINUNICODE8
                case 'B' -> stack.add(bytes(at, lengthU4(at))); // BINBYTES
                case 'C' -> stack.add(bytes(at, u1())); // SHORT_BINBYTES
                case 0x8e, 0x96 -> stack.add(bytes(at, lengthU8(at))); // BINBYTES8, BYTEARRAY8
                case 'T' -> stack.add(bytes(at, lengthU4(at))); // BINSTRING: Python 2's str, kept as bytes
                case 'U' -> stack.add(bytes(at, u1())); // SHORT_BINSTRING
                case 'q' -> memoize(u1()); // BINPUT
                case 'r' -> memoize(lengthU4(at)); // LONG_BINPUT
                case 0x94 -> memoize(memo.size()); // MEMOIZE
                case 'h' -> stack.add(memoGet(at, u1())); // BINGET
                case 'j' -> stack.add(memoGet(at, lengthU4(at))); // LONG_BINGET
                case 'c' -> stack.add(global(at, line() + "." + line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    List<Object> mn = pops(at, 2);
                    if (!(mn.get(0) instanceof String m) || !(mn.get(1) instanceof String n)) {
                        throw error(at, "STACK_GLOBAL needs two strings");
                    }
                    stack.add(global(at, m + "." + n));
                }
                case 'R' -> { // REDUCE
                    List<Object> fa = pops(at, 2);
                    if (!(fa.get(1) instanceof Tuple args)) {
                        throw error(at, "REDUCE needs a tuple of arguments, got " + describe(fa.get(1)));
                    }
                    stack.add(reduce(at, fa.get(0), args));
                }
                case 'b' -> { // BUILD
                    Object state = pops(at, 1).get(0);
                    build(at, top(at), state);
                }
                case '0' -> pops(at, 1); // POP
                case '1' -> popToMark(at); // POP_MARK
                case '2' -> stack.add(top(at)); // DUP
                case 'P', 'Q' -> throw error(at,
                        "a persistent id (opcode " + opName(op) + ") refers to an object outside the file");
                case 0x97, 0x98 -> throw error(at,
                        "an out-of-band buffer (protocol 5 with buffer_callback): its data is not in the file");
                case 'i', 'o', 0x81, 0x92 -> throw error(at,
                        "opcode " + opName(op) + " builds a Python object; a pickle of arrays never needs it");
                case 0x82, 0x83, 0x84 -> throw error(at,
                        "opcode " + opName(op) + " refers to the copyreg extension registry");
                default -> throw error(at, "opcode " + opName(op) + (op < 0x80 && op >= 0x20
                        ? " is a protocol 0/1 text opcode or not an opcode at all (is this a pickle? re-save it with "
                                + "protocol 2 or higher)"
                        : " is not one of the opcodes a pickle of arrays needs"));
            }
        }
    }

    // ---- the globals, turned into values rather than called ----

    private Object global(long at, String name) throws PickleException {
        Global g = GLOBALS.get(name);
        if (g == null) {
            throw error(at, "refused global '" + name
                    + "': a feature or caption pickle holds only dicts, lists, strings, numbers "
                    + "and NumPy arrays, and this reader calls nothing (allowed: "
                    + String.join(", ", new TreeSet<>(GLOBALS.keySet())) + ")");
        }
        return g;
    }

    private Object reduce(long at, Object callable, Tuple args) throws IOException {
        if (!(callable instanceof Global g)) {
            throw error(at, "REDUCE calls " + describe(callable) + ", not an allowed global");
        }
        switch (g) {
            case RECONSTRUCT -> {
                if (args.size() != 3 || args.get(0) != Global.NDARRAY) {
                    throw error(at, "_reconstruct of something other than numpy.ndarray (subclasses such as matrices "
                            + "are not read)");
                }
                return new NdArray();
            }
            case DTYPE -> {
                if (args.size() < 1 || !(args.get(0) instanceof String s)) {
                    throw error(at, "numpy.dtype without a type string");
                }
                return dtype(at, s);
            }
            case SCALAR -> {
                if (args.size() < 1 || !(args.get(0) instanceof Dtype dt)) {
                    throw error(at, "numpy scalar without a dtype");
                }
                if (dt.kind == 'O') {
                    return args.size() > 1 ? args.get(1) : null;
                }
                if (args.size() != 2 || !(args.get(1) instanceof byte[] b) || b.length != dt.itemSize) {
                    throw error(at, "numpy scalar of " + dt + " without its " + dt.itemSize + " bytes");
                }
                NdArray a = new NdArray();
                a.dtype = dt;
                a.shape = new long[0];
                a.raw = b;
                if (dt.kind == 'U') {
                    return a.toList().get(0);
                }
                double v = a.toDoubles()[0];
                return dt.kind == 'f' ? (Object) v : (Object) (long) v;
            }
            case FROMBUFFER -> {
                if (args.size() != 4 || !(args.get(0) instanceof byte[] buf) || !(args.get(1) instanceof Dtype dt)
                        || !(args.get(2) instanceof Tuple shape)) {
                    throw error(at, "_frombuffer needs (buffer, dtype, shape, order)");
                }
                NdArray a = new NdArray();
                args.items().set(0, TAKEN); // the memo may hold these arguments: they must not keep the data alive
                fill(at, a, dt, shape, "F".equals(args.get(3)), takeBuffer(buf));
                return a;
            }
            case CODECS_ENCODE -> {
                if (args.size() != 2 || !(args.get(0) instanceof String s)
                        || !("latin1".equals(args.get(1)) || "latin-1".equals(args.get(1)))) {
                    throw error(at, "_codecs.encode is only read as protocol 2's encoding of bytes: (str, 'latin1')");
                }
                byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
                forgetLarge(s);
                args.items().set(0, TAKEN);
                return b;
            }
            case ORDERED_DICT -> {
                return new LinkedHashMap<>();
            }
            default -> throw error(at, "REDUCE calls " + g + ", which is only an argument of others");
        }
    }

    private void build(long at, Object target, Object state) throws IOException {
        if (target instanceof Dtype dt) {
            if (state instanceof Tuple t && t.size() >= 2 && t.get(1) instanceof String order) {
                dt.bigEndian = order.equals(">");
                if (t.size() >= 4 && t.get(3) != null) {
                    throw error(at, "structured dtype (with fields): not read; store one plain array per video");
                }
                return;
            }
            throw error(at, "unexpected dtype state " + describe(state));
        }
        if (target instanceof NdArray a && !a.complete) {
            if (!(state instanceof Tuple t) || (t.size() != 4 && t.size() != 5)) {
                throw error(at, "unexpected ndarray state " + describe(state));
            }
            int o = t.size() == 5 ? 1 : 0; // version 1 has a leading version number
            if (!(t.get(o) instanceof Tuple shape) || !(t.get(o + 1) instanceof Dtype dt)) {
                throw error(at, "ndarray state without shape and dtype");
            }
            boolean fortran = Boolean.TRUE.equals(t.get(o + 2));
            Object data = t.get(o + 3);
            if (dt.kind == 'O') {
                if (!(data instanceof List<?> items)) {
                    throw error(at, "object array without its list of items");
                }
                fill(at, a, dt, shape, fortran, null);
                if (items.size() != a.size()) {
                    throw error(at, "object array of shape " + Arrays.toString(a.shape) + " has " + items.size()
                            + " items");
                }
                @SuppressWarnings("unchecked")
                List<Object> objects = (List<Object>) items;
                a.objects = objects;
                if (fortran && a.shape.length > 1) {
                    throw error(at, "Fortran-ordered object arrays are not read");
                }
                return;
            }
            if (!(data instanceof byte[] raw)) {
                throw error(at, "ndarray of " + dt + " without its bytes (got " + describe(data) + ")");
            }
            t.items().set(o + 3, TAKEN); // the memo holds this state tuple: it must not keep the data alive
            fill(at, a, dt, shape, fortran, takeBuffer(raw));
            return;
        }
        throw error(at, "BUILD on " + describe(target) + ": this reader sets the state of arrays and dtypes only");
    }

    private void fill(long at, NdArray a, Dtype dt, Tuple shape, boolean fortran, byte[] raw) throws IOException {
        long[] dims = new long[shape.size()];
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (!(shape.get(i) instanceof Long d) || d < 0) {
                throw error(at, "array shape " + shape.items() + " is not a tuple of non-negative integers");
            }
            dims[i] = d;
            n = Math.multiplyExact(n, d);
        }
        if (fortran && dims.length > 2) {
            throw error(at, "Fortran-ordered arrays of more than 2 dimensions are not read");
        }
        a.dtype = dt;
        a.shape = dims;
        if (dt.kind != 'O') {
            if ((long) raw.length != n * dt.itemSize) {
                throw error(at, "array of shape " + Arrays.toString(dims) + " and dtype " + dt + " needs "
                        + n * dt.itemSize + " bytes, the pickle gives " + raw.length);
            }
            a.raw = fortran && dims.length == 2 ? transpose(raw, dims, dt.itemSize) : raw;
        }
        a.complete = true;
        if (dt.kind != 'O') {
            listener.completed(a); // object arrays are captions, small, and kept
        }
    }

    private static byte[] transpose(byte[] raw, long[] dims, int size) {
        int rows = (int) dims[0];
        int cols = (int) dims[1];
        byte[] out = new byte[raw.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                System.arraycopy(raw, (c * rows + r) * size, out, (r * cols + c) * size, size);
            }
        }
        return out;
    }

    private Dtype dtype(long at, String s) throws PickleException {
        String t = s;
        boolean big = false;
        if (!t.isEmpty() && "<>|=".indexOf(t.charAt(0)) >= 0) {
            big = t.charAt(0) == '>';
            t = t.substring(1);
        }
        if (t.length() < 2 || "fiubOU".indexOf(t.charAt(0)) < 0) {
            throw error(at, "dtype '" + s + "' is not read (floats, integers, booleans, str and object arrays are)");
        }
        int n;
        try {
            n = Integer.parseInt(t.substring(1));
        } catch (NumberFormatException e) {
            throw error(at, "dtype '" + s + "' is not read");
        }
        char kind = t.charAt(0);
        int size = kind == 'U' ? 4 * n : n;
        boolean ok = switch (kind) {
            case 'f' -> n == 2 || n == 4 || n == 8;
            case 'i', 'u' -> n == 1 || n == 2 || n == 4 || n == 8;
            case 'b' -> n == 1;
            case 'O' -> true;
            default -> n >= 0;
        };
        if (!ok) {
            throw error(at, "dtype '" + s + "' is not read");
        }
        Dtype dt = new Dtype(kind, size);
        dt.bigEndian = big;
        return dt;
    }

    private static double number(ByteBuffer b, int off, Dtype dt) {
        return switch (dt.kind) {
            case 'f' -> switch (dt.itemSize) {
                case 2 -> Float16.toFloat(b.getShort(off));
                case 4 -> b.getFloat(off);
                default -> b.getDouble(off);
            };
            case 'i' -> switch (dt.itemSize) {
                case 1 -> b.get(off);
                case 2 -> b.getShort(off);
                case 4 -> b.getInt(off);
                default -> b.getLong(off);
            };
            case 'u' -> switch (dt.itemSize) {
                case 1 -> Byte.toUnsignedInt(b.get(off));
                case 2 -> Short.toUnsignedInt(b.getShort(off));
                case 4 -> Integer.toUnsignedLong(b.getInt(off));
                default -> Double.parseDouble(Long.toUnsignedString(b.getLong(off)));
            };
            case 'b' -> b.get(off) != 0 ? 1 : 0;
            default -> throw new IllegalArgumentException("dtype " + dt + " holds no numbers");
        };
    }

    // ---- memo: large buffers an array takes over are dropped from it, so they can be freed ----

    private void memoize(long index) throws PickleException {
        Object v = top(pos);
        memo.put(index, v);
        if ((v instanceof byte[] b && b.length >= LARGE) || (v instanceof String s && s.length() >= LARGE)) {
            largeInMemo.put(v, index);
        }
    }

    private Object memoGet(long at, long index) throws PickleException {
        if (!memo.containsKey(index)) {
            throw error(at, "refers to memo entry " + index + ", which was never stored");
        }
        Object v = memo.get(index);
        if (v == TAKEN) {
            throw error(at, "one buffer is shared by two arrays (memo entry " + index + "): not read");
        }
        return v;
    }

    private byte[] takeBuffer(byte[] b) {
        forgetLarge(b);
        return b;
    }

    private void forgetLarge(Object v) {
        Long index = largeInMemo.remove(v);
        if (index != null) {
            memo.put(index, TAKEN);
        }
    }

    // ---- the stack ----

    private Object top(long at) throws PickleException {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw error(at, "needs a value but the stack is empty");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> pops(long at, int n) throws PickleException {
        if (stack.size() < n) {
            throw error(at, "needs " + n + " values but the stack has " + stack.size());
        }
        List<Object> sub = stack.subList(stack.size() - n, stack.size());
        if (sub.contains(MARK)) {
            throw error(at, "needs " + n + " values but meets a MARK");
        }
        List<Object> out = new ArrayList<>(sub);
        sub.clear();
        return out;
    }

    private List<Object> popToMark(long at) throws PickleException {
        int m = stack.lastIndexOf(MARK);
        if (m < 0) {
            throw error(at, "no MARK on the stack");
        }
        List<Object> sub = stack.subList(m + 1, stack.size());
        List<Object> out = new ArrayList<>(sub);
        sub.clear();
        stack.remove(m);
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(long at) throws PickleException {
        if (top(at) instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw error(at, "sets an item on " + describe(top(at)) + ", not a dict");
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(long at) throws PickleException {
        if (top(at) instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw error(at, "appends to " + describe(top(at)) + ", not a list");
    }

    // ---- bytes ----

    private int u1() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw error(pos, "the file ends before STOP (truncated)");
        }
        pos++;
        return b;
    }

    private void skip(int n) throws IOException {
        bytes(pos, n);
    }

    /** An unsigned little-endian 4-byte number. */
    private long lengthU4(long at) throws IOException {
        return Integer.toUnsignedLong(Integer.reverseBytes(readInt(at)));
    }

    private long lengthU8(long at) throws IOException {
        byte[] b = bytes(at, 8);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private int readInt(long at) throws IOException {
        byte[] b = bytes(at, 4);
        return ByteBuffer.wrap(b).getInt();
    }

    private byte[] bytes(long at, long n) throws IOException {
        long left = length - pos;
        if (n < 0 || n > left) {
            throw error(at, "declares " + Long.toUnsignedString(n) + " bytes but the file has " + left
                    + " left (truncated, or not a pickle)");
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw error(at, "one value of " + n
                    + " bytes: more than a Java array holds (2 GiB); store one array per video");
        }
        byte[] b = new byte[(int) n];
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw error(at, "the file ends inside a value (truncated)");
        }
        pos += n;
        return b;
    }

    private Object longN(long at, long n) throws IOException {
        if (n > 1024) {
            throw error(at, "an integer of " + n + " bytes");
        }
        byte[] le = bytes(at, n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        long at = pos;
        for (int b = u1(); b != '\n'; b = u1()) {
            if (s.length() > 256) {
                throw error(at, "a GLOBAL name longer than 256 characters");
            }
            s.append((char) b);
        }
        return s.toString();
    }

    private PickleException error(long at, String what) {
        return new PickleException(source + ": byte " + at + ": " + what);
    }

    private static String opName(int op) {
        return String.format("0x%02x", op) + (op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : "");
    }

    private static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return "the global " + g.name().toLowerCase();
        }
        if (o instanceof byte[] b) {
            return "bytes of length " + b.length;
        }
        return o.getClass().getSimpleName() + (o instanceof String || o instanceof Number ? " " + o : "");
    }
}
