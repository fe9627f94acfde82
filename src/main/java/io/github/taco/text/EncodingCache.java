package io.github.taco.text;

import io.github.taco.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Binary file of a dataset's {@link EncodedText}s, named by the content hash of everything that
 * produced it. A small custom format (magic, count, records, CRC32) because the records are
 * mostly int/float arrays and Java serialization would tie the file to class versions.
 */
final class EncodingCache {
    private static final long MAGIC = 0x5441434f54585431L; // "TACOTXT1"

    private EncodingCache() {}

    static void write(Path file, List<EncodedText> texts) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = AtomicFiles.tempSibling(file, false);
        CRC32 crc = new CRC32();
        try (OutputStream os = Files.newOutputStream(tmp);
                DataOutputStream out = new DataOutputStream(
                        new CheckedOutputStream(new BufferedOutputStream(os, 1 << 16), crc))) {
            out.writeLong(MAGIC);
            out.writeInt(texts.size());
            for (EncodedText t : texts) {
                writeString(out, t.text());
                int n = t.length();
                out.writeInt(n);
                for (int i = 0; i < n; i++) {
                    writeString(out, t.pieces().get(i));
                    out.writeInt(t.ids()[i]);
                    out.writeInt(t.wordIds()[i]);
                    writeString(out, t.tags().get(i));
                    out.writeBoolean(t.interest()[i]);
                    out.writeFloat(t.weights()[i]);
                }
            }
            out.flush();
            // The checksum goes after the checked bytes, so it is written unchecked.
            new DataOutputStream(os).writeLong(crc.getValue());
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        // Atomic move: a reader never sees a half-written cache file.
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** @throws IOException if the file is truncated, has a bad checksum or is not a cache file */
    static List<EncodedText> read(Path file) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream in = new DataInputStream(new CheckedInputStream(is, crc));
            if (in.readLong() != MAGIC) {
                throw new IOException(file + ": not a text cache file (bad magic)");
            }
            int count = in.readInt();
            checkCount(file, count);
            List<EncodedText> out = new ArrayList<>(Math.min(count, 1 << 20));
            for (int c = 0; c < count; c++) {
                String text = readString(in);
                int n = in.readInt();
                checkCount(file, n);
                String[] pieces = new String[n];
                int[] ids = new int[n];
                int[] wordIds = new int[n];
                String[] tags = new String[n];
                boolean[] interest = new boolean[n];
                float[] weights = new float[n];
                for (int i = 0; i < n; i++) {
                    pieces[i] = readString(in);
                    ids[i] = in.readInt();
                    wordIds[i] = in.readInt();
                    tags[i] = readString(in);
                    interest[i] = in.readBoolean();
                    weights[i] = in.readFloat();
                }
                out.add(new EncodedText(text, List.of(pieces), ids, wordIds, List.of(tags), interest, weights));
            }
            long expected = crc.getValue();
            long stored = new DataInputStream(is).readLong();
            if (stored != expected) {
                throw new IOException(file + ": checksum mismatch");
            }
            return out;
        }
    }

    private static void checkCount(Path file, int n) throws IOException {
        if (n < 0 || n > 100_000_000) {
            throw new IOException(file + ": bad record count " + n);
        }
    }

    // writeUTF is limited to 64 KB; ActivityNet paragraphs are shorter, but a length-prefixed
    // UTF-8 string has no limit.
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 26)) {
            throw new IOException("bad string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static boolean sameContent(EncodedText a, EncodedText b) {
        return a.text().equals(b.text()) && a.pieces().equals(b.pieces()) && Arrays.equals(a.ids(), b.ids())
                && Arrays.equals(a.wordIds(), b.wordIds()) && a.tags().equals(b.tags())
                && Arrays.equals(a.interest(), b.interest()) && Arrays.equals(a.weights(), b.weights());
    }
}
