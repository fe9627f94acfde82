package io.github.taco.features;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One {@code .npz} archive (as written by {@code numpy.savez}) with one array per video, keyed by
 * video id (entry {@code <video_id>.npy}). Entries are read on demand, not the whole archive.
 */
public final class NpzStore extends AbstractFeatureStore {
    private final Path file;
    private final ZipFile zip;

    public NpzStore(Path file, double fps, int expectedDim) throws IOException {
        super(fps, expectedDim);
        this.file = file;
        this.zip = new ZipFile(file.toFile());
    }

    private ZipEntry entry(String videoId) {
        return zip.getEntry(videoId + ".npy");
    }

    @Override
    public VideoFeatures load(String videoId) throws IOException {
        ZipEntry e = entry(videoId);
        String source = file + "!" + videoId + ".npy";
        if (e == null) {
            throw new FeatureException(FeatureException.Kind.MISSING, videoId, file, "no entry " + videoId + ".npy");
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(e)) {
            bytes = in.readAllBytes();
        } catch (IOException ex) {
            throw new FeatureException(FeatureException.Kind.CORRUPT, videoId, source,
                    "cannot read entry: " + ex.getMessage(), ex);
        }
        return checkDim(Npy.decode(bytes, videoId, source), source);
    }

    @Override
    public boolean contains(String videoId) {
        return entry(videoId) != null;
    }

    @Override
    public int dim() throws IOException {
        if (knownDim() == 0) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".npy")) {
                    load(name.substring(0, name.length() - 4));
                    break;
                }
            }
        }
        return knownDim();
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    @Override
    public String toString() {
        return "npz " + file + " @ " + fps + " fps";
    }
}
