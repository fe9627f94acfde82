package io.github.taco.cli;

import io.github.taco.data.CheckReport;
import io.github.taco.data.Dataset;
import io.github.taco.data.DatasetChecker;
import io.github.taco.data.Datasets;
import io.github.taco.data.MissingPolicy;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco data check}: prints a {@link CheckReport}; exit 1 when it has problems. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check a dataset's annotations against its features: counts per split, missing or unusable "
            + "feature files, durations that disagree with feature lengths (tolerance max(2 s, 5%%)), frames per clip.",
            "",
            "Exit code 1 with the list of problems."})
final class DataCheckCommand implements Callable<Integer> {

    @Option(names = "--dataset", defaultValue = "youcook2", description = "Dataset layout: ${COMPLETION-CANDIDATES} "
            + "(default: ${DEFAULT-VALUE}, as in train, eval and index).")
    DatasetName dataset;

    @Option(names = "--annotations", required = true,
            description = "Annotation file or folder: youcook2 = youcookii_annotations_trainval.json (or its folder, "
                    + "or validation_youcook.csv); msrvtt = folder with MSRVTT_train.9k/7k.csv, "
                    + "MSRVTT_JSFUSION_test.csv and optionally MSRVTT_data.json; activitynet = train.json / val_1.json "
                    + "or their folder; howto100m = a caption CSV, a folder of them, or raw_caption.json. A `taco "
                    + "synth` output folder reads as youcook2.")
    Path annotations;

    @Option(names = "--features", required = true, split = ",",
            description = "Features: a folder of <video_id>.npy, a .npz, a .h5 file or a .pickle of {video_id: "
                    + "ndarray}. Several (comma-separated or repeated) are concatenated along D, aligned in "
                    + "time to the first.")
    List<Path> features;

    @Option(names = "--fps", split = ",", description = "Feature rows per second, one per --features path (default 1).")
    List<Double> fps = new ArrayList<>();

    @Option(names = "--on-missing", defaultValue = "fail",
            description = "Videos without features: 'fail' makes them a problem, 'skip' only reports them (default "
                    + "${DEFAULT-VALUE}).")
    String onMissing;

    @Option(names = "--max-frames", defaultValue = "48",
            description = "The model's video-token limit; clips longer than this are counted as thinned (default "
                    + "${DEFAULT-VALUE}).")
    int maxFrames;

    @Option(names = "--msrvtt-split", defaultValue = "split1",
            description = "MSR-VTT training list: split1, 9k videos (MSRVTT_train.9k.csv), or split2, 7k "
                    + "(MSRVTT_train.7k.csv, the 7k split of Miech et al. that HowTo100M's and TACo's papers train "
                    + "on); both test on JSFusion's 1k-A (default ${DEFAULT-VALUE}).")
    String msrvttSplit;

    @Option(names = "--sentences",
            description = "ActivityNet: one clip per sentence instead of one paragraph per video.")
    boolean sentences;

    enum DatasetName { youcook2, msrvtt, activitynet, howto100m, univl }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Double> rates = new ArrayList<>(fps);
        while (rates.size() < features.size()) {
            rates.add(rates.isEmpty() ? 1.0 : rates.get(rates.size() - 1));
        }
        Dataset ds = Datasets.read(dataset.name(), annotations, msrvttSplit, !sentences);
        try (FeatureStore store = FeatureStores.open(features, rates.subList(0, features.size()))) {
            CheckReport report = DatasetChecker.check(ds, store, MissingPolicy.parse(onMissing), maxFrames);
            spec.commandLine().getOut().print(report.format());
            spec.commandLine().getOut().flush();
            return report.ok() ? 0 : 1;
        }
    }
}
