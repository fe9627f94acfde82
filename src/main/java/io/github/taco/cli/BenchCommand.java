package io.github.taco.cli;

import ai.djl.ndarray.NDManager;
import io.github.taco.bench.CascadeSearchBench;
import io.github.taco.bench.EvalBenchmark;
import io.github.taco.bench.HttpLoadBench;
import io.github.taco.bench.KnownItemSearch;
import io.github.taco.bench.ParityExport;
import io.github.taco.bench.PyTorchStep;
import io.github.taco.bench.SolrSearchBench;
import io.github.taco.bench.TextBenchmark;
import io.github.taco.bench.TrainBenchmark;
import io.github.taco.bench.VectorSearchBench;
import io.github.taco.eval.EvalRun;
import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.FrameStore;
import io.github.taco.index.VideoIndex;
import io.github.taco.model.Checkpoint;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.train.RunConfigFile;
import io.github.taco.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco bench ...}: measured performance figures. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: a training step on random batches of real size; a retrieval evaluation; search "
                + "(HNSW, cascade, HTTP).",
        subcommands = {BenchCommand.Train.class, BenchCommand.Eval.class, BenchCommand.Search.class,
                BenchCommand.Text.class, BenchCommand.ExportParity.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: try 'taco bench train'.");
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Times training steps and prints ms/step split into text encoder, video encoder, L1+L2, "
                    + "cascade selection, fusion, backward and optimizer; pairs/s; peak RSS; and, when "
                    + "tools/parity/parity.py and a python3 with torch are found, the same step in plain PyTorch and "
                    + "the ratio (--pytorch).",
                    "",
                    "Example: taco bench train --preset cpu --timed-steps 5",
                    "",
                    "A flag that taco train has too means what it means there (a model.* or train.* key); --set "
                            + "overrides any model key, e.g. --set model.intermediateSize=1024.",
                    "",
                    "A 6-layer, 384-wide text encoder (all-MiniLM-L6-v2's sizes) projected to the cpu "
                            + "preset's d = 128:",
                    "  taco bench train --preset cpu --text-hidden 384 --text-heads 12 --text-layers 6"})
    static final class Train implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--preset", description = {
                "A shape: cpu, paper, both (cpu then paper), small or large (default: ${DEFAULT-VALUE}).",
                "cpu: the cpu preset, K=64, K'=4, 48 frames, 30 tokens, D=1024; paper: BERT-base sizes, d=768, K=128, "
                        + "K'=8, 48 frames, 30 tokens, D=1024; small: the cpu preset with K=64, K'=4, 16 frames, 20 "
                        + "tokens, D=512, dropout 0.1; large: d=256, K=128, K'=8, 32 frames, 24 tokens, D=512, dropout "
                        + "0.1 (tools/parity times the same shapes)."},
                defaultValue = "both")
        String preset;

        @Option(names = "--batch", description = "K, pairs per batch (default: the shape's).")
        Integer batch;

        @Option(names = "--kprime", description = "K', hard negatives per anchor (default: the shape's).")
        Integer kPrime;

        // initial values, not defaultValue: picocli would apply a defaultValue after the deprecated names below
        @Option(names = "--timed-steps", description = "Steps timed (default: ${DEFAULT-VALUE}).")
        int steps = 3;

        @Option(names = "--untimed-steps", description = "Steps run first and not timed (default: ${DEFAULT-VALUE}).")
        int warmup = 1;

        /** The earlier names of the two above: in taco train, --steps and --warmup count training steps. */
        @Option(names = "--steps", hidden = true)
        void deprecatedSteps(int n) {
            System.err.println("taco bench train: --steps is now --timed-steps (in taco train, --steps counts the "
                    + "training steps)");
            steps = n;
        }

        @Option(names = "--warmup", hidden = true)
        void deprecatedWarmup(int n) {
            System.err.println("taco bench train: --warmup is now --untimed-steps (in taco train, --warmup counts the "
                    + "learning rate's warm-up steps)");
            warmup = n;
        }

        @Option(names = "--feature-dim", description = "D of the random features (default: the shape's).")
        Integer featureDim;

        @Option(names = "--hidden", description = "Override d, as taco train's --hidden does (the intermediate size "
                + "stays the shape's unless --set model.intermediateSize=N).") Integer hidden;
        @Option(names = "--heads", description = "Override the attention heads of d's layers.") Integer heads;
        @Option(names = "--text-hidden", description = "Width of the text encoder alone (its intermediate size follows "
                + "as 4×); when it differs from d its tokens are projected to d (text.proj, docs/method.md "
                + "§1). Default: d.") Integer textHidden;
        @Option(names = "--text-heads", description = "Attention heads of the text encoder alone (default: those "
                + "of d's layers).") Integer textHeads;
        @Option(names = {"--max-frames", "--frames"}, description = "Override frames per clip.") Integer frames;
        @Option(names = {"--max-tokens", "--tokens"}, description = "Override tokens per caption.") Integer tokens;
        @Option(names = "--text-layers", description = "Override text layers.") Integer textLayers;
        @Option(names = "--fusion-layers", description = "Override fusion layers.") Integer fusionLayers;
        @Option(names = "--dropout",
                description = "Override the dropout rate (0 shows what dropout costs).") Double dropout;
        @Option(names = "--fusion-chunk", description = "Anchors per L3 chunk (gradient caching; 0, the default: sized "
                + "automatically; the batch size or more: the whole batch at once).",
                defaultValue = "0") int fusionChunk;
        @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE", description = "Override a model key or "
                + "train.batchSize / train.fusionChunk, as in taco train (repeatable; after the flags above).")
        List<String> sets = List.of();
        @Option(names = "--pytorch", defaultValue = "auto", description = {
                "Also time the same shape in plain PyTorch (tools/parity/parity.py time, a child process with as many "
                        + "threads as the engine) and print the ratio: auto (the default: when the script and a "
                        + "python3 with torch are found), on (an error when they are not) or off.",
                "Only for shapes not overridden by the options above but --batch, --kprime and --feature-dim."})
        String pytorch;

        /**
         * The flags that taco train has too, as the keys they set there ({@link TrainCommand#KEYS}): one meaning per
         * flag name. FlagKeysTest checks that no other flag of this command shares a name with one of train's.
         */
        static final Map<String, String> KEYS = Map.ofEntries(Map.entry("--batch", "train.batchSize"),
                Map.entry("--kprime", "model.kPrime"), Map.entry("--hidden", "model.hiddenSize"),
                Map.entry("--heads", "model.numAttentionHeads"), Map.entry("--max-frames", "model.maxFrames"),
                Map.entry("--max-tokens", "model.maxTokens"), Map.entry("--text-layers", "model.textLayers"),
                Map.entry("--fusion-layers", "model.fusionLayers"), Map.entry("--dropout", "model.dropout"),
                Map.entry("--fusion-chunk", "train.fusionChunk"));

        /** What is timed: the shape's model and batch with the flags and --set applied. */
        record Resolved(TacoConfig config, int batch, int fusionChunk) {}

        Resolved resolve(TrainBenchmark.Shape shape) {
            TrainingRun.Spec s = new TrainingRun.Spec();
            s.model = shape.config().copy();
            s.train.batchSize = shape.batch();
            s.train.fusionChunk = 0;
            for (CommandLine.Model.OptionSpec option : spec.options()) {
                String key = KEYS.get(option.longestName());
                if (key != null && option.getValue() != null) {
                    RunConfigFile.applyOverrides(s, List.of(key + "=" + option.getValue()));
                }
            }
            RunConfigFile.applyOverrides(s, sets);
            TacoConfig c = s.model;
            // bench-only: a text encoder of another width than d (taco train takes it from --bert)
            if (textHidden != null) { c.textHiddenSize = textHidden; c.textIntermediateSize = 4 * textHidden; }
            if (textHeads != null) c.textAttentionHeads = textHeads;
            return new Resolved(c, s.train.batchSize, s.train.fusionChunk);
        }

        @Override
        public Integer call() throws Exception {
            if (!Set.of("auto", "on", "off").contains(pytorch)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--pytorch must be auto, on or off, got '" + pytorch + "'");
            }
            List<String> names = preset.equals("both") ? List.of("cpu", "paper") : List.of(preset);
            for (String name : names) {
                TrainBenchmark.Shape shape = TrainBenchmark.Shape.named(name, featureDim);
                Resolved x = resolve(shape);
                TrainBenchmark.Result r = TrainBenchmark.run(shape.label(), x.config(), x.batch(), x.fusionChunk(),
                        warmup, steps);
                System.out.print(r.report());
                System.out.print(pytorchRatio(name, reshaped(shape), x, r));
            }
            return 0;
        }

        /**
         * Whether the options above changed the named shape (then parity.py, which knows the named shapes only, cannot
         * time it).
         */
        boolean reshaped(TrainBenchmark.Shape shape) {
            TacoConfig c = resolve(shape).config();
            c.kPrime = shape.config().kPrime; // parity.py takes K' (and K and D) as options
            return !c.toJson().equals(shape.config().toJson());
        }

        /** The PyTorch timing and ratio (docs/performance.md), or why there is none. */
        private String pytorchRatio(String name, boolean reshaped, Resolved x, TrainBenchmark.Result java)
                throws Exception {
            if (pytorch.equals("off")) {
                return "";
            }
            String why = null;
            Path script = null;
            String python = null;
            if (reshaped) {
                why = "the shape was overridden; parity.py times the named shapes (with --batch, "
                        + "--kprime, --feature-dim, train.batchSize and model.kPrime)";
            } else if ((script = PyTorchStep.findScript()) == null) {
                why = "no tools/parity/parity.py under the working directory or the repository of the jar";
            } else if ((python = PyTorchStep.findPython()) == null) {
                why = "no python3 with torch ($TACO_PYTHON, python3, /usr/bin/python3; Debian: apt-get install "
                        + "python3-torch libopenblas0-pthread)";
            }
            if (why != null) {
                if (pytorch.equals("on")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--pytorch on: " + why);
                }
                return "  PyTorch ratio: not measured (" + why + ")\n";
            }
            String threads = System.getProperty("ai.djl.pytorch.num_threads");
            int n = threads != null ? Integer.parseInt(threads.trim()) : Runtime.getRuntime().availableProcessors();
            PyTorchStep.Timing t = PyTorchStep.time(python, script, name, x.batch(), x.config().kPrime,
                    featureDim, steps, warmup, n);
            return PyTorchStep.ratioLine(java, t);
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Times a retrieval evaluation as 'taco eval' runs it (s1, s1+0.5·s2 and the cascade, both "
                    + "directions) and prints seconds per phase (encode, s1, s2, fusion, ranking), s2 pairs/s, fusion "
                    + "passes/s, the share of this machine's float32 matrix-product peak each reaches, and peak RSS. "
                    + "With --padded, also the previous release's padded s2 path on the same clips, and the ratio.",
                    "",
                    "On a checkpoint and its data (the demo's validation clips):",
                    "  taco bench eval --checkpoint runs/demo/train/checkpoint \\",
                    "      --annotations runs/demo/synth/youcookii_annotations_trainval.json \\",
                    "      --features runs/demo/synth/features --top-r 10 --padded",
                    "Without one: a random cpu-preset model on random clips of YouCook2's lengths:",
                    "  taco bench eval --clips 3492"})
    static final class Eval implements Callable<Integer> {
        @Option(names = "--checkpoint", description = "A checkpoint folder; with --annotations and --features "
                + "(default: a random cpu-preset model).")
        Path checkpoint;

        @CommandLine.ArgGroup(exclusive = false, heading = "Data (with --checkpoint)%n")
        DataOptions data;

        @Option(names = "--split", description = "validation, test or train (default: ${DEFAULT-VALUE}).",
                defaultValue = "validation")
        String split;

        @Option(names = "--clips", description = "Without --checkpoint: random clips (default: ${DEFAULT-VALUE}, "
                + "YouCook2's validation split); with one: the first N clips of the split, 0 = all.",
                defaultValue = "3492")
        int clips;

        @Option(names = "--top-r", description = "Cascade: candidates re-scored with s3 per query, in each direction "
                + "(default: ${DEFAULT-VALUE}, the demo's).", defaultValue = "10")
        int topR;

        @Option(names = "--padded", description = "Also time the previous release's s2 path (padded to the longest "
                + "caption and clip) on the same clips.")
        boolean padded;

        @Option(names = "--engine-threads", defaultValue = "0",
                description = "PyTorch intra-op threads, 0 for one per core (default: ${DEFAULT-VALUE}).")
        int engineThreads;

        @Override
        public Integer call() throws Exception {
            EngineThreads.forSearch(engineThreads);
            if (checkpoint == null) {
                if (data != null) {
                    throw new CommandLine.ParameterException(new CommandLine(this),
                            "--annotations and --features need --checkpoint");
                }
                TacoConfig c = TacoConfig.cpu(512);
                try (NDManager root = NDManager.newBaseManager();
                        TacoModel model = new TacoModel(c, root, 1)) {
                    System.out.print(EvalBenchmark.run("random clips (random cpu-preset model, 512-d features)", model,
                            EvalBenchmark.randomClips(clips, c, 1), topR, padded).report());
                }
                return 0;
            }
            if (data == null) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--checkpoint needs --annotations and --features");
            }
            EvalRun.Spec spec = data.evalSpec(checkpoint, split);
            spec.maxClips = clips;
            String what = data.dataset + " " + spec.split + " (" + checkpoint + ")";
            System.out.print(EvalRun.run(spec,
                    (model, batches) -> EvalBenchmark.run(what, model, batches, topR, padded)).report());
            return 0;
        }
    }

    @Command(name = "text", mixinStandardHelpOptions = true,
            description = {"Throughput of the text pipeline (tokenize + POS tags + alignment + IDF weights) over the "
                    + "13,829 captions of the bundled YouCook2 annotation file: on all cores (best of --rounds), "
                    + "then on one thread."})
    static final class Text implements Callable<Integer> {
        @Option(names = "--rounds", defaultValue = "5",
                description = "Timed passes on all cores (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() throws Exception {
            System.out.print(TextBenchmark.run(rounds));
            return 0;
        }
    }

    /** Export for tools/parity/parity.py; hidden because it is a developer tool, not a user feature. */
    @Command(name = "export-parity", hidden = true, mixinStandardHelpOptions = true,
            description = {"Writes a random checkpoint, a padded random batch, its scores, losses and a few gradients "
                    + "(eval mode) as safetensors, for tools/parity/parity.py to check against PyTorch.",
                    "",
                    "Example: taco bench export-parity --out /tmp/parity --preset tiny \\",
                    "           --similarity cosine"})
    static final class ExportParity implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Output folder.")
        Path out;

        @Option(names = "--preset", description = "tiny, cpu or paper (default: ${DEFAULT-VALUE}).",
                defaultValue = "cpu")
        String preset;

        @Option(names = "--batch", description = "K (default: 8 tiny, 64 cpu, 128 paper).")
        Integer batch;

        @Option(names = "--kprime", description = "K' (default: 3 tiny, 4 cpu, 8 paper).")
        Integer kPrime;

        @Option(names = "--similarity", description = "dot or cosine (default: ${DEFAULT-VALUE}).",
                defaultValue = "dot")
        String similarity;

        @Option(names = "--seed", description = "Seed of the weights and the batch (default: ${DEFAULT-VALUE}).",
                defaultValue = "1")
        long seed;

        @Option(names = "--feature-dim", description = "D (default: ${DEFAULT-VALUE}; the tiny preset caps it at 24).",
                defaultValue = "1024")
        int featureDim;

        @Option(names = "--l1-video-to-text", description = "Also the video->text direction in L1.")
        boolean l1VideoToText;

        @Override
        public Integer call() throws Exception {
            if (!preset.matches("tiny|cpu|paper")) {
                throw new IllegalArgumentException("--preset must be tiny, cpu or paper, got '" + preset + "'");
            }
            ParityExport.Result r = ParityExport.run(new ParityExport.Options(out, preset, batch, kPrime, similarity,
                    seed, featureDim, l1VideoToText));
            System.out.printf("exported %s preset (d=%d, K=%d, K'=%d, %s) to %s%n", preset, r.config().hiddenSize,
                    r.batchSize(), r.kPrime(), r.config().similarity, out);
            r.losses().forEach((k, v) -> System.out.printf("  %-6s %.6f%n", k, v));
            System.out.printf("  gradients of %d parameters%n", r.gradNames().size());
            return 0;
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true,
            // The list items are wrapped by hand (hanging indent, under 80 columns): picocli would wrap them at
            // column 0.
            description = {"Search benchmarks, each printed as one line:",
                    "  vectors: Lucene HNSW build time, size, k=10 latency p50/p99, QPS and",
                    "           recall@10 vs exact search on clustered unit vectors (embeddings",
                    "           only), for each --sizes;",
                    "  learned: the same on learned embeddings: synthetic-benchmark clips",
                    "           embedded by --checkpoint (a model trained on 'taco synth' data),",
                    "           queried with other clips' caption vectors;",
                    "  cascade: the full cascade (text encoder, HNSW top N, s1+0.5*s2 from the",
                    "           side store, fusion on the top R) over synthetic clips of a",
                    "           random-init d=256 model, for --cascade-sizes;",
                    "  build:   'taco index' end to end (video encoder included) on random",
                    "           1024-d features;",
                    "  http:    a bounded load test of the HTTP API on 127.0.0.1 (--clients for",
                    "           --seconds);",
                    "  known-item: each clip of --index queried with its own caption (--queries",
                    "           of them): MRR and R@1/5/10 by s1, s1+0.5*s2 and the cascade;",
                    "  solr:    the cascade's clips in a SolrCloud collection (--solr, --shards,",
                    "           --replicas) against the local index: build rate, p50/p99, QPS,",
                    "           first-stage recall@10 vs exact s1, for --cascade-sizes.",
                    "",
                    "Examples:",
                    "  taco bench search --what vectors --sizes 10000,100000 --work /tmp/taco-bench",
                    "  taco bench search --what learned --checkpoint runs/demo/checkpoint \\",
                    "      --sizes 100000 --ef 100,200",
                    "  taco bench search --what known-item --index runs/demo/index --queries 1000",
                    "  taco bench search --what solr --solr zk1:2181/solr --cascade-sizes 100000 "
                            + "--shards 2 --replicas 2"})
    static final class Search implements Callable<Integer> {
        @Option(names = "--what", split = ",", defaultValue = "vectors,cascade,build,http",
                description = "Which parts (default: ${DEFAULT-VALUE}).")
        List<String> what;

        @Option(names = "--sizes", split = ",", defaultValue = "10000,100000,1000000",
                description = "Vector counts for 'vectors' and 'learned' (default: ${DEFAULT-VALUE}).")
        List<Integer> sizes;

        @Option(names = "--cascade-sizes", split = ",", defaultValue = "10000,100000",
                description = "Clip counts for 'cascade' (default: ${DEFAULT-VALUE}).")
        List<Integer> cascadeSizes;

        @Option(names = "--dim", defaultValue = "256",
                description = "Vector dimension for 'vectors' (default: ${DEFAULT-VALUE}).")
        int dim;

        @Option(names = "--queries", defaultValue = "500",
                description = "Timed queries per size (default: ${DEFAULT-VALUE}).")
        int queries;

        @Option(names = "--hnsw-m", defaultValue = "16", description = "HNSW M (default: ${DEFAULT-VALUE}).")
        int m;

        @Option(names = "--hnsw-beam", defaultValue = "100",
                description = "HNSW construction beam width (default: ${DEFAULT-VALUE}).")
        int beam;

        @Option(names = "--ef", split = ",", defaultValue = "100", description = "HNSW candidates explored per query; "
                + "several values are timed one after another (default: ${DEFAULT-VALUE}).")
        List<Integer> ef;

        @Option(names = "--threads", defaultValue = "2",
                description = "Indexing threads for 'vectors' (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--clients", defaultValue = "4",
                description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--seconds", defaultValue = "20",
                description = "HTTP load duration (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--build-videos", defaultValue = "500",
                description = "Videos (4 clips each) for 'build' (default: ${DEFAULT-VALUE}).")
        int buildVideos;

        @Option(names = "--checkpoint",
                description = "For 'learned': a checkpoint trained on the synthetic benchmark (512-d features).")
        Path checkpoint;

        @Option(names = "--index", description = "For 'known-item': an index built by 'taco index' (its checkpoint is "
                + "the one it records).")
        Path index;

        @Option(names = "--top-r", defaultValue = "20",
                description = "For 'known-item': R, candidates re-scored with s3 (default: ${DEFAULT-VALUE}).")
        int topR;

        @Option(names = "--url", description = "For 'http': load-test a running 'taco serve' at this base URL (e.g. "
                + "http://127.0.0.1:8080) instead of an in-process server.")
        String url;

        @Option(names = "--engine-threads", defaultValue = "1",
                description = "PyTorch intra-op threads, 0 for one per core (default: ${DEFAULT-VALUE}).")
        int engineThreads;

        @Option(names = "--solr", paramLabel = "ZK_OR_URLS", description = "For 'solr': the SolrCloud cluster "
                + "(ZooKeeper or Solr URLs); the collection taco-bench-<n> is created there, or reused when "
                + "it holds n clips.")
        String solr;

        @Option(names = "--solr-user", paramLabel = "USER",
                description = "For 'solr': basic-auth user (password in TACO_SOLR_PASSWORD).")
        String solrUser;

        @Option(names = "--shards", defaultValue = "2",
                description = "For 'solr': shards of the benchmark collection (default: ${DEFAULT-VALUE}).")
        int shards;

        @Option(names = "--replicas", defaultValue = "2",
                description = "For 'solr': replicas per shard (default: ${DEFAULT-VALUE}).")
        int replicas;

        @Option(names = "--work", defaultValue = "target/bench-search", description = "Folder for the benchmark "
                + "indexes; cascade indexes are reused (default: ${DEFAULT-VALUE}).")
        Path work;

        @Override
        public Integer call() throws Exception {
            EngineThreads.forSearch(engineThreads);
            Files.createDirectories(work);
            if (what.contains("vectors")) {
                for (int n : sizes) {
                    VectorSearchBench.vectors(n, dim, queries, m, beam, ef, threads, work)
                            .forEach(r -> System.out.print(r.line()));
                    System.out.flush();
                }
            }
            if (what.contains("learned")) {
                if (checkpoint == null) {
                    throw new CommandLine.ParameterException(new CommandLine(this),
                            "--what learned needs --checkpoint");
                }
                VectorSearchBench.learned(checkpoint, sizes, queries, m, beam, ef, threads, work)
                        .forEach(r -> System.out.print(r.line()));
            }
            if (what.contains("cascade")) {
                for (int n : cascadeSizes) {
                    System.out.print(CascadeSearchBench.cascade(n, Math.min(queries, 200), 100, 20, work,
                            FrameStore.Encoding.FLOAT16).line());
                }
            }
            if (what.contains("build")) {
                System.out.print(CascadeSearchBench.build(buildVideos, work).line());
            }
            if (what.contains("known-item")) {
                if (index == null) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--what known-item needs --index");
                }
                try (VideoIndex idx = VideoIndex.open(index, true);
                        Checkpoint ck = Checkpoint.open(Path.of(idx.meta().checkpointPath))) {
                    System.out.print(KnownItemSearch.run(new CascadeSearcher(idx, ck), idx,
                            queries, CascadeSearcher.DEFAULT_TOP_N, topR).report());
                }
            }
            if (what.contains("solr")) {
                if (solr == null) {
                    throw new CommandLine.ParameterException(new CommandLine(this),
                            "--what solr needs --solr ZK_OR_URLS");
                }
                for (int n : cascadeSizes) {
                    System.out.print(SolrSearchBench.solr(n, Math.min(queries, 200), 100, 20, work, solr, solrUser,
                            solrUser == null ? null : System.getenv("TACO_SOLR_PASSWORD"), shards, replicas).lines());
                }
            }
            if (what.contains("http")) {
                System.out.print((url != null ? HttpLoadBench.load(url, clients, seconds, "taco serve at " + url)
                        : HttpLoadBench.http(cascadeSizes.get(0), clients, seconds, work)).line());
            }
            return 0;
        }
    }
}
