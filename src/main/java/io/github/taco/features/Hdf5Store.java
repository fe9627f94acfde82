package io.github.taco.features;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One HDF5 file with a dataset of shape [T, D] per video at the root, named by video id; read with
 * jhdf. float32 and float64 datasets are accepted (float64 is narrowed to float32).
 */
public final class Hdf5Store extends AbstractFeatureStore {
    private final Path file;
    private final HdfFile hdf;

    public Hdf5Store(Path file, double fps, int expectedDim) {
        super(fps, expectedDim);
        this.file = file;
        this.hdf = new HdfFile(file);
    }

    @Override
    public VideoFeatures load(String videoId) throws IOException {
        Object data;
        synchronized (hdf) { // jhdf readers share one file channel
            Node node = hdf.getChildren().get(videoId);
            if (!(node instanceof Dataset ds)) {
                throw new FeatureException(FeatureException.Kind.MISSING, videoId, file, "no dataset /" + videoId);
            }
            int[] dims = ds.getDimensions();
            if (dims.length != 2 || dims[0] <= 0 || dims[1] <= 0) {
                throw new FeatureException(FeatureException.Kind.SHAPE, videoId, file + ":/" + videoId,
                        "shape " + Arrays.toString(dims) + " is not [T, D] with T, D > 0");
            }
            try {
                data = ds.getData();
            } catch (RuntimeException e) {
                throw new FeatureException(FeatureException.Kind.CORRUPT, videoId, file + ":/" + videoId,
                        e.getMessage(), e);
            }
        }
        String source = file + ":/" + videoId;
        float[] flat;
        int rows;
        int cols;
        if (data instanceof float[][] m) {
            rows = m.length;
            cols = m[0].length;
            flat = new float[rows * cols];
            for (int t = 0; t < rows; t++) {
                System.arraycopy(m[t], 0, flat, t * cols, cols);
            }
        } else if (data instanceof double[][] m) {
            rows = m.length;
            cols = m[0].length;
            flat = new float[rows * cols];
            for (int t = 0; t < rows; t++) {
                for (int d = 0; d < cols; d++) {
                    flat[t * cols + d] = (float) m[t][d];
                }
            }
        } else {
            throw new FeatureException(FeatureException.Kind.DTYPE, videoId, source,
                    "data of Java type " + data.getClass().getSimpleName()
                            + " is not supported (use float32 or float64)");
        }
        VideoFeatures f = new VideoFeatures(videoId, rows, cols, flat);
        int bad = f.firstNonFinite();
        if (bad >= 0) {
            throw new FeatureException(FeatureException.Kind.NON_FINITE, videoId, source,
                    "value " + flat[bad] + " at frame " + bad / cols + ", dim " + bad % cols);
        }
        return checkDim(f, source);
    }

    @Override
    public boolean contains(String videoId) {
        synchronized (hdf) {
            return hdf.getChildren().get(videoId) instanceof Dataset;
        }
    }

    @Override
    public int dim() throws IOException {
        if (knownDim() == 0) {
            String first;
            synchronized (hdf) {
                first = hdf.getChildren().keySet().stream().findFirst()
                        .orElseThrow(() -> new IOException("no datasets in " + file));
            }
            load(first);
        }
        return knownDim();
    }

    @Override
    public void close() {
        hdf.close();
    }

    @Override
    public String toString() {
        return "HDF5 " + file + " @ " + fps + " fps";
    }
}
