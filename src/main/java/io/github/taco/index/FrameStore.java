package io.github.taco.index;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.github.taco.io.EnumNames;
import io.github.taco.io.Float16;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The side store of the index: per-clip frame vectors (for s2, the fusion s3 and the heat strips)
 * in one append-only file. Each record is found by the byte offset that the clip's Lucene document
 * stores, so Lucene's atomic commit is the only commit point: bytes appended but never referenced
 * by a committed document (a crash, a replaced or deleted clip) are dead space, never wrong data.
 * Deleting a clip deletes its document (Lucene's tombstone); {@link VideoIndex#stats()} reports the
 * dead bytes and {@link VideoIndex#compact()} copies the live records into a new file
 * ({@code frames-<generation>.bin}, named by the Lucene commit). The file is little-endian:
 *
 * <pre>
 * header : "TACOFRM1" | int32 dim | int32 encoding (0 float32, 1 float16)
 * record : int32 frames | float32 times[frames] | float32 vector[dim] | x[frames·dim] in the encoding
 * </pre>
 *
 * The s1 vector is always float32 (exact s1); only x may be float16, which halves the file and
 * perturbs token scores by a relative ~5e-4 (see {@link Half}). Reads are positional and thread-safe.
 */
public final class FrameStore implements Closeable {
    /** The frame file of generation 0 (every index before its first compaction). */
    public static final String FILE = "frames.bin";
    /** Bytes of the file header. */
    public static final int HEADER_BYTES = 16;
    private static final int HEADER = HEADER_BYTES;
    private static final byte[] MAGIC = "TACOFRM1".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern GENERATION_FILE = Pattern.compile("frames-([0-9]+)\\.bin");

    /** How x is stored. */
    public enum Encoding {
        FLOAT32(4), FLOAT16(2);

        final int bytes;

        Encoding(int bytes) {
            this.bytes = bytes;
        }

        /** float32 (f32) or float16 (f16, half), any case, as on the command line and in index.json (FLOAT16). */
        @JsonCreator
        public static Encoding parse(String s) {
            return EnumNames.parse(Encoding.class, s, "frame encoding", e -> switch (e) {
                case FLOAT32 -> List.of("float32", "f32");
                case FLOAT16 -> List.of("float16", "f16", "half");
            });
        }
    }

    /** The vectors of one clip as read back. */
    public record Record(int frames, float[] times, float[] vector, float[] x) {}

    private final Path file;
    private final FileChannel channel;
    private final int dim;
    private final Encoding encoding;

    private FrameStore(Path file, FileChannel channel, int dim, Encoding encoding) {
        this.file = file;
        this.channel = channel;
        this.dim = dim;
        this.encoding = encoding;
    }

    /** Creates an empty store (fails if the file exists). */
    public static FrameStore create(Path file, int dim, Encoding encoding) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(dim).putInt(encoding.ordinal()).flip();
        while (h.hasRemaining()) {
            ch.write(h, HEADER - h.remaining());
        }
        ch.force(true);
        return new FrameStore(file, ch, dim, encoding);
    }

    /** Opens an existing store, for reading and (unless {@code readOnly}) appending. */
    public static FrameStore open(Path file, boolean readOnly) throws IOException {
        if (!Files.isRegularFile(file)) {
            // NoSuchFileException: a reader racing a compaction that deleted this file retries on the newer commit
            throw new NoSuchFileException(file.toString(), null, "taco frame store is missing");
        }
        FileChannel ch = readOnly ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, h, 0, file);
            byte[] magic = new byte[MAGIC.length];
            h.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not a taco frame store (bad magic)");
            }
            int dim = h.getInt();
            int enc = h.getInt();
            if (dim < 1 || enc < 0 || enc >= Encoding.values().length) {
                throw new IOException(file + ": corrupt header (dim " + dim + ", encoding " + enc + ")");
            }
            return new FrameStore(file, ch, dim, Encoding.values()[enc]);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The file name of frame-store generation {@code gen}: {@value #FILE} for 0, {@code frames-<gen>.bin} after. */
    public static String fileName(long gen) {
        if (gen < 0) {
            throw new IllegalArgumentException("generation must be >= 0, got " + gen);
        }
        return gen == 0 ? FILE : "frames-" + gen + ".bin";
    }

    /** The generation of a frame-store file name, or -1 if {@code name} is not one. */
    public static long generation(String name) {
        if (FILE.equals(name)) {
            return 0;
        }
        Matcher m = GENERATION_FILE.matcher(name);
        if (!m.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The file's name within the index folder. */
    public String name() {
        return file.getFileName().toString();
    }

    public int dim() {
        return dim;
    }

    public Encoding encoding() {
        return encoding;
    }

    /** Bytes of the file, header included. */
    public long size() throws IOException {
        return channel.size();
    }

    /** Bytes one record of {@code frames} frames takes. */
    public long recordBytes(int frames) {
        return recordBytes(frames, dim, encoding);
    }

    static long recordBytes(int frames, int dim, Encoding encoding) {
        return 4L + 4L * frames + 4L * dim + (long) encoding.bytes * frames * dim;
    }

    /**
     * Appends a clip's vectors at the end of the file and returns the record's offset. Not yet durable: see
     * {@link #sync()}.
     */
    public synchronized long append(IndexedClip c) throws IOException {
        if (c.dim() != dim) {
            throw new IllegalArgumentException("clip " + c.clipId() + " has vectors of dimension " + c.dim()
                    + ", the index has " + dim);
        }
        long offset = channel.size();
        ByteBuffer b = encode(c, encoding);
        long pos = offset;
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
        return offset;
    }

    /**
     * Appends a copy of the record of {@code frames} frames at {@code offset} in {@code src} (same
     * dimension and encoding) byte for byte, and returns its offset here. Not yet durable.
     */
    public synchronized long copyFrom(FrameStore src, long offset, int frames) throws IOException {
        if (src.dim != dim || src.encoding != encoding) {
            throw new IllegalArgumentException("cannot copy records of " + src.file + " (d=" + src.dim + ", "
                    + src.encoding + ") into " + file + " (d=" + dim + ", " + encoding + ")");
        }
        ByteBuffer b = src.raw(offset, frames);
        long at = channel.size();
        long pos = at;
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
        return at;
    }

    /** Forces appended records to disk; call before committing documents that reference them. */
    public void sync() throws IOException {
        channel.force(false);
    }

    /** Reads the record at {@code offset}, checking it against the expected frame count. */
    public Record read(long offset, int expectedFrames) throws IOException {
        return decode(raw(offset, expectedFrames), dim, encoding);
    }

    /**
     * One record's bytes, in the layout above, positioned at 0. Also the stored field of a clip in
     * a SolrCloud collection, so both backends hold the same bits.
     */
    public static ByteBuffer encode(IndexedClip c, Encoding encoding) {
        ByteBuffer b = ByteBuffer.allocate((int) recordBytes(c.frames(), c.dim(), encoding))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(c.frames());
        for (float t : c.times()) b.putFloat(t);
        for (float v : c.vector()) b.putFloat(v);
        if (encoding == Encoding.FLOAT32) {
            for (float v : c.x()) b.putFloat(v);
        } else {
            for (float v : c.x()) b.putShort(Float16.fromFloat(v));
        }
        return b.flip();
    }

    /** Reads one record from {@code b} (little-endian, at its position), checking its length. */
    public static Record decode(ByteBuffer b, int dim, Encoding encoding) throws IOException {
        b.order(ByteOrder.LITTLE_ENDIAN);
        int frames = b.remaining() >= 4 ? b.getInt() : -1;
        if (frames < 1 || b.remaining() < recordBytes(frames, dim, encoding) - 4) {
            throw new IOException("a frame record of " + frames + " frames at d=" + dim + " (" + encoding
                    + ") is cut short: " + (b.remaining() + 4) + " bytes");
        }
        float[] times = new float[frames];
        for (int i = 0; i < frames; i++) times[i] = b.getFloat();
        float[] vector = new float[dim];
        for (int i = 0; i < dim; i++) vector[i] = b.getFloat();
        float[] x = new float[frames * dim];
        if (encoding == Encoding.FLOAT32) {
            b.asFloatBuffer().get(x);
            b.position(b.position() + 4 * x.length);
        } else {
            for (int i = 0; i < x.length; i++) x[i] = Float16.toFloat(b.getShort());
        }
        return new Record(frames, times, vector, x);
    }

    /** The bytes of the record at {@code offset}, checked against the expected frame count; positioned at its start. */
    private ByteBuffer raw(long offset, int expectedFrames) throws IOException {
        long bytes = recordBytes(expectedFrames);
        if (offset < HEADER || offset + bytes > channel.size()) {
            throw new IOException(file + ": record at " + offset + " (" + bytes + " bytes) lies outside the file of "
                    + channel.size() + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, b, offset, file);
        int frames = b.getInt(0);
        if (frames != expectedFrames) {
            throw new IOException(file + ": record at " + offset + " has " + frames + " frames, the index expects "
                    + expectedFrames);
        }
        return b;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path file) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException(file + " is truncated at byte " + pos);
            }
            pos += n;
        }
        b.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
