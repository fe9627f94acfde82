package io.github.taco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.taco.eval.CoinSegmentation;
import io.github.taco.eval.FrameVectors;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.io.AtomicFiles;
import io.github.taco.model.Checkpoint;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco coin}: COIN action segmentation with a linear probe on the frozen video encoder. */
@Command(name = "coin", header = "COIN action segmentation: a linear probe on the frozen video encoder.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"COIN action segmentation: a linear per-frame classifier (step classes + background 0) trained "
                + "with Adam on the frozen video encoder's per-frame outputs of the \"training\" videos, evaluated on "
                + "\"testing\": frame accuracy with and without the background class.",
                "",
                "Example: taco coin --checkpoint runs/a/checkpoint --coin COIN.json \\",
                "           --features features"})
final class CoinCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "Checkpoint folder (a run's <out>/checkpoint).")
    Path checkpoint;

    @Option(names = "--coin", required = true, description = "COIN.json.")
    Path coin;

    @Option(names = "--features", required = true,
            description = "Features: a folder of <video_id>.npy, or an .npz/.h5 file.")
    Path features;

    @Option(names = "--fps", description = "Feature rows per second (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    double fps;

    @Option(names = "--epochs", description = "Passes over the training frames (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int epochs;

    @Option(names = "--lr", description = "Adam learning rate of the probe (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.01")
    double lr;

    @Option(names = "--batch-size", description = "Frames per update (default: ${DEFAULT-VALUE}).",
            defaultValue = "256")
    int batchSize;

    @Option(names = "--train-stride", description = "Train on every n-th frame only, to bound memory (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "1")
    int trainStride;

    @Option(names = "--window",
            description = "Frames per video-encoder window, at most the checkpoint's maxFrames (default: maxFrames).")
    Integer window;

    @Option(names = "--skip-missing", description = "Skip (and count) videos without features instead of failing.")
    boolean skipMissing;

    @Option(names = "--seed", description = "Seed of the probe's initialisation and frame order (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "0")
    long seed;

    @Option(names = "--json", description = "Also write the accuracies as JSON to this file.")
    Path json;

    @Override
    public Integer call() throws Exception {
        CoinSegmentation.Options o = new CoinSegmentation.Options();
        o.epochs = epochs;
        o.learningRate = lr;
        o.batchSize = batchSize;
        o.trainStride = trainStride;
        o.skipMissing = skipMissing;
        o.seed = seed;
        try (Checkpoint ckpt = Checkpoint.open(checkpoint); FeatureStore store = FeatureStores.open(features, fps)) {
            ckpt.model().setTraining(false);
            if (store.dim() != ckpt.config().featureDim) {
                throw new IllegalArgumentException(features + " has " + store.dim()
                        + "-d features, the checkpoint expects " + ckpt.config().featureDim);
            }
            int w = window == null ? ckpt.config().maxFrames : window;
            CoinSegmentation.Report r = CoinSegmentation.run(coin, store, v -> FrameVectors.encode(ckpt.model(), v, w),
                    o, ckpt.model().weights().manager());
            System.out.print(r.table());
            if (json != null) {
                AtomicFiles.writeString(json,
                        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r.summary()));
            }
        }
        return 0;
    }
}
