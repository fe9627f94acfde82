package io.github.taco.features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** A directory with one {@code <video_id>.npy} per video, float32 or float16, shape [T, D]. */
public final class NpyDirectoryStore extends AbstractFeatureStore {
    private final Path dir;

    /**
     * @param dir         the directory
     * @param fps         feature rows per second
     * @param expectedDim D, or 0 to take it from the first file read
     */
    public NpyDirectoryStore(Path dir, double fps, int expectedDim) {
        super(fps, expectedDim);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("feature directory " + dir + " does not exist");
        }
        this.dir = dir;
    }

    public Path file(String videoId) {
        return dir.resolve(videoId + ".npy");
    }

    @Override
    public VideoFeatures load(String videoId) throws IOException {
        Path f = file(videoId);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw FeatureException.missing(videoId, f);
        }
        return checkDim(Npy.decode(bytes, videoId, f), f);
    }

    @Override
    public boolean contains(String videoId) {
        return Files.isRegularFile(file(videoId));
    }

    @Override
    public int dim() throws IOException {
        if (knownDim() == 0) {
            Optional<Path> first;
            try (Stream<Path> s = Files.list(dir)) {
                first = s.filter(p -> p.getFileName().toString().endsWith(".npy")).sorted().findFirst();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            if (first.isEmpty()) {
                throw new IOException("no .npy files in " + dir);
            }
            String name = first.get().getFileName().toString();
            load(name.substring(0, name.length() - 4));
        }
        return knownDim();
    }

    @Override
    public String toString() {
        return "npy directory " + dir + " @ " + fps + " fps";
    }
}
