package io.github.taco.features;

import io.github.taco.io.Float16;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reading and writing NumPy {@code .npy} feature arrays of shape [T, D].
 *
 * <p>The bytes are checked first so that a corrupt or truncated file gives a
 * {@link FeatureException} naming the file; reading is then a ByteBuffer copy (see {@link #decode}
 * for why not DJL's {@code NDList.decode}). Writing is hand-written (a 128-byte header then raw little-endian floats)
 * because DJL would load the native engine just to copy bytes, and the synthetic generator writes many files.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {}

    /**
     * Decodes one .npy array (float32 or float16, shape [T, D]) and validates it.
     *
     * <p>Read here with a ByteBuffer rather than DJL's {@code NDList.decode}: no native arrays (and
     * less garbage) on the prefetch thread. Its garbage once made GCs frequent enough to expose a
     * DJL bug (docs/gradient-corruption.md, fixed by {@code model.Scalars}); a plain read also
     * names the file in every error.
     */
    public static VideoFeatures decode(byte[] bytes, String videoId, Object source) throws FeatureException {
        Header h = checkComplete(bytes, videoId, source);
        if (h.shape.length != 2 || h.shape[0] <= 0 || h.shape[1] <= 0) {
            throw new FeatureException(FeatureException.Kind.SHAPE, videoId, source,
                    "shape " + Arrays.toString(h.shape) + " is not [T, D] with T, D > 0");
        }
        int n = (int) (h.shape[0] * h.shape[1]);
        float[] data = new float[n];
        ByteBuffer buf = ByteBuffer.wrap(bytes, h.dataStart, bytes.length - h.dataStart).order(ByteOrder.LITTLE_ENDIAN);
        if (h.bytesPerValue == 4) {
            buf.asFloatBuffer().get(data);
        } else {
            for (int i = 0; i < n; i++) {
                data[i] = Float16.toFloat(buf.getShort(h.dataStart + 2 * i));
            }
        }
        VideoFeatures f = new VideoFeatures(videoId, (int) h.shape[0], (int) h.shape[1], data);
        int bad = f.firstNonFinite();
        if (bad >= 0) {
            throw new FeatureException(FeatureException.Kind.NON_FINITE, videoId, source,
                    "value " + data[bad] + " at frame " + bad / f.dim() + ", dim " + bad % f.dim());
        }
        return f;
    }

    /** What the header says: data offset, shape and value size. */
    record Header(int dataStart, long[] shape, int bytesPerValue) {}

    /**
     * Checks the magic, the header and that the data is as long as the header's shape and dtype
     * promise. DJL reads exactly as many bytes as the shape needs, so without this a truncated file
     * fails deep inside the engine, and trailing garbage would pass unnoticed.
     */
    static Header checkComplete(byte[] b, String videoId, Object source) throws FeatureException {
        if (b.length < 10 || !Arrays.equals(Arrays.copyOf(b, 6), MAGIC)) {
            throw new FeatureException(FeatureException.Kind.CORRUPT, videoId, source, "not a .npy file (bad magic)");
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int major = b[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(buf.getShort(8));
            start = 10;
        } else if (b.length >= 12) {
            headerLen = buf.getInt(8);
            start = 12;
        } else {
            throw new FeatureException(FeatureException.Kind.CORRUPT, videoId, source, "truncated header");
        }
        if (headerLen < 0 || start + headerLen > b.length) {
            throw new FeatureException(FeatureException.Kind.CORRUPT, videoId, source, "truncated header");
        }
        String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
        String descr = field(header, "'descr':\\s*'([^']*)'");
        String shape = field(header, "'shape':\\s*\\(([^)]*)\\)");
        if (descr == null || shape == null) {
            throw new FeatureException(FeatureException.Kind.CORRUPT, videoId, source,
                    "unreadable header: " + header.trim());
        }
        if (descr.startsWith(">") || !(descr.endsWith("f4") || descr.endsWith("f2"))) {
            throw new FeatureException(FeatureException.Kind.DTYPE, videoId, source,
                    "dtype '" + descr + "' is not supported (use little-endian float32 '<f4' or float16 '<f2')");
        }
        if (header.contains("'fortran_order': True")) {
            throw new FeatureException(FeatureException.Kind.SHAPE, videoId, source,
                    "Fortran-ordered arrays are not supported");
        }
        long count = 1;
        List<Long> dims = new ArrayList<>();
        for (String dim : shape.split(",")) {
            if (!dim.isBlank()) {
                dims.add(Long.parseLong(dim.trim()));
                count *= dims.get(dims.size() - 1);
            }
        }
        long expected = start + headerLen + count * Integer.parseInt(descr.substring(descr.length() - 1));
        if (b.length != expected) {
            throw new FeatureException(FeatureException.Kind.CORRUPT, videoId, source,
                    (b.length < expected ? "truncated: " : "trailing bytes: ") + b.length
                            + " bytes, the header (shape (" + shape + "), " + descr + ") needs " + expected);
        }
        return new Header(start + headerLen, dims.stream().mapToLong(Long::longValue).toArray(),
                Integer.parseInt(descr.substring(descr.length() - 1)));
    }

    private static String field(String header, String regex) {
        var m = Pattern.compile(regex).matcher(header);
        return m.find() ? m.group(1) : null;
    }

    /** Writes a float32 array of shape [rows, cols] as a version-1.0 .npy file. */
    public static void writeFloat32(Path file, int rows, int cols, float[] data) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeFloat32(out, rows, cols, data);
        }
    }

    /** Writes a float32 array of shape [rows, cols] as a version-1.0 .npy stream. */
    public static void writeFloat32(OutputStream out, int rows, int cols, float[] data) throws IOException {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException(data.length + " values for shape [" + rows + ", " + cols + "]");
        }
        out.write(header("<f4", rows, cols));
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        out.write(buf.array());
    }

    /** A version-1.0 header for a C-ordered [rows, cols] array of the given dtype, padded to 64 bytes. */
    public static byte[] header(String descr, long rows, long cols) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String h = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + h.length()).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length())
                .put(h.getBytes(StandardCharsets.ISO_8859_1));
        return buf.array();
    }
}
