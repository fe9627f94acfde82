package io.github.taco.data;

/**
 * Options of {@link DataLoaders#open}.
 *
 * @param batchSize   K, clips per batch
 * @param maxFrames   video tokens per clip at most (48 for YouCook2/MSR-VTT, 256 for ActivityNet)
 * @param maxTokens   text tokens per caption at most, [CLS] and [SEP] included (30 / 256)
 * @param seed        shuffling and caption-choice seed
 * @param epochs      number of epochs; 0 or less means without end (the trainer stops by steps)
 * @param dropLast    drop the last short batch of an epoch
 * @param trimPadding pad each batch only to its longest clip and caption
 * @param prefetch    batches built ahead on the background thread
 * @param onMissing   clips without features: skip (counted) or fail
 */
public record LoaderConfig(int batchSize, int maxFrames, int maxTokens, long seed, int epochs, boolean dropLast,
        boolean trimPadding, int prefetch, MissingPolicy onMissing) {

    /** Defaults for YouCook2/MSR-VTT-like data: 48 frames, 30 tokens, endless epochs, drop last, 4 ahead, fail. */
    public static LoaderConfig defaults(int batchSize, long seed) {
        return new LoaderConfig(batchSize, 48, 30, seed, 0, true, false, 4, MissingPolicy.FAIL);
    }

    public LoaderConfig withEpochs(int e) {
        return new LoaderConfig(batchSize, maxFrames, maxTokens, seed, e, dropLast, trimPadding, prefetch, onMissing);
    }

    public LoaderConfig withOnMissing(MissingPolicy p) {
        return new LoaderConfig(batchSize, maxFrames, maxTokens, seed, epochs, dropLast, trimPadding, prefetch, p);
    }

    public LoaderConfig withLimits(int frames, int tokens) {
        return new LoaderConfig(batchSize, frames, tokens, seed, epochs, dropLast, trimPadding, prefetch, onMissing);
    }
}
