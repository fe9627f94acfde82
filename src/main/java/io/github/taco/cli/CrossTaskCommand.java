package io.github.taco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.taco.eval.CrossTaskEvaluator;
import io.github.taco.eval.CrossTaskReader;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.io.AtomicFiles;
import io.github.taco.model.Checkpoint;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco crosstask}: zero-shot CrossTask step localization of a checkpoint. */
@Command(name = "crosstask", header = "CrossTask action step localization with a checkpoint (zero-shot).",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"CrossTask action step localization (zero-shot): each step name is encoded by the text encoder, "
                + "every frame by the video encoder (windows of maxFrames frames), frame x step similarity = [CLS] "
                + "vector . frame vector (cosine/τ for cosine checkpoints) + token-weight x the token-level term; one "
                + "frame per step in the task's order by dynamic programming; recall per task and averaged over tasks.",
                "",
                "Example: taco crosstask --checkpoint runs/a/checkpoint \\",
                "           --root crosstask_release --features features"})
final class CrossTaskCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "Checkpoint folder (a run's <out>/checkpoint).")
    Path checkpoint;

    @Option(names = "--root", required = true, description = "The crosstask_release/ folder (tasks_primary.txt, "
            + "videos.csv, videos_val.csv, annotations/).")
    Path root;

    @Option(names = "--features", required = true,
            description = "Features: a folder of <video_id>.npy, or an .npz/.h5 file.")
    Path features;

    @Option(names = "--fps", description = "Feature rows per second (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    double fps;

    @Option(names = "--split", description = "val (videos_val.csv), train (videos.csv without val) or all (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "val")
    String split;

    @Option(names = "--token-weight", description = "Weight of the token-level term Σ_p w_p (x^k · y^p); 0 = [CLS] "
            + "only (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    double tokenWeight;

    @Option(names = "--window",
            description = "Frames per video-encoder window, at most the checkpoint's maxFrames (default: maxFrames).")
    Integer window;

    @Option(names = "--json", description = "Also write the recalls as JSON to this file.")
    Path json;

    @Override
    public Integer call() throws Exception {
        CrossTaskEvaluator.Split s = CrossTaskEvaluator.Split.parse(split);
        try (Checkpoint ckpt = Checkpoint.open(checkpoint); FeatureStore store = FeatureStores.open(features, fps)) {
            ckpt.model().setTraining(false);
            if (store.dim() != ckpt.config().featureDim) {
                throw new IllegalArgumentException(features + " has " + store.dim()
                        + "-d features, the checkpoint expects " + ckpt.config().featureDim);
            }
            int w = window == null ? ckpt.config().maxFrames : window;
            CrossTaskEvaluator.Report r = CrossTaskEvaluator.evaluate(root, s, store,
                    new CrossTaskEvaluator.ModelScorer(ckpt.model(), ckpt.text(), tokenWeight, w));
            System.out.print(r.table(new CrossTaskReader(root).tasks()));
            if (json != null) {
                AtomicFiles.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(CrossTaskEvaluator.toMap(r)));
            }
        }
        return 0;
    }
}
