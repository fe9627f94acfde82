package io.github.taco.features;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.SharedData;
import io.github.taco.io.NumpyPickle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Feature pickles written by a real NumPy (2.4, src/test/data/pickles/make_pickles.py): every
 * protocol and dtype UniVL-style pickles come in, read through {@link FeatureStores#open} as a
 * user's {@code --features x.pickle} is; and pickles that must be refused.
 */
class PickleStoreTest {
    @TempDir Path dir;

    /** What make_pickles.py writes: video i holds (i + 1) * 0.5 + 0.25 * k at flat index k. */
    static float[] expected(int video, int frames, int dim) {
        float[] a = new float[frames * dim];
        for (int k = 0; k < a.length; k++) {
            a[k] = (video + 1) * 0.5f + 0.25f * k;
        }
        return a;
    }

    private Path copy(String name) throws IOException {
        Path to = dir.resolve(name);
        Files.copy(SharedData.file("pickles/" + name), to);
        return to;
    }

    @ParameterizedTest
    @ValueSource(strings = {"feats-p2.pickle", "feats-p3.pickle", "feats-p4.pickle", "feats-p5.pickle",
            "feats-numpy1.pickle", "feats-f16.pickle", "feats-f64.pickle", "feats-bigendian.pickle",
            "feats-fortran.pickle"})
    void readsEveryProtocolAndDtype(String name) throws IOException {
        Path p = copy(name);
        try (FeatureStore s = FeatureStores.open(p, 1.0)) {
            assertTrue(s.contains("vidA") && s.contains("vid-B_2") && !s.contains("vidC"));
            assertEquals(4, s.dim());
            VideoFeatures a = s.load("vidA");
            assertEquals(3, a.frames());
            assertArrayEquals(expected(0, 3, 4), a.data());
            VideoFeatures b = s.load("vid-B_2");
            assertEquals(5, b.frames());
            assertArrayEquals(expected(1, 5, 4), b.data());
            FeatureException e = assertThrows(FeatureException.class, () -> s.load("vidC"));
            assertEquals(FeatureException.Kind.MISSING, e.kind());
            assertTrue(e.getMessage().contains("vidC") && e.getMessage().contains(name), e.getMessage());
        }
        assertEquals(List.of("vidA", "vid-B_2"), PickleStore.open(p, 1).videoIds(), "the pickle's order");
    }

    @Test
    void convertsOnceAndAgainWhenThePickleChanges() throws IOException {
        Path p = copy("feats-p4.pickle");
        Path cache;
        try (PickleStore s = PickleStore.open(p, 1.0)) {
            cache = s.cache();
        }
        assertEquals(dir.resolve("feats-p4.pickle.taco-cache"), cache);
        Path index = cache.resolve(PickleStore.INDEX);
        FileTime first = Files.getLastModifiedTime(index);
        Files.setLastModifiedTime(index, FileTime.fromMillis(first.toMillis() - 60_000));
        FileTime aged = Files.getLastModifiedTime(index);
        PickleStore.open(p, 1.0).close();
        assertEquals(aged, Files.getLastModifiedTime(index), "an unchanged pickle is not converted again");

        // the user replaces the pickle (another dtype, same name): the cache follows it
        Files.copy(SharedData.file("pickles/feats-f16.pickle"), p, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        try (PickleStore s = PickleStore.open(p, 1.0)) {
            assertArrayEquals(expected(1, 5, 4), s.load("vid-B_2").data());
            assertTrue(new String(Files.readAllBytes(cache.resolve("a1.npy")), StandardCharsets.ISO_8859_1)
                    .contains("'<f2'"), "float16 is cached as float16");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "the pickle and its cache, no temporary folder left");
        }
    }

    @Test
    void nonFiniteValuesAreNamedByVideoAndPickle() throws IOException {
        // a float32 protocol-4 pickle with a NaN patched into vid-B_2's data: the float 2.0 at its flat index 6
        byte[] b = Files.readAllBytes(SharedData.file("pickles/feats-p4.pickle"));
        byte[] two = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.0f + 0.25f * 4).array();
        int at = indexOf(b, two, indexOf(b, "vid-B_2".getBytes(), 0));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, Float.NaN);
        Path p = dir.resolve("nan.pickle");
        Files.write(p, b);
        try (FeatureStore s = FeatureStores.open(p, 1.0)) {
            assertDoesNotThrow(() -> s.load("vidA"));
            FeatureException e = assertThrows(FeatureException.class, () -> s.load("vid-B_2"));
            assertEquals(FeatureException.Kind.NON_FINITE, e.kind());
            assertTrue(e.getMessage().contains("nan.pickle['vid-B_2']") && e.getMessage().contains("frame 1"),
                    e.getMessage());
        }
    }

    @Test
    void hostilePickleIsRefusedAndRunsNothing() throws IOException {
        Path marker = Path.of("/tmp/taco-pickle-pwned");
        Files.deleteIfExists(marker);
        Path p = copy("evil-os-system.pickle");
        NumpyPickle.PickleException e = assertThrows(NumpyPickle.PickleException.class,
                () -> FeatureStores.open(p, 1.0));
        assertTrue(e.getMessage().contains("refused global 'posix.system'")
                && e.getMessage().contains("evil-os-system.pickle: byte "), e.getMessage());
        assertFalse(Files.exists(marker), "nothing in the pickle ran");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList(), "no cache and no temporary folder left behind");
        }
    }

    @Test
    void truncatedAndOversizedPicklesAreNamed() throws IOException {
        byte[] whole = Files.readAllBytes(SharedData.file("pickles/feats-p4.pickle"));
        Path cut = dir.resolve("cut.pickle");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        IOException e = assertThrows(IOException.class, () -> FeatureStores.open(cut, 1.0));
        assertTrue(e.getMessage().contains("cut.pickle") && e.getMessage().contains("truncated"), e.getMessage());

        // a protocol-4 pickle declaring one bytes value of 2^40 bytes: refused before anything is allocated
        ByteBuffer huge = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        huge.put((byte) 0x80).put((byte) 4).put((byte) 0x8e).putLong(1L << 40).put((byte) '.');
        Path big = dir.resolve("huge.pickle");
        Files.write(big, Arrays.copyOf(huge.array(), 12));
        e = assertThrows(IOException.class, () -> FeatureStores.open(big, 1.0));
        assertTrue(e.getMessage().contains("huge.pickle: byte 2: declares 1099511627776 bytes but the file has 1 left"),
                e.getMessage());

        Path text = dir.resolve("notes.pickle");
        Files.writeString(text, "video,feature\n");
        e = assertThrows(IOException.class, () -> FeatureStores.open(text, 1.0));
        assertTrue(e.getMessage().contains("notes.pickle: byte 0") && e.getMessage().contains("is this a pickle?"),
                e.getMessage());
    }

    @Test
    void valuesThatAreNotFeaturesAreNamedByKey() throws IOException {
        Path nested = copy("feats-nested.pickle");
        FeatureException e = assertThrows(FeatureException.class, () -> FeatureStores.open(nested, 1.0));
        assertTrue(e.getMessage().contains("'vidA'") && e.getMessage().contains("a dict, not an array [T, D]"),
                e.getMessage());
        Path ints = copy("feats-int.pickle");
        e = assertThrows(FeatureException.class, () -> FeatureStores.open(ints, 1.0));
        assertTrue(e.getMessage().contains("'vidA'") && e.getMessage().contains("<i8")
                && e.getMessage().contains("float16, float32 or float64"), e.getMessage());
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
