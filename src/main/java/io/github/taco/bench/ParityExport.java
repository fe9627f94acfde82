package io.github.taco.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.taco.data.Batch;
import io.github.taco.io.AtomicFiles;
import io.github.taco.loss.FusionLoss;
import io.github.taco.loss.StepTimer;
import io.github.taco.loss.TacoObjective;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.train.Preset;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Writes what an independent PyTorch build needs to check this implementation number by number
 * ({@code tools/parity/parity.py}): a checkpoint, one padded random batch, every score and loss of
 * that batch in evaluation mode, and the gradients of a few parameters after backward on the total
 * loss.
 *
 * <p>Files in the output folder: {@code checkpoint/} ({@link TacoModel#save}),
 * {@code batch.safetensors}, {@code outputs.safetensors}, {@code grads.safetensors},
 * {@code export.json} (what was run).
 */
public final class ParityExport {
    /** What to export; null batch/kPrime mean the preset's default. */
    public record Options(Path out, String preset, Integer batch, Integer kPrime, String similarity, long seed,
            int featureDim, boolean l1VideoToText) {}

    /** Summary of the export, for the command line. */
    public record Result(TacoConfig config, int batchSize, int kPrime, Map<String, Float> losses,
            List<String> gradNames) {}

    /** Anchors per L3 chunk in the export: the gradient-cached path that training runs. */
    static final int PARITY_CHUNK = 3;

    private ParityExport() {}

    /**
     * The config of a preset: "cpu", "paper" (docs/method.md §6) or "tiny" (seconds to export, any bug still shows).
     */
    public static TacoConfig preset(String name, int featureDim) {
        if (name.equalsIgnoreCase("tiny")) {
            TacoConfig c = new TacoConfig();
            c.hiddenSize = 32;
            c.numAttentionHeads = 4;
            c.intermediateSize = 64;
            c.textLayers = 2;
            c.videoLayers = 1;
            c.fusionLayers = 2;
            c.vocabSize = 1000;
            c.maxTextPositions = 64;
            c.maxTokens = 12;
            c.maxFrames = 10;
            c.featureDim = Math.min(featureDim, 24);
            c.kPrime = 3;
            // Larger than BERT's 0.02 so that scores differ visibly between pairs after few layers.
            c.initializerRange = 0.1;
            return c;
        }
        // the sizes of the preset with the paper's objective, which the PyTorch reference implements
        TacoConfig c = Preset.parse(name) == Preset.PAPER
                ? TacoConfig.paper(featureDim) : TacoConfig.cpu(featureDim);
        c.kPrime = name.equalsIgnoreCase("paper") ? 8 : 4;
        return c;
    }

    public static int defaultBatch(String preset) {
        return switch (preset.toLowerCase(Locale.ROOT)) {
            case "tiny" -> 8;
            case "paper" -> 128;
            default -> 64;
        };
    }

    public static Result run(Options o) throws IOException {
        TacoConfig config = preset(o.preset(), o.featureDim());
        if (o.kPrime() != null) {
            config.kPrime = o.kPrime();
        }
        config.similarity = Similarity.parse(o.similarity());
        config.l1VideoToText = o.l1VideoToText();
        config.validate();
        int k = o.batch() != null ? o.batch() : defaultBatch(o.preset());
        Files.createDirectories(o.out());
        Batch batch = paddedBatch(k, config, o.seed());

        try (NDManager root = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
                TacoModel model = new TacoModel(config, root, o.seed())) {
            model.save(o.out().resolve("checkpoint"));
            model.setTraining(false); // dropout off: the comparison must be deterministic
            try (NDManager scope = model.weights().manager().newSubManager()) {
                TacoModel.Inputs in = batch.toInputs(scope);
                NDList inputs = new NDList(
                        named(in.features(), "features"), named(in.frameMask(), "frame_mask"),
                        named(in.tokenIds(), "token_ids"), named(in.tokenMask(), "token_mask"),
                        named(in.tokenWeights(), "token_weights"));
                write(o.out().resolve("batch.safetensors"), inputs);

                // The objective exactly as training runs it, with gradients: L3 by gradient caching, in
                // chunks of 3 anchors (several chunks even at the tiny preset's K = 8).
                TacoObjective objective = new TacoObjective(model);
                TacoObjective.Terms terms;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    terms = objective.computeAndBackward(in, new Random(o.seed()), new StepTimer(), gc, PARITY_CHUNK);
                }
                List<String> gradNames = gradNames(config);
                NDList grads = new NDList();
                for (String name : gradNames) {
                    NDArray g = model.weights().get(name).getGradient();
                    g.attach(scope);
                    grads.add(named(scope.create(g.toFloatArray(), g.getShape()), name));
                }
                write(o.out().resolve("grads.safetensors"), grads);

                // The intermediate scores, recomputed outside the collector from the same weights.
                NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
                NDArray x = model.encodeVideo(in.features(), in.frameMask());
                NDArray s1 = model.s1(model.textVectors(y), model.videoVectors(x, in.frameMask()));
                NDArray tokenScores = model.tokenScores(y, x, in.frameMask());
                NDArray s2 = model.s2(tokenScores, in.tokenWeights());
                FusionLoss.Pairs pairs = FusionLoss.Pairs.of(terms.selection(), k);
                NDArray s3 = model.s3(y, in.tokenMask(), x, in.frameMask(), pairs.textIdx(), pairs.videoIdx());
                NDList outputs = new NDList(
                        named(y, "y"), named(x, "x"), named(s1, "s1"), named(tokenScores, "token_scores"),
                        named(s2, "s2"),
                        named(scope.create(toLong(pairs.textIdx())), "text_idx"),
                        named(scope.create(toLong(pairs.videoIdx())), "video_idx"),
                        named(s3, "s3"),
                        named(terms.l1().reshape(1), "l1"), named(terms.l2().reshape(1), "l2"),
                        named(terms.l3().reshape(1), "l3"), named(terms.total().reshape(1), "total"));
                write(o.out().resolve("outputs.safetensors"), outputs);

                Map<String, Float> losses = new LinkedHashMap<>();
                losses.put("l1", terms.l1().getFloat());
                losses.put("l2", terms.l2().getFloat());
                losses.put("l3", terms.l3().getFloat());
                losses.put("total", terms.total().getFloat());
                Files.writeString(o.out().resolve("export.json"), String.format(Locale.ROOT,
                        "{\"preset\": \"%s\", \"batch\": %d, \"kPrime\": %d, \"similarity\": \"%s\", \"seed\": %d, "
                                + "\"l1VideoToText\": %b, \"pairLayout\": \"K positives (i,i), then K*K' "
                                + "text-anchored, then K*K' video-anchored\"}%n",
                        o.preset(), k, terms.selection().kPrime(), config.similarity, o.seed(), config.l1VideoToText));
                return new Result(config, k, terms.selection().kPrime(), losses, gradNames);
            }
        }
    }

    /**
     * K pairs with 1..maxFrames frames and 3..maxTokens tokens (the last pair full length), padded
     * positions filled with large garbage features and random token ids so that any leak of padding
     * changes the numbers; token weights as docs/method.md §3 (positive, sum 1 per sentence), text 1 without
     * any token of interest.
     */
    public static Batch paddedBatch(int k, TacoConfig c, long seed) {
        Random r = new Random(seed * 31 + 7);
        int m = c.maxFrames;
        int n = c.maxTokens;
        int dim = c.featureDim;
        float[] feats = new float[k * m * dim];
        float[] fmask = new float[k * m];
        int[] ids = new int[k * n];
        float[] tmask = new float[k * n];
        float[] w = new float[k * n];
        List<String> vids = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            vids.add("parity-" + i);
            int frames = i == k - 1 ? m : 1 + r.nextInt(m);
            for (int f = 0; f < m; f++) {
                boolean valid = f < frames;
                fmask[i * m + f] = valid ? 1 : 0;
                for (int d = 0; d < dim; d++) {
                    feats[(i * m + f) * dim + d] = valid ? (float) r.nextGaussian()
                            : (float) (50 + 20 * r.nextGaussian());
                }
            }
            int tokens = i == k - 1 ? n : 3 + r.nextInt(n - 2);
            boolean noInterest = i == 1;
            double sum = 0;
            for (int t = 0; t < n; t++) {
                boolean valid = t < tokens;
                tmask[i * n + t] = valid ? 1 : 0;
                int randomId = (int) Math.min(c.vocabSize - 1, 3 + r.nextInt(Math.max(1, c.vocabSize - 3)));
                ids[i * n + t] = valid && t == 0 ? Math.min(101, c.vocabSize - 1)
                        : valid && t == tokens - 1 ? Math.min(102, c.vocabSize - 1) : randomId;
                if (valid && t > 0 && t < tokens - 1 && !noInterest && r.nextInt(3) != 0) {
                    w[i * n + t] = 0.2f + 3 * r.nextFloat(); // an idf-like positive weight
                    sum += w[i * n + t];
                }
            }
            if (sum == 0 && !noInterest) {
                w[i * n + 1] = 1;
                sum = 1;
            }
            for (int t = 0; t < n && sum > 0; t++) {
                w[i * n + t] /= (float) sum;
            }
        }
        return new Batch(vids, k, m, dim, feats, fmask, n, ids, tmask, w);
    }

    /** A few parameters from each module: first and last layers, embeddings, the head. */
    static List<String> gradNames(TacoConfig c) {
        List<String> names = new ArrayList<>();
        names.add("text.embeddings.position_embeddings.weight");
        names.add("text.embeddings.LayerNorm.weight");
        names.add("text.encoder.layer.0.attention.self.query.weight");
        names.add("text.encoder.layer." + (c.textLayers - 1) + ".output.dense.weight");
        names.add("text.encoder.layer." + (c.textLayers - 1) + ".output.LayerNorm.bias");
        names.add("video.proj.weight");
        names.add("video.position_embeddings.weight");
        names.add("video.encoder.layer.0.attention.self.key.weight");
        names.add("video.encoder.layer.0.intermediate.dense.bias");
        names.add("fusion.token_type_embeddings.weight");
        names.add("fusion.position_embeddings.weight");
        names.add("fusion.LayerNorm.weight");
        names.add("fusion.encoder.layer.0.attention.self.value.weight");
        names.add("fusion.encoder.layer." + (c.fusionLayers - 1) + ".output.LayerNorm.weight");
        names.add("fusion.head.weight");
        names.add("fusion.head.bias");
        return names;
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    private static long[] toLong(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    private static void write(Path file, NDList list) throws IOException {
        AtomicFiles.write(file, (OutputStream out) -> list.encode(out, NDList.Encoding.SAFETENSORS));
    }
}
