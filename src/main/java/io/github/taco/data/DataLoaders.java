package io.github.taco.data;

import io.github.taco.features.FeatureStore;
import io.github.taco.text.CaptionEncoder;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's entry point: clips + features + caption encoder → a background batch loader.
 *
 * <pre>{@code
 * Dataset ds = Datasets.read("youcook2", dir);                      // or YouCook2Reader.read(dir)
 * FeatureStore feats = new CachedFeatureStore(FeatureStores.open(dir.resolve("features"), 1.0), 2L << 30);
 * try (PrefetchLoader batches = DataLoaders.open(ds.clips(Split.TRAIN), feats, encoder,
 *         LoaderConfig.defaults(64, 42))) {
 *     for (int step = 0; step < steps; step++) { Batch b = batches.next(); ... }
 * }
 * }</pre>
 */
public final class DataLoaders {
    private static final Logger LOG = LoggerFactory.getLogger(DataLoaders.class);

    private DataLoaders() {}

    /**
     * Filters clips by feature availability ({@link MissingFeatures}, policy from the config),
     * then starts a {@link PrefetchLoader} over seeded epochs.
     *
     * @throws io.github.taco.features.FeatureException under FAIL when a video has no features
     */
    public static PrefetchLoader open(List<Clip> clips, FeatureStore store, CaptionEncoder encoder, LoaderConfig cfg)
            throws IOException {
        return open(clips, store, encoder, cfg, 0);
    }

    /**
     * As {@link #open(List, FeatureStore, CaptionEncoder, LoaderConfig)}, positioned at batch
     * {@code start}: the plans of the skipped batches are drawn (cheap: clip lists) but not built,
     * so a resumed run sees the same batches as one that never stopped.
     */
    public static PrefetchLoader open(List<Clip> clips, FeatureStore store, CaptionEncoder encoder, LoaderConfig cfg,
            long start) throws IOException {
        MissingFeatures m = MissingFeatures.filter(clips, store, cfg.onMissing());
        if (m.skippedClips() > 0) {
            LOG.warn("{}", m);
        }
        EpochBatchSampler sampler = new EpochBatchSampler(m.kept(), cfg.batchSize(), cfg.seed(), cfg.dropLast());
        BatchBuilder builder = new BatchBuilder(store, encoder, cfg.maxFrames(), cfg.maxTokens(), cfg.trimPadding(),
                cfg.onMissing());
        Iterator<BatchPlan> plans = sampler.iterator(cfg.epochs());
        for (long b = 0; b < start && plans.hasNext(); b++) {
            plans.next();
        }
        return new PrefetchLoader(plans, builder, cfg.prefetch());
    }
}
