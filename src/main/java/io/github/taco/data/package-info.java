/**
 * Datasets and batches: annotation readers that all produce {@link io.github.taco.data.Clip}s,
 * checks of annotations against features, and the batching the trainer consumes.
 *
 * <h2>From a dataset folder to batches</h2>
 * <pre>{@code
 * Dataset ds = Datasets.read("youcook2", Path.of("bench"));          // or YouCook2Reader.read(...),
 *                                                                    // MsrVttReader.read(dir, "split2"), ...
 * FeatureStore feats = new CachedFeatureStore(
 *         FeatureStores.open(Path.of("bench/features"), 1.0), 2L << 30); // .npy folder, .npz or .h5; 2 GiB cache
 * LoaderConfig cfg = LoaderConfig.defaults(64, 42)                    // K = 64, seed 42, 48 frames, 30 tokens
 *         .withOnMissing(MissingPolicy.SKIP);
 * try (PrefetchLoader batches = DataLoaders.open(ds.clips(Split.TRAIN), feats, captionEncoder, cfg)) {
 *     Batch b = batches.next();                                       // built on a background thread
 * }
 * }</pre>
 * Evaluation builds fixed batches in order with {@link io.github.taco.data.BatchBuilder#build}.
 *
 * <h2>Readers</h2>
 * {@link io.github.taco.data.YouCook2Reader} (official JSON, MIL-NCE validation CSV),
 * {@link io.github.taco.data.MsrVttReader} (9k/7k/1k-A CSVs + MSRVTT_data.json),
 * {@link io.github.taco.data.ActivityNetReader} (paragraph or sentence clips),
 * {@link io.github.taco.data.HowTo100MReader} (narration merged to ≥ 10 words). The synthetic
 * benchmark ({@link io.github.taco.data.synth.SyntheticBenchmark}) writes the YouCook2 layout.
 */
package io.github.taco.data;
