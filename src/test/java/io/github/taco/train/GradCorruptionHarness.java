package io.github.taco.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.taco.data.Batch;
import io.github.taco.data.Clip;
import io.github.taco.data.DataLoaders;
import io.github.taco.data.Dataset;
import io.github.taco.data.Datasets;
import io.github.taco.data.LoaderConfig;
import io.github.taco.data.PrefetchLoader;
import io.github.taco.data.synth.SynthConfig;
import io.github.taco.data.synth.SyntheticBenchmark;
import io.github.taco.eval.Demo;
import io.github.taco.features.CachedFeatureStore;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.text.CaptionEncoder;
import io.github.taco.text.Idf;
import io.github.taco.text.TagSet;
import io.github.taco.text.TextPipeline;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reproduction harness for the "non-finite gradient with a finite loss" events (docs/gradient-corruption.md).
 * Trains the real cpu model, L1 only, on the synthetic benchmark with the real loader and {@link Trainer},
 * and counts skipped steps. Not a JUnit test: run with plain {@code java -cp}. Switches (system properties):
 * <ul>
 *   <li>{@code steps} (300), {@code seed} (1), {@code synth} (benchmark folder, generated if absent)</li>
 *   <li>{@code gcMs}: a thread calling {@code System.gc()} every gcMs milliseconds (0: off)</li>
 *   <li>{@code churn}: a thread that creates, computes with and closes DJL arrays in a loop</li>
 *   <li>{@code junk}: a thread that allocates plain Java garbage (no DJL), to tell GC pressure from engine use</li>
 *   <li>{@code nativeParams}: after init, every parameter is moved to PyTorch-owned memory (no from_blob)</li>
 * </ul>
 * Prints one {@code RESULT} line with steps, events, GCs and how many events had a GC during their step.
 */
public final class GradCorruptionHarness {
    private GradCorruptionHarness() {}

    public static void main(String[] args) throws Exception {
        long steps = Long.getLong("steps", 300);
        long seed = Long.getLong("seed", 1);
        long gcMs = Long.getLong("gcMs", 0);
        boolean churn = Boolean.getBoolean("churn");
        boolean junk = Boolean.getBoolean("junk");
        boolean nativeParams = Boolean.getBoolean("nativeParams");
        Path synth = Path.of(System.getProperty("synth", "/tmp/gradbug-synth"));
        if (!Files.exists(synth.resolve(SyntheticBenchmark.TRUTH_FILE))) {
            SyntheticBenchmark.generateTo(SynthConfig.defaults(), synth);
        }
        TrainingRun.Spec spec = Demo.trainingSpec(synth, Path.of("/tmp/gradbug-out"), seed);
        spec.model.losses("L1");
        spec.train.steps = steps;
        spec.validationClips = 0;
        String mode = String.format(Locale.ROOT, "gcMs=%d churn=%s junk=%s nativeParams=%s seed=%d", gcMs, churn, junk, nativeParams, seed);

        List<Thread> helpers = new ArrayList<>();
        volatile_stop = false;
        Dataset dataset = Datasets.read(spec.dataset, spec.annotations);
        List<Clip> train = dataset.clips(spec.trainSplit);
        Path vocab = TextPipeline.defaultVocabulary();
        try (FeatureStore raw = FeatureStores.open(spec.features, spec.fps);
                FeatureStore store = new CachedFeatureStore(raw, spec.featureCacheBytes);
                TextPipeline plain = TextPipeline.builder().tokenizer(vocab).maxLength(spec.model.maxTokens)
                        .tagSet(TagSet.parse(spec.model.tagSet)).build()) {
            Idf idf = plain.fitIdf(TrainingRun.allTexts(train));
            try (TextPipeline text = TextPipeline.builder().tokenizer(vocab).maxLength(spec.model.maxTokens)
                    .tagSet(TagSet.parse(spec.model.tagSet)).idf(idf).build();
                    NDManager root = NDManager.newBaseManager(Engine.getInstance().defaultDevice())) {
                CaptionEncoder encoder = TrainingRun.precomputed(text, train, List.of(), spec);
                TacoConfig c = spec.model.copy();
                c.featureDim = store.dim();
                c.vocabSize = text.tokenizer().vocabularySize();
                try (TacoModel model = new TacoModel(c, root, seed); Trainer trainer = new Trainer(model, spec.train)) {
                    if (nativeParams) {
                        moveToNativeMemory(model);
                    }
                    if (gcMs > 0) {
                        helpers.add(daemon("gc-hammer", () -> {
                            while (!volatile_stop) {
                                System.gc();
                                sleep(gcMs);
                            }
                        }));
                    }
                    if (churn) {
                        helpers.add(daemon("djl-churn", () -> {
                            float[] v = new float[4096];
                            while (!volatile_stop) {
                                try (NDManager m = NDManager.newBaseManager()) {
                                    NDArray a = m.create(v);
                                    a.add(1f).mul(2f).sum().getFloat();
                                }
                                sleep(1);
                            }
                        }));
                    }
                    if (junk) {
                        helpers.add(daemon("java-junk", () -> {
                            long sink = 0;
                            while (!volatile_stop) {
                                for (int i = 0; i < 200; i++) {
                                    sink += new byte[64 * 1024].length;
                                }
                                sleep(1);
                            }
                            System.out.println("junk " + sink);
                        }));
                    }
                    TacoConfig mc = trainer.model().config();
                    LoaderConfig lc = new LoaderConfig(spec.train.batchSize, mc.maxFrames, mc.maxTokens, seed, 0, true, true, 4, spec.onMissing);
                    int events = 0;
                    int eventsWithGc = 0;
                    long stepsWithGc = 0;
                    List<String> eventSteps = new ArrayList<>();
                    long gc0 = gcCount();
                    long t0 = System.nanoTime();
                    try (PrefetchLoader batches = DataLoaders.open(train, store, encoder, lc, 0)) {
                        while (trainer.step() < steps) {
                            Batch b = batches.next();
                            long before = gcCount();
                            long s = trainer.step();
                            boolean skipped;
                            try {
                                skipped = trainer.train(b).skipped();
                            } catch (Trainer.NonFiniteLossException e) {
                                // A streak of skips: count it and go on (the harness measures, it does not stop).
                                skipped = true;
                                resetStreak(trainer);
                            }
                            boolean gcDuring = gcCount() > before;
                            if (gcDuring) stepsWithGc++;
                            if (skipped) {
                                events++;
                                if (gcDuring) eventsWithGc++;
                                eventSteps.add(Long.toString(s));
                            }
                            if ((s + 1) % 100 == 0) {
                                System.out.printf(Locale.ROOT, "progress %s step %d events %d%n", mode, s + 1, events);
                            }
                        }
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    volatile_stop = true;
                    System.out.printf(Locale.ROOT,
                            "RESULT %s steps=%d events=%d rate=%.4f gcs=%d stepsWithGc=%d eventsWithGc=%d s/step=%.3f eventSteps=%s%n",
                            mode, steps, events, events / (double) steps, gcCount() - gc0, stepsWithGc, eventsWithGc, secs / steps,
                            eventSteps.size() > 40 ? eventSteps.subList(0, 40) + "..." : eventSteps);
                }
            }
        } finally {
            volatile_stop = true;
            for (Thread t : helpers) t.join(2000);
        }
    }

    private static volatile boolean volatile_stop;

    /**
     * Gives every parameter PyTorch-owned storage: a native zeros tensor, filled with the values, made a leaf
     * that requires grad, then swapped into the existing wrapper ({@code intern}) so the modules keep their references.
     */
    static void moveToNativeMemory(TacoModel model) {
        for (NDArray p : model.weights().asMap().values()) {
            long before = (Long) ((ai.djl.util.NativeResource<?>) p).getHandle();
            NDArray fresh = p.getManager().zeros(p.getShape(), p.getDataType());
            try (NDArray detached = p.stopGradient()) {
                fresh.addi(detached);
            }
            fresh.setRequiresGradient(true);
            p.intern(fresh);
            if ((Long) ((ai.djl.util.NativeResource<?>) p).getHandle() == before || !p.hasGradient()) {
                throw new IllegalStateException("intern did not replace " + p.getName());
            }
        }
    }

    private static void resetStreak(Trainer trainer) throws ReflectiveOperationException {
        Field streak = Trainer.class.getDeclaredField("consecutiveSkips");
        streak.setAccessible(true);
        streak.setInt(trainer, 0);
        Field step = Trainer.class.getDeclaredField("step");
        step.setAccessible(true);
        step.setLong(trainer, step.getLong(trainer) + 1);
        Field skipped = Trainer.class.getDeclaredField("skippedSteps");
        skipped.setAccessible(true);
        skipped.setLong(trainer, skipped.getLong(trainer) + 1);
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
        }
        return n;
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
