package io.github.taco.cli;

import io.github.taco.data.synth.BenchmarkVariant;
import io.github.taco.data.synth.BuiltInBenchmark;
import io.github.taco.eval.Ablation;
import io.github.taco.model.Similarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco ablate}: the paper's Table 3 and Table 4 on the synthetic benchmark. */
@Command(name = "ablate", header = "Reproduce the paper's Table 3 and Table 4 ablations on the synthetic benchmark.",
        mixinStandardHelpOptions = true,
        description = {"Trains and evaluates the rows of the paper's Table 3 (L1 / L3 / L1+L3 random / L1+L3 cascade / "
                + "L1+L2+L3 cascade) and Table 4 (tokens of interest) on the synthetic benchmark with several seeds. "
                + "Writes <out>/table.md (mean ± std, then the paper's claims judged against the seed spread), "
                + "<out>/chart.png and <out>/results.json after every run.",
                "",
                "Runs already in <out>/results.json are skipped: run the same command again to continue after a stop "
                + "(the run in progress starts over), or with more rows or seeds to add them. "
                + "A folder never mixes settings (steps, --batch, --temperature, ...).",
                "",
                "To use both cores, start one process per --out folder with one PyTorch thread each, then combine "
                + "the folders with --merge. At the default 300 steps a run takes minutes: 5 rows × 2 seeds is about "
                + "an hour on 2 cores.",
                "",
                "Example:",
                "  export TACO_JAVA_OPTS='-Xmx8g -Dai.djl.pytorch.num_threads=1'",
                "  taco ablate --out runs/a --only L1 &",
                "  taco ablate --out runs/b --only 'L1+L2+L3 cascade' &",
                "  wait; taco ablate --out runs/all --merge runs/a,runs/b"})
final class AblateCommand implements Callable<Integer> {
    /**
     * The flags that set a run-config key for every row, as taco train's flags of the same name do
     * ({@link TrainCommand#KEYS}); the other flags are the ablation's own ({@link #COMMAND_ONLY}).
     */
    static final Map<String, String> KEYS = Map.of("--steps", "train.steps", "--batch", "train.batchSize",
            "--similarity", "model.similarity", "--temperature", "model.temperature",
            "--text-lr", "train.textLearningRate");
    static final List<String> COMMAND_ONLY = List.of("--out", "--tables", "--seeds", "--eval-clips", "--captions",
            "--noise", "--variant", "--data", "--objective", "--only", "--bert", "--set", "--merge", "--help",
            "--version");

    @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).", defaultValue = "runs/ablate")
    Path out;

    @Option(names = "--tables", split = ",", description = "Which tables: 3, 4, d (diagnostic rows: L1+L2, L1+L2 "
            + "det+adp, TACo with a detached L3) or a comma list (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    List<String> tables;

    @Option(names = "--seeds", split = ",", description = "Seeds to run, a comma-separated list: --seeds 3 runs seed 3 "
            + "alone, --seeds 1,2,3 all three (default: ${DEFAULT-VALUE}).", defaultValue = "1,2")
    List<Long> seeds;

    @Option(names = "--steps", description = "Training steps per run (default: the cpu preset's).")
    Long steps;

    @Option(names = "--eval-clips", description = "Held-out clips to evaluate on, 0 = the whole validation split "
            + "(default: ${DEFAULT-VALUE}: the 3,492 clips of the youcook2 benchmark).", defaultValue = "0")
    int evalClips;

    @Option(names = "--captions", description = "Benchmark: youcook2 (real sentences, rendered features; the default) "
            + "or template (the earlier generated captions).", defaultValue = "youcook2")
    String captions;

    @Option(names = "--noise", description = "Noise of the youcook2 benchmark (default: docs/benchmark.md's). "
            + "A different noise is a different benchmark: its runs go to another --out.")
    Double noise;

    @Option(names = "--variant", paramLabel = "NAME", description = "Train on a member of the benchmark family instead "
            + "(docs/benchmark-family.md): base, lowsnr, lowersnr, wide, fps2, template, and faint (kept aside). "
            + "Not with --captions or --noise. Each member goes to its own --out.")
    String variant;

    @Option(names = "--data", paramLabel = "DIR", description = "Where the benchmark is rendered, or read when it is "
            + "there already (default: --out's synth/, a copy per folder, 0.6–2.3 GB). Several ablations of one member "
            + "can share one folder: a youcook2 rendering found there must match --variant/--noise or the run stops "
            + "before training. Render it first (taco synth --variant NAME --out DIR) when they start at once.")
    Path data;

    @Option(names = "--objective", paramLabel = "paper|preset", description = "The objective every row trains: the "
            + "paper's (default: these are the paper's tables; docs/method.md §4) or the cpu preset's (λ = 0, L3 "
            + "detached, the cascade's weights calibrated [ours]: the `taco train` default; meaningful for the L1 and "
            + "TACo rows, not for the rows that take L2 or L1 away). Recorded in results.json.",
            defaultValue = "paper")
    String objective;

    @Option(names = "--only", split = ",",
            description = "Run only the rows with these names (e.g. \"tokens noun,tokens verb\").")
    List<String> only;

    @Option(names = "--similarity", description = "dot or cosine for every row (default: the cpu preset's).")
    String similarity;

    @Option(names = "--temperature",
            description = "τ of cosine similarity for every row (default: the cpu preset's, 0.05).")
    Double temperature;

    @Option(names = "--batch", description = "K, pairs per batch, for every row (default: the cpu preset's, 64). "
            + "Larger batches hold more hard negatives and cost time roughly in proportion.")
    Integer batch;

    @Option(names = "--bert", description = "Start every row's text encoder from this Hugging Face BERT folder "
            + "(config.json, model.safetensors, vocab.txt), as the paper does; the text encoder takes its sizes (a "
            + "BERT wider than the preset's d = 128 is projected to d) and trains at 0.2 × the learning rate unless "
            + "--text-lr is given. Default: from scratch." + BertFolder.HELP, converter = BertFolder.class)
    Path bert;

    @Option(names = "--text-lr", description = "Peak learning rate of every row's text encoder (its embeddings and "
            + "layers; the projection to d, the video encoder and the fusion keep the preset's 5e-4), same warm-up and "
            + "decay. The paper fine-tunes a pretrained BERT at 2e-5 against 1e-4 from scratch (docs/method.md §6). "
            + "Default: the cpu preset's 2e-3 from scratch (4 × its main rate), or 0.2 × the main rate (1e-4) with "
            + "--bert. 0 freezes the text encoder. Tables trained before the preset's change (at 5e-4) continue with "
            + "--text-lr 5e-4.")
    Double textLr;

    @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE", description = "Change every row's run config, with the "
            + "keys of taco train --config's model: and train: sections, e.g. --set model.lambda=0.1 --set "
            + "train.clipNorm=0 (an experiment on the whole table; repeatable). The rows' own keys (losses, negatives, "
            + "tagSet, l3Detached) and those with options here are refused. Recorded in results.json: use another "
            + "--out per experiment.")
    List<String> overrides;

    @Option(names = "--merge", split = ",", paramLabel = "DIR", description = "Train nothing: add the runs of these "
            + "ablate folders (their results.json, same settings) to --out and write one table and chart.")
    List<Path> merge;

    @Override
    public Integer call() throws Exception {
        if (merge != null) {
            if (steps != null || batch != null || temperature != null || similarity != null || bert != null
                    || textLr != null || only != null
                    || noise != null || overrides != null || variant != null || data != null
                    || !"paper".equals(objective)) {
                throw new IllegalArgumentException("--merge trains nothing: it takes the settings of the folders it "
                        + "merges, so --steps, --batch, --temperature, --similarity, --bert, --text-lr, --noise, "
                        + "--variant, --data, --objective, --set and --only do not apply");
            }
            Ablation.merge(out, merge, System.out);
            return 0;
        }
        Ablation.Spec spec = new Ablation.Spec();
        spec.out = out;
        spec.seeds = seeds;
        spec.steps = steps;
        spec.evalClips = evalClips;
        spec.similarity = similarity == null ? null : Similarity.parse(similarity);
        spec.bert = bert;
        if (textLr != null && !(textLr >= 0)) {
            throw new IllegalArgumentException("--text-lr must be >= 0 (0 freezes the text encoder), got " + textLr);
        }
        spec.textLearningRate = textLr;
        spec.temperature = temperature;
        spec.batch = batch;
        spec.captions = BuiltInBenchmark.Captions.parse(captions);
        if (variant != null) {
            if (noise != null || !"youcook2".equals(captions)) {
                throw new IllegalArgumentException("--variant " + variant
                        + " fixes the captions and the noise: leave out --captions and --noise");
            }
            spec.variant = BenchmarkVariant.parse(variant);
            spec.captions = spec.variant.captions();
        }
        spec.noise = noise;
        spec.data = data;
        spec.overrides = overrides == null ? List.of() : overrides;
        spec.paperObjective = Objectives.paper(objective);
        List<Ablation.Row> rows = new ArrayList<>();
        for (String t : tables) {
            switch (t.trim()) {
                case "3" -> rows.addAll(Ablation.table3());
                case "4" -> {
                    rows.addAll(Ablation.table4());
                    if (!tables.contains("3")) { // noun+verb is Table 3's last row; add it when that table is not run
                        rows.add(Ablation.table3().get(4));
                    }
                }
                case "d" -> rows.addAll(Ablation.diagnostics());
                default -> throw new IllegalArgumentException("--tables: unknown table '" + t
                        + "' (use 3, 4 and/or d)");
            }
        }
        if (only != null) {
            rows.removeIf(r -> !only.contains(r.name()));
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(
                        "--only matched no row; rows are named like 'L1', 'L1+L3 random', 'tokens noun'");
            }
        }
        spec.rows = rows;
        Ablation.run(spec, System.out);
        return 0;
    }
}
