package io.github.taco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.taco.eval.EvalProtocol;
import io.github.taco.eval.EvalRun;
import io.github.taco.eval.RetrievalEvaluator;
import io.github.taco.io.AtomicFiles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco eval}: retrieval metrics of a checkpoint on a dataset split. */
@Command(name = "eval", header = "Retrieval metrics of a checkpoint on a dataset split, both directions.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Text→video and video→text retrieval (R@1/5/10/50, MedR, MeanR; ties count against the model) "
                + "for s1, s1+0.5·s2, the cascade (top R re-scored with s3) and, on small sets, every pair with s3. "
                + "Exact scores, no approximate search. Works zero-shot on a dataset the checkpoint never saw.",
                "",
                "Example: taco eval --checkpoint runs/a/checkpoint \\",
                "           --annotations synth/youcookii_annotations_trainval.json \\",
                "           --features synth/features"})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "Checkpoint folder (a run's <out>/checkpoint).")
    Path checkpoint;

    @ArgGroup(exclusive = false, heading = "Data%n")
    DataOptions data = new DataOptions();

    @Option(names = "--split", description = "validation, test or train (default: ${DEFAULT-VALUE}).",
            defaultValue = "validation")
    String split;

    @Option(names = "--protocol", paramLabel = "all|milnce", description = "Which clips of the split: all (default), "
            + "or milnce: YouCook2 validation's 3,350 clips of the 436 videos not in HowTo100M (MIL-NCE's "
            + "validation_youcook.csv, bundled), on which most papers report. The table says how many of them your "
            + "features cover (--on-missing skip leaves the rest out).", defaultValue = "all")
    String protocol;

    @Option(names = "--max-clips",
            description = "Evaluate the first N clips only; 0 = all (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    int maxClips;

    @Option(names = "--top-r", description = "Cascade: candidates re-scored with s3 per query; 0 = no cascade row "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "100")
    int topR;

    @Option(names = "--dsl", description = "Add a row re-scored by dual softmax (each score times its candidate's "
            + "softmax over all test queries), as some papers report apart: it uses every test query at once, which a "
            + "search never has.")
    boolean dualSoftmax;

    @Option(names = "--exhaustive-limit", description = "Add the every-pair s3 row when there are at most N clips "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "100")
    int exhaustiveLimit;

    @Option(names = "--json", description = "Also write the metrics as JSON to this file.")
    Path json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Override
    public Integer call() throws Exception {
        EvalRun.Spec spec = data.evalSpec(checkpoint, split);
        spec.maxClips = maxClips;
        spec.topR = topR;
        spec.exhaustiveLimit = exhaustiveLimit;
        spec.dualSoftmax = dualSoftmax;
        spec.protocol = EvalProtocol.parse(protocol);
        RetrievalEvaluator.Report report = EvalRun.run(spec);
        var out = commandSpec.commandLine().getOut();
        out.print(report.table());
        out.printf(Locale.ROOT, "evaluated %d clips in %.1f s (%s)%n", report.clips(), report.seconds(),
                report.profile().summary());
        out.flush();
        if (json != null) {
            String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(report.summary());
            AtomicFiles.writeString(json, text);
        }
        return 0;
    }
}
