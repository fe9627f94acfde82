package io.github.taco.cli;

import io.github.taco.data.Clip;
import io.github.taco.data.Dataset;
import io.github.taco.data.Datasets;
import io.github.taco.data.Split;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.ClipIndex;
import io.github.taco.index.FrameStore;
import io.github.taco.index.IndexMeta;
import io.github.taco.index.Indexer;
import io.github.taco.index.SearchCalibration;
import io.github.taco.index.VideoIndex;
import io.github.taco.index.solr.SolrClipIndex;
import io.github.taco.model.Checkpoint;
import io.github.taco.train.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taco index DIR ...}: builds, extends or prunes a video index. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {
            "Build, extend or prune a searchable video index.",
            "",
            "Every clip of a dataset is embedded with a checkpoint: a Lucene HNSW graph of the s1 video "
                    + "vectors, plus a side store of per-frame vectors for s2 and the fusion s3.",
            "",
            "An existing index is extended: clips are added or replaced by clip id (no rebuild); it must "
                    + "have been built with the same checkpoint. --delete-video removes videos instead.",
            "",
            "--compact reclaims the frame store's dead space (records of replaced or deleted clips): "
                    + "the live records are copied into a new frame file and the clips' offsets updated in "
                    + "place; the HNSW graph is not rebuilt. Alone it embeds nothing; after an add or a delete "
                    + "it runs once they are committed.",
            "",
            "Examples:",
            "  taco index idx --checkpoint run/best --dataset youcook2 \\",
            "      --annotations data/youcookii_annotations_trainval.json \\",
            "      --features feats/ --split validation",
            "  taco index idx --delete-video GLd3aX16zBg --delete-video xyz",
            "  taco index idx --compact",
            "  taco index idx --calibrate",
            "",
            "A SolrCloud collection instead of a folder (created when missing, shards × replicas; the "
                    + "configset ships in the jar and is uploaded once per vector shape):",
            "  taco index --solr zk1:2181/solr --collection clips --shards 4 --replicas 2 \\",
            "      --checkpoint run/best --annotations ... --features feats/",
            "  taco index --solr http://solr1:8983/solr --collection clips \\",
            "      --delete-video GLd3aX16zBg"})
final class IndexCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
            description = "Index folder (created when missing); not with --solr.")
    Path dir;

    @CommandLine.Mixin SolrOptions solr;

    @Option(names = "--shards", defaultValue = "1", description = "Shards of a new Solr collection: more for more "
            + "clips per cluster (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--replicas", defaultValue = "1", description = "Replicas per shard of a new Solr collection: more "
            + "for more queries/s and for surviving a node (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Trained checkpoint folder (config.json, model.safetensors, vocab).")
    Path checkpoint;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "youcook2",
            description = "youcook2 (also the synthetic benchmark), msrvtt, activitynet, howto100m or univl (UniVL's "
                    + "caption pickle with its split CSVs beside it) (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--video-url", paramLabel = "TEMPLATE", description = {"Where a hit can be watched, for a new "
            + "index: a URL with {video} (the video id), {clip} (the clip id) and {start} (the matched second), e.g. "
            + "'https://media.example/{video}.mp4#t={start}' or 'file:///data/videos/{video}.mp4#t={start}'; "
            + "'none' for no links.",
            "Default: for youcook2, YouTube's (its video ids are YouTube ids): " + IndexMeta.YOUTUBE_URL
                    + "; none for the others."})
    String videoUrl;

    @Option(names = "--annotations", paramLabel = "PATH", description = "The dataset's annotation file or folder.")
    Path annotations;

    @Option(names = "--features", paramLabel = "PATH",
            description = "Features: a folder of <video_id>.npy, a .npz or an .h5 file.")
    Path features;

    @Option(names = "--fps", defaultValue = "1", description = "Feature rows per second (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--split", defaultValue = "all",
            description = "Which clips: train, validation, test, narration or all (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--frame-encoding", defaultValue = "float16",
            description = "Storage of per-frame vectors: float16 (half the size, ~5e-4 relative error) or float32 "
                    + "(default: ${DEFAULT-VALUE}).")
    String frameEncoding;

    @Option(names = "--batch", defaultValue = "32", description = "Clips per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--commit-every", defaultValue = "2048",
            description = "Clips per commit; an interrupted run keeps what it committed (default: ${DEFAULT-VALUE}).")
    int commitEvery;

    @Option(names = "--hnsw-m", defaultValue = "16",
            description = "HNSW neighbours per node, for a new index (default: ${DEFAULT-VALUE}).")
    int hnswM;

    @Option(names = "--hnsw-beam", defaultValue = "100",
            description = "HNSW construction beam width, for a new index (default: ${DEFAULT-VALUE}).")
    int hnswBeam;

    @Option(names = "--delete-video", paramLabel = "ID",
            description = "Delete all clips of this video (repeatable); nothing is embedded.")
    List<String> deleteVideos;

    @Option(names = "--compact", description = "Copy the live frame records into a new frame file and drop the dead "
            + "ones (replaced or deleted clips); alone, nothing is embedded.")
    boolean compact;

    @Option(names = "--calibrate-queries", defaultValue = "" + SearchCalibration.DEFAULT_QUERIES,
            description = {"After a build, search this many of the index's own captions to learn what a good match "
                    + "scores (calibration.json: each hit's confidence, the 'no good match' flag; docs/search.md). 0 "
                    + "skips it (default: ${DEFAULT-VALUE}; about 30 ms per caption)."})
    int calibrateQueries;

    @Option(names = "--calibrate", description = "Only (re)measure the calibration of an existing index with its "
            + "checkpoint; nothing is embedded.")
    boolean calibrateOnly;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** The link template of a new index: --video-url, 'none' for none, else YouTube's for YouCook2. */
    private String videoUrlTemplate() {
        if (videoUrl != null) {
            return videoUrl.strip().equalsIgnoreCase("none") ? null : videoUrl;
        }
        return dataset.equalsIgnoreCase("youcook2") ? IndexMeta.YOUTUBE_URL : null;
    }

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        if (calibrateQueries < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--calibrate-queries must be >= 0, got " + calibrateQueries);
        }
        solr.check(spec.commandLine(), dir, "DIR");
        if (solr.given()) {
            return solrCall(out);
        }
        if (calibrateOnly) {
            try (VideoIndex index = VideoIndex.open(dir, true);
                    Checkpoint ck = Checkpoint.open(checkpoint != null ? checkpoint
                            : Path.of(index.meta().checkpointPath))) {
                calibrate(index, ck, Math.max(1, calibrateQueries), out);
            }
            return 0;
        }
        if (deleteVideos != null && !deleteVideos.isEmpty()) {
            try (VideoIndex index = VideoIndex.open(dir, false)) {
                List<String> absent = new ArrayList<>();
                for (String v : new LinkedHashSet<>(deleteVideos)) {
                    if (index.clipsOfVideo(v).isEmpty()) {
                        absent.add(v);
                    }
                }
                int videos = new HashSet<>(deleteVideos).size() - absent.size();
                int n = index.deleteVideos(deleteVideos);
                out.printf("deleted %s of %s; %s left%n", plural(n, "clip"), plural(videos, "video"),
                        plural(index.size(), "clip"));
                for (String v : absent) {
                    spec.commandLine().getErr()
                            .printf("warning: no clip of video '%s' is in %s; nothing deleted for it%n", v, dir);
                }
                if (compact) compact(index, out);
                return absent.isEmpty() ? 0 : 1;
            }
        }
        if (compact && checkpoint == null && annotations == null && features == null) {
            try (VideoIndex index = VideoIndex.open(dir, false)) {
                compact(index, out);
            }
            return 0;
        }
        for (var o : new Object[][] {{checkpoint, "--checkpoint"}, {annotations, "--annotations"},
                {features, "--features"}}) {
            if (o[0] == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Missing required option " + o[1] + " (or use --delete-video or --compact)");
            }
        }
        FrameStore.Encoding enc = parseEncoding();
        List<Clip> clips = clips();
        try (Checkpoint ck = Checkpoint.open(checkpoint); FeatureStore fs = FeatureStores.open(features, fps);
                Progress bar = new Progress("indexing", 0, clips.size(), commitEvery)) {
            out.printf("indexing %d clips of %s into %s%n", clips.size(), dataset, dir);
            out.flush();
            Indexer.Report r = Indexer.build(dir, ck, fs, features, clips,
                    new Indexer.Options(batch, commitEvery, enc, hnswM, hnswBeam, videoUrlTemplate()),
                    p -> bar.step(p.done(), committed(p)));
            out.printf(Locale.ROOT, "done: %d clips added, %d replaced in %.1f s (%.1f clips/s); index has %s, lucene "
                    + "%.1f MB, frame store %.1f MB (%.1f MB dead)%n",
                    r.clipsAdded(), r.clipsReplaced(), r.seconds(), r.clipsWritten() / Math.max(1e-9, r.seconds()),
                    plural(r.indexSize(), "clip"), r.stats().luceneBytes() / 1e6, r.stats().frameStoreBytes() / 1e6,
                    r.stats().deadFrameBytes() / 1e6);
            if (r.deadBytesAdded() > 0) {
                out.printf(Locale.ROOT, "note: the %d replaced clips left %.1f MB of old frame records behind; 'taco "
                        + "index %s --compact' reclaims them%n", r.clipsReplaced(), r.deadBytesAdded() / 1e6, dir);
            }
            if (calibrateQueries > 0) {
                try (VideoIndex index = VideoIndex.open(dir, true)) {
                    calibrate(index, ck, calibrateQueries, out);
                }
            }
            if (r.segmentFixups() > 0) {
                out.printf("note: %d clip segments were repaired (reversed, negative or past the video end)%n",
                        r.segmentFixups());
            }
        }
        if (compact) {
            try (VideoIndex index = VideoIndex.open(dir, false)) {
                compact(index, out);
            }
        }
        return 0;
    }

    private static void calibrate(ClipIndex index, Checkpoint ck, int queries, PrintWriter out) throws IOException {
        long t0 = System.nanoTime();
        SearchCalibration c = SearchCalibration.measure(
                new CascadeSearcher(index, ck), index, queries);
        index.saveCalibration(c);
        double[] b = c.bestScores();
        out.printf(Locale.ROOT, "calibrated on %d of the index's captions in %.1f s: best-match score p5 %.2f, p50 "
                + "%.2f (below p5: 'no good match'); each caption's own clip found best by %s (MRR %s), now the "
                + "default order%n", c.queries(), (System.nanoTime() - t0) / 1e9, b[(int) (0.05 * b.length)],
                b[b.length / 2], c.bestOrder().label(), c.mrr().entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey().label(), e.getValue()))
                        .collect(Collectors.joining(", ")));
        out.flush();
    }

    private static String committed(Indexer.Progress p) {
        return String.format(Locale.ROOT, "committed (%.1f s)", p.seconds());
    }

    /** The same jobs against a SolrCloud collection: add (creating the collection), or delete videos. */
    private int solrCall(PrintWriter out) throws IOException {
        SolrClipIndex.Connection c = solr.connection(spec.commandLine());
        if (compact) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--compact is for index folders: Solr "
                    + "reclaims deleted clips' space itself when it merges segments");
        }
        if (calibrateOnly) {
            try (SolrClipIndex index = SolrClipIndex.open(c);
                    Checkpoint ck = Checkpoint.open(checkpoint != null ? checkpoint
                            : Path.of(index.meta().checkpointPath))) {
                calibrate(index, ck, Math.max(1, calibrateQueries), out);
            }
            return 0;
        }
        if (deleteVideos != null && !deleteVideos.isEmpty()) {
            try (SolrClipIndex index = SolrClipIndex.open(c)) {
                int n = index.deleteVideos(deleteVideos);
                out.printf("deleted %s; %s left in %s%n", plural(n, "clip"), plural(index.size(), "clip"),
                        index.location());
                return n > 0 ? 0 : 1;
            }
        }
        for (var o : new Object[][] {{checkpoint, "--checkpoint"}, {annotations, "--annotations"},
                {features, "--features"}}) {
            if (o[0] == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Missing required option " + o[1] + " (or use --delete-video)");
            }
        }
        Indexer.Options o = new Indexer.Options(batch, commitEvery, parseEncoding(), hnswM, hnswBeam,
                videoUrlTemplate());
        List<Clip> clips = clips();
        try (Checkpoint ck = Checkpoint.open(checkpoint); FeatureStore fs = FeatureStores.open(features, fps);
                SolrClipIndex index = SolrClipIndex.openOrCreate(c, Indexer.newMeta(ck, fs, features, o), shards,
                        replicas)) {
            Indexer.checkBelongs(index, ck, fs);
            out.printf("indexing %d clips of %s into %s%n", clips.size(), dataset, index.location());
            out.flush();
            Indexer.Added r;
            try (Progress bar = new Progress("indexing", 0, clips.size(), commitEvery)) {
                r = Indexer.add(index, ck, fs, clips, o, p -> bar.step(p.done(), committed(p)));
            }
            out.printf(Locale.ROOT,
                    "done: %d clips added, %d replaced in %.1f s (%.1f clips/s); the collection has %s%n",
                    r.clipsAdded(), r.clipsReplaced(), r.seconds(),
                    (r.clipsAdded() + r.clipsReplaced()) / Math.max(1e-9, r.seconds()), plural(index.size(), "clip"));
            if (r.segmentFixups() > 0) {
                out.printf("note: %d clip segments were repaired (reversed, negative or past the video end)%n",
                        r.segmentFixups());
            }
            if (calibrateQueries > 0) {
                calibrate(index, ck, calibrateQueries, out);
            }
        }
        return 0;
    }

    private FrameStore.Encoding parseEncoding() {
        try {
            return FrameStore.Encoding.parse(frameEncoding);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--frame-encoding: " + e.getMessage());
        }
    }

    private List<Clip> clips() throws IOException {
        Dataset ds = Datasets.read(dataset, annotations);
        List<Clip> clips = split.equalsIgnoreCase("all") ? ds.clips() : ds.clips(Split.parse(split));
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("dataset " + dataset + " has no clips in split '" + split + "'");
        }
        return clips;
    }

    static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static void compact(VideoIndex index, PrintWriter out) throws IOException {
        long deadBefore = index.stats().deadFrameBytes();
        VideoIndex.CompactionReport r = index.compact();
        if (!r.rewritten()) {
            out.printf("nothing to compact: the frame store %s has no dead records%n", r.frameFile());
            return;
        }
        long deadAfter = index.stats().deadFrameBytes();
        out.printf(Locale.ROOT,
                "compacted %d clips in %.1f s: frame store %d -> %d bytes (now %s); dead bytes %d -> %d%n",
                r.clips(), r.seconds(), r.bytesBefore(), r.bytesAfter(), r.frameFile(), deadBefore, deadAfter);
    }
}
