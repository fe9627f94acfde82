package io.github.taco.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Opens a feature store from a path, choosing the format by what the path is. */
public final class FeatureStores {
    private FeatureStores() {}

    /**
     * A directory → {@link NpyDirectoryStore}; {@code *.npz} → {@link NpzStore};
     * {@code *.h5 / *.hdf5} → {@link Hdf5Store}; {@code *.pickle / *.pkl} → {@link PickleStore} (UniVL's
     * {@code {video_id: ndarray}}, read once into a cache). The dimension is taken from the first video read.
     */
    public static FeatureStore open(Path path, double fps) throws IOException {
        String name = path.getFileName().toString().toLowerCase();
        if (Files.isDirectory(path)) {
            return new NpyDirectoryStore(path, fps, 0);
        }
        if (!Files.exists(path)) {
            throw new IOException("feature path " + path + " does not exist");
        }
        if (name.endsWith(".npz")) {
            return new NpzStore(path, fps, 0);
        }
        if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
            return new Hdf5Store(path, fps, 0);
        }
        if (name.endsWith(".pickle") || name.endsWith(".pkl")) {
            return PickleStore.open(path, fps);
        }
        throw new IOException("unknown feature format " + path
                + " (expected a directory of .npy, a .npz, a .h5 file or a .pickle of {video_id: array})");
    }

    /**
     * Several feature sets concatenated along D, aligned in time to the first (see
     * {@link ConcatFeatureStore}); {@code fps.get(i)} belongs to {@code paths.get(i)}.
     */
    public static FeatureStore open(List<Path> paths, List<Double> fps) throws IOException {
        if (paths.isEmpty() || paths.size() != fps.size()) {
            throw new IllegalArgumentException("need one fps per feature path: " + paths + " vs " + fps);
        }
        FeatureStore store = open(paths.get(0), fps.get(0));
        for (int i = 1; i < paths.size(); i++) {
            store = new ConcatFeatureStore(store, open(paths.get(i), fps.get(i)));
        }
        return store;
    }
}
