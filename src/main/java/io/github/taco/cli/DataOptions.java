package io.github.taco.cli;

import io.github.taco.data.MissingPolicy;
import io.github.taco.data.Split;
import io.github.taco.eval.EvalRun;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that name a dataset on disk, shared by train, eval and index. */
final class DataOptions {
    @Option(names = "--dataset", description = "youcook2 (also the synthetic benchmark), msrvtt, activitynet, "
            + "howto100m, or univl (UniVL's caption pickle, e.g. youcookii_data.pickle, with its youcookii_train.csv / "
            + "youcookii_val.csv beside it) (default: ${DEFAULT-VALUE}).", defaultValue = "youcook2")
    String dataset;

    @Option(names = "--annotations", required = true,
            description = "Annotation file or folder in the dataset's public layout (docs/method.md §8).")
    Path annotations;

    @Option(names = "--features", required = true, description = "Features: a folder of <video_id>.npy, an .npz, an "
            + "HDF5 file keyed by video id, or a Python .pickle of {video_id: ndarray [T, D]} (UniVL's release; read "
            + "once into NAME.taco-cache beside it, nothing in it is run).")
    Path features;

    @Option(names = "--fps", description = "Feature frames per second (default: ${DEFAULT-VALUE}).",
            defaultValue = "1.0")
    double fps;

    /** Null when not given, so that a YAML config's {@code data: onMissing} is not overwritten by a default. */
    @Option(names = "--on-missing",
            description = "Clips whose features are missing: skip (counted and reported) or fail (default: fail).")
    String onMissing;

    MissingPolicy missingPolicy() {
        return onMissing == null ? MissingPolicy.FAIL : MissingPolicy.parse(onMissing);
    }

    /** An evaluation of {@code checkpoint} on {@code split} of this data (taco eval, taco bench eval). */
    EvalRun.Spec evalSpec(Path checkpoint, String split) {
        EvalRun.Spec spec = new EvalRun.Spec();
        spec.checkpoint = checkpoint;
        spec.dataset = dataset;
        spec.annotations = annotations;
        spec.features = features;
        spec.fps = fps;
        spec.onMissing = missingPolicy();
        spec.split = Split.parse(split);
        return spec;
    }
}
