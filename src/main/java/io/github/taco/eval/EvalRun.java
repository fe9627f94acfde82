package io.github.taco.eval;

import io.github.taco.data.Batch;
import io.github.taco.data.BatchBuilder;
import io.github.taco.data.Clip;
import io.github.taco.data.Dataset;
import io.github.taco.data.Datasets;
import io.github.taco.data.MissingFeatures;
import io.github.taco.data.MissingPolicy;
import io.github.taco.data.Split;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.model.Checkpoint;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrieval evaluation of a checkpoint on a dataset split (docs/method.md §7), including zero-shot
 * evaluation on a dataset the checkpoint was not trained on: each clip's first caption is the
 * query for that clip.
 */
public final class EvalRun {
    private static final Logger LOG = LoggerFactory.getLogger(EvalRun.class);

    /** What to evaluate; see {@code taco eval --help}. */
    public static final class Spec {
        public Path checkpoint;
        public String dataset = "youcook2";
        public Path annotations;
        public Path features;
        public double fps = 1.0;
        public Split split = Split.VALIDATION;
        /** Use only the first N clips (0: all). */
        public int maxClips = 0;
        public int topR = CascadeRanker.DEFAULT_TOP_R;
        public int exhaustiveLimit = 100;
        /** Add the dual-softmax row (every query at once; labelled apart, never used by search). */
        public boolean dualSoftmax;
        public MissingPolicy onMissing = MissingPolicy.FAIL;
        /** Only the clips of these videos (null: every clip of the split). */
        public Set<String> videos;
        /** Which clips of the split the papers being compared with scored ({@link EvalProtocol}). */
        public EvalProtocol protocol = EvalProtocol.ALL;
    }

    private EvalRun() {}

    public static RetrievalEvaluator.Report run(Spec spec) throws IOException {
        int[] splitClips = new int[1];
        RetrievalEvaluator.Report r = run(spec, (model, batches) -> {
            LOG.info("evaluating {} clips of {} {} with {}", batches.stream().mapToInt(Batch::size).sum(), spec.dataset,
                    spec.split, spec.checkpoint);
            return new RetrievalEvaluator(model, new RetrievalEvaluator.Options(spec.topR, spec.exhaustiveLimit,
                    spec.dualSoftmax)).evaluate(batches);
        }, splitClips);
        return r.withProtocol(new RetrievalEvaluator.Protocol(spec.dataset, spec.split.name().toLowerCase(Locale.ROOT),
                r.clips(), splitClips[0], "one query per clip, its first caption, against every clip", TIES,
                spec.protocol != EvalProtocol.ALL ? spec.protocol.describe()
                        : "msrvtt".equalsIgnoreCase(spec.dataset) && spec.split == Split.TEST ? MSRVTT_1K_A : null));
    }

    /** MSR-VTT's test split as the papers name it (MsrVttReader reads JSFusion's test list). */
    static final String MSRVTT_1K_A = "1k-A: JSFusion's 1,000 test videos, one caption each";

    /** How {@link RetrievalMetrics} ranks the true candidate among equal scores. */
    static final String TIES = "a tie with the true candidate counts against the model";

    /** What is done with the checkpoint's model and the split's query batches (e.g. a benchmark). */
    @FunctionalInterface
    public interface Use<T> {
        T apply(TacoModel model, List<Batch> batches) throws IOException;
    }

    /** Reads and checks the data as {@link #run(Spec)} does, then hands the model and the batches to {@code use}. */
    public static <T> T run(Spec spec, Use<T> use) throws IOException {
        return run(spec, use, new int[1]);
    }

    /**
     * As {@link #run(Spec, Use)}, telling in {@code splitClips[0]} how many clips the split has (the annotations are
     * read once).
     */
    private static <T> T run(Spec spec, Use<T> use, int[] splitClips) throws IOException {
        Dataset dataset = Datasets.read(spec.dataset, spec.annotations);
        List<Clip> clips = dataset.clips(spec.split);
        if (spec.videos != null) {
            clips = clips.stream().filter(c -> spec.videos.contains(c.videoId())).toList();
        }
        spec.protocol.check(spec.dataset, spec.split);
        Set<String> protocolVideos = spec.protocol.videos();
        if (protocolVideos != null) {
            clips = clips.stream().filter(c -> protocolVideos.contains(c.videoId())).toList();
            long videos = clips.stream().map(Clip::videoId).distinct().count();
            LOG.info("--protocol {}: {} of its {} videos in {} ({} clips; MIL-NCE's CSV has {})",
                    spec.protocol.configName(), videos, protocolVideos.size(), spec.annotations, clips.size(),
                    EvalProtocol.MILNCE_CLIPS);
        }
        splitClips[0] = clips.size();
        if (clips.isEmpty()) {
            throw new IllegalArgumentException(spec.annotations + ": split " + spec.split + " has no clips");
        }
        try (Checkpoint ckpt = Checkpoint.open(spec.checkpoint);
                FeatureStore store = FeatureStores.open(spec.features, spec.fps)) {
            TacoConfig c = ckpt.config();
            if (store.dim() != c.featureDim) {
                throw new IOException(spec.features + " has " + store.dim() + "-d features, the checkpoint expects "
                        + c.featureDim);
            }
            Set<String> leftOut = TrainingRun.preflight(dataset.only(Set.of(spec.split)), store,
                    spec.onMissing, c.maxFrames).leftOut();
            if (!leftOut.isEmpty()) {
                clips = clips.stream().filter(cl -> !leftOut.contains(cl.clipId())).toList();
            }
            MissingFeatures kept = MissingFeatures.filter(clips, store, spec.onMissing);
            if (kept.skippedClips() > 0) {
                LOG.warn("{}", kept);
            }
            List<Clip> chosen = kept.kept();
            if (spec.maxClips > 0 && chosen.size() > spec.maxClips) {
                chosen = chosen.subList(0, spec.maxClips);
            }
            List<Batch> batches = queryBatches(chosen,
                    new BatchBuilder(store, ckpt.text(), c.maxFrames, c.maxTokens, true, spec.onMissing));
            return use.apply(ckpt.model(), batches);
        }
    }

    /** The evaluation batches of {@code clips}, 128 at a time, each clip with its first caption as the query. */
    public static List<Batch> queryBatches(List<Clip> clips, BatchBuilder builder) throws IOException {
        List<Batch> batches = new ArrayList<>();
        for (int s = 0; s < clips.size(); s += 128) {
            List<Clip> part = new ArrayList<>();
            for (Clip clip : clips.subList(s, Math.min(clips.size(), s + 128))) {
                // the first caption is the query: deterministic, and the one a clip-level set has
                part.add(new Clip(clip.clipId(), clip.videoId(), clip.start(), clip.end(), List.of(clip.texts().get(0)),
                        clip.split()));
            }
            batches.add(builder.build(part, new Random(0)));
        }
        return batches;
    }
}
