package io.github.taco.features;

import io.github.taco.io.AtomicFiles;
import io.github.taco.io.NumpyPickle;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Python pickle of {@code {video_id: float ndarray [T, D]}}, as UniVL releases its S3D features
 * for YouCook2 and MSR-VTT ({@code youcookii_videos_features.pickle}).
 *
 * <p>Such a pickle is one object of up to ~2 GB, so it is read once ({@link NumpyPickle}: nothing in
 * it is executed) into a cache folder of one {@code .npy} per video, and every later run reads the
 * videos it needs from there. The cache sits beside the pickle ({@code NAME.taco-cache/}) or, where
 * that folder is not writable, under {@code ~/.cache/taco/pickles/}; it is rebuilt when the pickle's
 * size or modification time changes. float16 and float32 are kept as they are; float64 is converted
 * to float32 once (and said so); a big-endian array is turned little-endian.
 */
public final class PickleStore extends AbstractFeatureStore {
    private static final Logger LOG = LoggerFactory.getLogger(PickleStore.class);
    static final String INDEX = "index.tsv";
    static final String STAMP = "source.txt";

    private final Path pickle;
    private final Path cache;
    private final Map<String, String> files;

    private PickleStore(Path pickle, Path cache, Map<String, String> files, double fps) {
        super(fps, 0);
        this.pickle = pickle;
        this.cache = cache;
        this.files = files;
    }

    /** Opens the pickle, converting it into its cache first if the cache is missing or stale. */
    public static PickleStore open(Path pickle, double fps) throws IOException {
        if (!Files.isRegularFile(pickle)) {
            throw new NoSuchFileException(pickle.toString(), null, "feature pickle does not exist");
        }
        Path cache = cacheFolder(pickle);
        String stamp = stamp(pickle);
        Path stampFile = cache.resolve(STAMP);
        if (!Files.isRegularFile(stampFile) || !Files.readString(stampFile).equals(stamp)) {
            convert(pickle, cache, stamp);
        }
        return new PickleStore(pickle, cache, readIndex(cache), fps);
    }

    /** Where the cache of {@code pickle} lives: beside it if that folder is writable, else in the user's cache. */
    public static Path cacheFolder(Path pickle) {
        Path abs = pickle.toAbsolutePath();
        Path parent = abs.getParent();
        if (Files.isWritable(parent)) {
            return parent.resolve(abs.getFileName() + ".taco-cache");
        }
        String base = System.getenv("XDG_CACHE_HOME");
        Path root = base != null && !base.isBlank() ? Path.of(base)
                : Path.of(System.getProperty("user.home"), ".cache");
        String hash = Integer.toHexString(abs.toString().hashCode());
        return root.resolve("taco").resolve("pickles").resolve(abs.getFileName() + "-" + hash);
    }

    /** The cache folder this store reads. */
    public Path cache() {
        return cache;
    }

    /** Video ids, in the pickle's order. */
    public List<String> videoIds() {
        return List.copyOf(files.keySet());
    }

    @Override
    public VideoFeatures load(String videoId) throws IOException {
        String name = files.get(videoId);
        if (name == null) {
            throw new FeatureException(FeatureException.Kind.MISSING, videoId, pickle,
                    "no key '" + videoId + "' in the pickle");
        }
        Path f = cache.resolve(name);
        String source = pickle + "['" + videoId + "'] (cached as " + f + ")";
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw new FeatureException(FeatureException.Kind.MISSING, videoId, source,
                    "the cache lost this file; delete " + cache + " to convert the pickle again");
        }
        return checkDim(Npy.decode(bytes, videoId, source), source);
    }

    @Override
    public boolean contains(String videoId) {
        return files.containsKey(videoId);
    }

    @Override
    public int dim() throws IOException {
        if (knownDim() == 0) {
            if (files.isEmpty()) {
                throw new IOException("feature pickle " + pickle + " holds no videos");
            }
            load(files.keySet().iterator().next());
        }
        return knownDim();
    }

    @Override
    public String toString() {
        return "pickle " + pickle + " @ " + fps + " fps";
    }

    // ---- the conversion, once per pickle ----

    private static String stamp(Path pickle) throws IOException {
        return "size " + Files.size(pickle) + "\nmodified " + Files.getLastModifiedTime(pickle).toMillis() + "\n";
    }

    /**
     * Reads the pickle, writing each array into a fresh folder as soon as it is complete, then puts
     * that folder in place of the cache: an interrupted conversion leaves the old cache (or none).
     */
    private static void convert(Path pickle, Path cache, String stamp) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(cache.getParent());
        Path tmp = AtomicFiles.tempSibling(cache, true);
        try {
            LOG.info("reading the feature pickle {} ({} MB) once into {}", pickle, Files.size(pickle) >> 20, cache);
            int[] seq = {0};
            boolean[] converted = {false};
            Object root = NumpyPickle.read(pickle, array -> {
                // the key is not known yet: an array that cannot be features is named when its key is
                String why = unusable(array);
                if (why != null) {
                    array.release(new Rejected(why));
                    return;
                }
                String name = "a" + seq[0]++ + ".npy";
                converted[0] |= writeNpy(array, tmp.resolve(name));
                array.release(name);
            });
            if (!(root instanceof Map<?, ?> dict)) {
                throw new FeatureException(FeatureException.Kind.SHAPE, "(all)", pickle,
                        "the pickle holds " + kind(root) + ", not a dict {video_id: array [T, D]}");
            }
            Map<String, String> index = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                String id = e.getKey() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8)
                        : String.valueOf(e.getKey());
                if (!(e.getKey() instanceof String) && !(e.getKey() instanceof byte[])) {
                    throw new FeatureException(FeatureException.Kind.SHAPE, id, pickle,
                            "the key " + id + " is " + kind(e.getKey()) + ", not a video id string");
                }
                if (e.getValue() instanceof NumpyPickle.NdArray a && a.handle() instanceof Rejected r) {
                    throw new FeatureException(FeatureException.Kind.SHAPE, id, pickle,
                            "the array of key '" + id + "' " + r.why());
                }
                if (!(e.getValue() instanceof NumpyPickle.NdArray a) || !(a.handle() instanceof String file)) {
                    throw new FeatureException(FeatureException.Kind.SHAPE, id, pickle,
                            "the value of key '" + id + "' is " + kind(e.getValue()) + ", not an array [T, D]");
                }
                if (id.contains("\t") || id.contains("\n")) {
                    throw new FeatureException(FeatureException.Kind.SHAPE, id, pickle,
                            "the video id holds a tab or line break");
                }
                index.put(id, file);
            }
            StringBuilder tsv = new StringBuilder();
            index.forEach((id, file) -> tsv.append(id).append('\t').append(file).append('\n'));
            Files.writeString(tmp.resolve(INDEX), tsv.toString());
            Files.writeString(tmp.resolve(STAMP), stamp);
            if (Files.exists(cache)) {
                IOUtils.rm(cache);
            }
            Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("converted {}: {} videos in {} s{}", pickle.getFileName(), index.size(),
                    String.format("%.1f", (System.nanoTime() - t0) / 1e9),
                    converted[0] ? " (float64 arrays converted to float32 once)" : "");
        } finally {
            if (Files.exists(tmp)) {
                IOUtils.rm(tmp);
            }
        }
    }

    /** Why an array cannot be a video's features, or null. */
    private static String unusable(NumpyPickle.NdArray a) {
        long[] shape = a.shape();
        if (a.dtype().kind() != 'f') {
            return "is " + a + ": features must be float16, float32 or float64";
        }
        if (shape.length != 2 || shape[0] <= 0 || shape[1] <= 0) {
            return "is " + a + ": features must be [T, D] with T, D > 0";
        }
        return null;
    }

    /** What stands in a released array that cannot be features. */
    private record Rejected(String why) {}

    /** Writes one array as a little-endian .npy; true when it was converted from float64. */
    private static boolean writeNpy(NumpyPickle.NdArray a, Path file) throws IOException {
        long[] shape = a.shape();
        NumpyPickle.Dtype dt = a.dtype();
        byte[] raw = a.raw();
        String descr = dt.itemSize() == 2 ? "<f2" : "<f4";
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(Npy.header(descr, shape[0], shape[1]));
            if (dt.itemSize() == 8) {
                float[] f = a.toFloats();
                ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(f);
                out.write(b.array());
            } else if (dt.bigEndian()) {
                out.write(swap(raw, dt.itemSize()));
            } else {
                out.write(raw);
            }
        }
        return dt.itemSize() == 8;
    }

    private static byte[] swap(byte[] raw, int size) {
        byte[] out = new byte[raw.length];
        for (int i = 0; i < raw.length; i += size) {
            for (int j = 0; j < size; j++) {
                out[i + j] = raw[i + size - 1 - j];
            }
        }
        return out;
    }

    private static Map<String, String> readIndex(Path cache) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        for (String line : Files.readAllLines(cache.resolve(INDEX))) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                files.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return files;
    }

    private static String kind(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Map) {
            return "a dict";
        }
        if (o instanceof List || o instanceof NumpyPickle.Tuple) {
            return "a list";
        }
        return o instanceof NumpyPickle.NdArray a ? "an " + a : "a " + o.getClass().getSimpleName();
    }
}
