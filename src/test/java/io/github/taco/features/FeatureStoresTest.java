package io.github.taco.features;

import static org.junit.jupiter.api.Assertions.*;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureStoresTest {
    @TempDir Path dir;

    static float[] ramp(int frames, int dim, float offset) {
        float[] a = new float[frames * dim];
        for (int i = 0; i < a.length; i++) {
            a[i] = offset + i;
        }
        return a;
    }

    @Test
    void npyFloat32RoundTrip() throws IOException {
        Npy.writeFloat32(dir.resolve("vidA.npy"), 4, 3, ramp(4, 3, 0.5f));
        try (FeatureStore s = FeatureStores.open(dir, 1.0)) {
            assertTrue(s.contains("vidA"));
            assertFalse(s.contains("vidB"));
            VideoFeatures f = s.load("vidA");
            assertEquals(4, f.frames());
            assertEquals(3, f.dim());
            assertArrayEquals(ramp(4, 3, 0.5f), f.data());
            assertEquals(3, s.dim());
        }
    }

    @Test
    void npyFloat16WrittenByHand() throws IOException {
        // half-precision bit patterns: 1.0, -2.0, 0.5, 65504 (max half)
        short[] halves = {0x3C00, (short) 0xC000, 0x3800, 0x7BFF};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Npy.header("<f2", 2, 2));
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (short h : halves) {
            b.putShort(h);
        }
        out.write(b.array());
        Files.write(dir.resolve("half.npy"), out.toByteArray());
        VideoFeatures f = new NpyDirectoryStore(dir, 1, 0).load("half");
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 65504f}, f.data());
    }

    private FeatureException loadFails(FeatureStore s, String vid, FeatureException.Kind kind) {
        FeatureException e = assertThrows(FeatureException.class, () -> s.load(vid));
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(vid, e.videoId());
        assertTrue(e.getMessage().contains(vid), e.getMessage());
        return e;
    }

    @Test
    void truncatedAndCorruptNpyNameFileAndVideo() throws IOException {
        Path good = dir.resolve("good.npy");
        Npy.writeFloat32(good, 10, 8, ramp(10, 8, 0));
        byte[] bytes = Files.readAllBytes(good);
        Files.write(dir.resolve("cut.npy"), Arrays.copyOf(bytes, bytes.length - 7));
        Files.write(dir.resolve("headless.npy"), Arrays.copyOf(bytes, 40));
        Files.write(dir.resolve("junk.npy"), "this is not numpy".getBytes());
        NpyDirectoryStore s = new NpyDirectoryStore(dir, 1, 0);
        FeatureException e = loadFails(s, "cut", FeatureException.Kind.CORRUPT);
        assertTrue(e.getMessage().contains("cut.npy") && e.getMessage().contains("truncated"), e.getMessage());
        loadFails(s, "headless", FeatureException.Kind.CORRUPT);
        loadFails(s, "junk", FeatureException.Kind.CORRUPT);
        assertEquals(8, s.load("good").dim());
    }

    @Test
    void unsupportedDtypesAreRejected() throws IOException {
        for (String descr : new String[] {"<i4", "<f8", ">f4"}) {
            int item = Integer.parseInt(descr.substring(2));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(Npy.header(descr, 2, 3));
            out.write(new byte[2 * 3 * item]);
            Files.write(dir.resolve("d" + item + descr.charAt(0) + ".npy"), out.toByteArray());
        }
        NpyDirectoryStore s = new NpyDirectoryStore(dir, 1, 0);
        FeatureException e = loadFails(s, "d4<", FeatureException.Kind.DTYPE);
        assertTrue(e.getMessage().contains("<i4"), e.getMessage());
        loadFails(s, "d8<", FeatureException.Kind.DTYPE);
        loadFails(s, "d4>", FeatureException.Kind.DTYPE);
    }

    @Test
    void trailingBytesAndUnknownFormats() throws IOException {
        Path good = dir.resolve("g.npy");
        Npy.writeFloat32(good, 2, 2, ramp(2, 2, 0));
        byte[] b = Files.readAllBytes(good);
        Files.write(dir.resolve("long.npy"), Arrays.copyOf(b, b.length + 4));
        FeatureException e = loadFails(new NpyDirectoryStore(dir, 1, 0), "long", FeatureException.Kind.CORRUPT);
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
        Path txt = Files.writeString(dir.resolve("feats.txt"), "x");
        IOException u = assertThrows(IOException.class, () -> FeatureStores.open(txt, 1));
        assertTrue(u.getMessage().contains("feats.txt"));
        assertThrows(IOException.class, () -> FeatureStores.open(dir.resolve("none.h5"), 1));
        assertThrows(IllegalArgumentException.class, () -> new NpyDirectoryStore(dir, 0, 0));
    }

    @Test
    void nanAndInfAreRejected() throws IOException {
        float[] a = ramp(3, 2, 0);
        a[3] = Float.NaN;
        Npy.writeFloat32(dir.resolve("nan.npy"), 3, 2, a);
        a[3] = Float.POSITIVE_INFINITY;
        Npy.writeFloat32(dir.resolve("inf.npy"), 3, 2, a);
        NpyDirectoryStore s = new NpyDirectoryStore(dir, 1, 0);
        FeatureException e = loadFails(s, "nan", FeatureException.Kind.NON_FINITE);
        assertTrue(e.getMessage().contains("frame 1"), e.getMessage());
        loadFails(s, "inf", FeatureException.Kind.NON_FINITE);
    }

    @Test
    void differingDimensionsAndMissingFiles() throws IOException {
        Npy.writeFloat32(dir.resolve("a.npy"), 3, 4, ramp(3, 4, 0));
        Npy.writeFloat32(dir.resolve("b.npy"), 3, 5, ramp(3, 5, 0));
        NpyDirectoryStore s = new NpyDirectoryStore(dir, 1, 0);
        s.load("a");
        FeatureException e = loadFails(s, "b", FeatureException.Kind.DIM_MISMATCH);
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("4") && e.getMessage().contains("b.npy"));
        FeatureException m = loadFails(s, "nope", FeatureException.Kind.MISSING);
        assertTrue(m.getMessage().contains("nope.npy"));
        // an expected dimension given up front rejects even the first file
        loadFails(new NpyDirectoryStore(dir, 1, 5), "a", FeatureException.Kind.DIM_MISMATCH);
    }

    @Test
    void npzArchiveKeyedByVideoId() throws IOException {
        Path npz = dir.resolve("feats.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
            for (String vid : List.of("v_one", "v_two")) {
                zip.putNextEntry(new ZipEntry(vid + ".npy"));
                Npy.writeFloat32(nonClosing(zip), 2, 3, ramp(2, 3, vid.length()));
                zip.closeEntry();
            }
        }
        try (FeatureStore s = FeatureStores.open(npz, 1)) {
            assertTrue(s.contains("v_two"));
            assertFalse(s.contains("v_three"));
            assertArrayEquals(ramp(2, 3, 5), s.load("v_two").data());
            assertEquals(3, s.dim());
            loadFails(s, "v_three", FeatureException.Kind.MISSING);
        }
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void close() {}
        };
    }

    @Test
    void hdf5KeyedByVideoId() throws IOException {
        Path h5 = dir.resolve("feats.h5");
        try (WritableHdfFile w = HdfFile.write(h5)) {
            w.putDataset("vidX", new float[][] {{1, 2}, {3, 4}, {5, 6}});
            w.putDataset("vidY", new float[][] {{7, 8}});
            w.putDataset("bad", new float[][] {{Float.NaN, 0}});
            w.putDataset("wide", new float[][] {{1, 2, 3}});
            w.putDataset("dbl", new double[][] {{0.5, 1.5}});
        }
        try (FeatureStore s = FeatureStores.open(h5, 1)) {
            assertTrue(s.contains("vidX"));
            assertFalse(s.contains("vidZ"));
            VideoFeatures f = s.load("vidX");
            assertEquals(3, f.frames());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f.data());
            assertEquals(2, s.dim());
            loadFails(s, "vidZ", FeatureException.Kind.MISSING);
            loadFails(s, "bad", FeatureException.Kind.NON_FINITE);
            loadFails(s, "wide", FeatureException.Kind.DIM_MISMATCH);
            assertArrayEquals(new float[] {0.5f, 1.5f}, s.load("dbl").data());
        }
    }

    @Test
    void concatenationAlignsSecondStoreByNearestFrame() throws IOException {
        Path a = Files.createDirectory(dir.resolve("r152"));
        Path b = Files.createDirectory(dir.resolve("s3d"));
        Npy.writeFloat32(a.resolve("v.npy"), 3, 2, ramp(3, 2, 0)); // 1 fps, 3 s
        Npy.writeFloat32(b.resolve("v.npy"), 5, 1, new float[] {10, 11, 12, 13, 14}); // 2 fps, 2.5 s
        try (FeatureStore s = FeatureStores.open(List.of(a, b), List.of(1.0, 2.0))) {
            assertEquals(3, s.dim());
            VideoFeatures f = s.load("v");
            assertEquals(3, f.frames());
            // frame t covers [t, t+1) s; its centre t+0.5 falls in the 2-fps frame floor(2t+1)
            assertArrayEquals(new float[] {0, 1, 11, 2, 3, 13, 4, 5, 14}, f.data());
            assertEquals(1.0, s.fps());
        }
    }

    @Test
    void cacheEvictsLeastRecentlyUsedByBytes() throws IOException {
        for (String v : List.of("a", "b", "c")) {
            Npy.writeFloat32(dir.resolve(v + ".npy"), 10, 10, ramp(10, 10, 0)); // 464 bytes each
        }
        CachedFeatureStore c = new CachedFeatureStore(new NpyDirectoryStore(dir, 1, 0), 1000);
        c.load("a");
        c.load("b");
        assertEquals(2, c.cachedVideos());
        c.load("a"); // a is now most recent
        assertEquals(1, c.hits());
        c.load("c"); // evicts b
        assertEquals(2, c.cachedVideos());
        assertTrue(c.cachedBytes() <= 1000);
        c.load("a");
        assertEquals(2, c.hits());
        c.load("b");
        assertEquals(4, c.misses());
    }
}
