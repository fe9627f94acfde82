package io.github.taco.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.taco.data.Clip;
import io.github.taco.data.Dataset;
import io.github.taco.data.Datasets;
import io.github.taco.data.Split;
import io.github.taco.io.AtomicFiles;
import io.github.taco.model.MaskedLmHead;
import io.github.taco.model.Scalars;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.text.TextPipeline;
import io.github.taco.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-trains a text encoder with BERT's masked-language-model objective on a dataset's captions and
 * writes it as a Hugging Face BERT folder ({@code config.json}, {@code model.safetensors},
 * {@code vocab.txt}) that {@code taco train --bert} and {@code taco ablate --bert} load.
 *
 * <p>Why it exists: the paper's text encoder is a pretrained BERT-base, whose top-layer token
 * vectors still say which word they are; the token-level loss L2 (docs/method.md §4) relies on that. A text
 * encoder trained from scratch by the contrastive losses has no such start. Where no pretrained
 * BERT of the wanted size is at hand (offline, or a small CPU model), this gives one from the
 * captions themselves. It is not a substitute for BERT's pretraining on a large corpus.
 *
 * <p>Masking as BERT: 15 % of the word pieces of each caption (at least one; never [CLS], [SEP] or
 * padding) are predicted; of those, 80 % are replaced by [MASK], 10 % by a random piece, 10 % kept.
 */
public final class TextPretraining {
    private static final Logger LOG = LoggerFactory.getLogger(TextPretraining.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What to pre-train on and how; see {@code taco pretrain-text --help} for each field. */
    public static final class Spec {
        public String dataset = "youcook2";
        public Path annotations;
        /** Splits whose captions are trained on (never the evaluation split). */
        public List<Split> splits = List.of(Split.TRAIN);
        /** Held-out split for the masked-token accuracy reported at the start and the end (null: none). */
        public Split heldOutSplit = Split.VALIDATION;
        public int heldOutCaptions = 1000;
        public Path vocabulary;
        public Path outDir;
        /**
         * Text-encoder sizes (its width, heads and intermediate size — {@code textHiddenSize} etc., or the
         * shared ones when those are 0 — textLayers, maxTokens); the rest is unused.
         */
        public TacoConfig model = TacoConfig.cpu(1);
        /**
         * The optimisation, in the training's own options (steps, batchSize, learningRate, warmupSteps,
         * weightDecay, clipNorm, seed, Adam's betas and eps); {@link #defaultOptions()} unless changed.
         */
        public TrainOptions train = defaultOptions();
        public double maskRate = 0.15;
        public long logEvery = 100;
    }

    /**
     * BERT-style masked-LM pre-training: 3,000 steps of 128 captions, lr 1e-3, 100 warm-up steps, weight decay 0.01,
     * clip 1, Adam eps 1e-6.
     */
    public static TrainOptions defaultOptions() {
        TrainOptions o = new TrainOptions();
        o.steps = 3000;
        o.batchSize = 128;
        o.learningRate = 1e-3;
        o.warmupSteps = 100;
        o.weightDecay = 0.01;
        o.clipNorm = 1.0;
        o.eps = 1e-6;
        o.seed = 1;
        return o;
    }

    /** Masked-token cross-entropy (nats) and accuracy on held-out captions. */
    public record Score(double loss, double accuracy, int maskedTokens) {}

    /** The outcome: last training loss, held-out score before and after, and the written folder. */
    public record Result(long steps, double lastLoss, Score before, Score after, int captions, Path folder,
            double seconds) {}

    /** One masked batch: inputs [B, n] with padding, and the predicted positions (flat b·n + t) with their true ids. */
    record Masked(long[] inputIds, float[] attention, int batch, int length, long[] positions, long[] labels) {}

    private TextPretraining() {}

    public static Result run(Spec spec) throws IOException {
        long t0 = System.nanoTime();
        if (spec.train.steps < 1 || spec.train.batchSize < 1) {
            throw new IllegalArgumentException("steps and batch size must be positive, got " + spec.train.steps
                    + " and " + spec.train.batchSize);
        }
        if (!(spec.maskRate > 0 && spec.maskRate < 1)) {
            throw new IllegalArgumentException("mask rate must be in (0, 1), got " + spec.maskRate);
        }
        Dataset dataset = Datasets.read(spec.dataset, spec.annotations);
        List<String> captions = new ArrayList<>();
        for (Split s : spec.splits) {
            captions.addAll(captions(dataset.clips(s), spec.annotations));
        }
        if (captions.isEmpty()) {
            throw new IllegalArgumentException(spec.annotations + ": no captions in split(s) " + spec.splits);
        }
        List<String> heldOut = new ArrayList<>();
        if (spec.heldOutSplit != null && !spec.splits.contains(spec.heldOutSplit)) {
            List<String> all = captions(dataset.clips(spec.heldOutSplit), spec.annotations);
            heldOut.addAll(all.subList(0, Math.min(spec.heldOutCaptions, all.size())));
        }
        Path vocab = spec.vocabulary != null ? spec.vocabulary : TextPipeline.defaultVocabulary();
        TacoConfig config = spec.model.copy();
        try (WordPieceTokenizer tokenizer = WordPieceTokenizer.load(vocab, config.maxTokens)) {
            config.vocabSize = tokenizer.vocabularySize();
            config.featureDim = Math.max(1, config.featureDim);
            int[][] ids = tokenize(tokenizer, captions);
            int[][] heldOutIds = tokenize(tokenizer, heldOut);
            int maskId = requireId(tokenizer, "[MASK]", vocab);
            LOG.info("masked-LM pre-training on {} captions ({}), {} held out; text encoder {} wide, {} layers",
                    captions.size(), spec.splits, heldOut.size(), config.textWidth(), config.textLayers);
            try (NDManager root = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
                    TacoModel model = new TacoModel(config, root, spec.train.seed);
                    MaskedLmHead head = new MaskedLmHead(model, root, spec.train.seed + 1);
                    AdamW encoderOptimizer = new AdamW(model.weights(), spec.train.beta1, spec.train.beta2,
                            spec.train.eps, spec.train.weightDecay);
                    AdamW headOptimizer = new AdamW(head.weights(), spec.train.beta1, spec.train.beta2, spec.train.eps,
                            spec.train.weightDecay)) {
                Score before = heldOutIds.length == 0 ? null : score(model, head, heldOutIds, maskId, spec);
                double last = train(spec, model, head, encoderOptimizer, headOptimizer, ids, maskId, root);
                Score after = heldOutIds.length == 0 ? null : score(model, head, heldOutIds, maskId, spec);
                double seconds = (System.nanoTime() - t0) / 1e9;
                Result result = new Result(spec.train.steps, last, before, after, captions.size(), spec.outDir,
                        seconds);
                write(spec, model, head, tokenizer, result);
                return result;
            }
        }
    }

    /** The training loop; returns the last step's masked-LM loss. */
    private static double train(Spec spec, TacoModel model, MaskedLmHead head, AdamW encoderOptimizer,
            AdamW headOptimizer, int[][] ids, int maskId, NDManager root) {
        LearningRateSchedule schedule = new LearningRateSchedule(spec.train.learningRate, spec.train.warmupSteps,
                spec.train.steps);
        double last = Double.NaN;
        try (Progress progress = new Progress("masked LM", 0, spec.train.steps, spec.logEvery)) {
            for (long step = 0; step < spec.train.steps; step++) {
                // Batch, masks and dropout of a step follow from (seed, step), as in Trainer.
                Random random = new Random(spec.train.seed * 1_000_033L + step);
                Engine.getInstance().setRandomSeed((int) (spec.train.seed * 1_000_003L + step));
                int[][] batch = new int[spec.train.batchSize][];
                for (int b = 0; b < batch.length; b++) {
                    batch[b] = ids[random.nextInt(ids.length)];
                }
                Masked m = mask(batch, spec.maskRate, maskId, model.config().vocabSize, random);
                model.setTraining(true);
                try (NDManager scope = root.newSubManager()) {
                    NDArray loss;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        loss = crossEntropy(logProbs(model, head, m, scope), m);
                        gc.backward(loss);
                    }
                    last = loss.getFloat();
                    if (!Double.isFinite(last)) {
                        throw new Trainer.NonFiniteLossException(step, "a non-finite masked-LM loss");
                    }
                    double norm = Math.hypot(encoderOptimizer.gradientNorm(), headOptimizer.gradientNorm());
                    double scale = spec.train.clipNorm > 0 && norm > spec.train.clipNorm
                            ? spec.train.clipNorm / norm : 1.0;
                    double lr = schedule.at(step);
                    encoderOptimizer.step(lr, scale);
                    headOptimizer.step(lr, scale);
                } finally {
                    model.setTraining(false);
                }
                progress.step(step + 1, String.format(Locale.ROOT, "masked-LM loss %.3f", last));
            }
        }
        return last;
    }

    /**
     * BERT's masking of a batch of captions (ids with [CLS] first and [SEP] last). Deterministic for
     * a given {@code random}.
     */
    static Masked mask(int[][] captions, double rate, int maskId, int vocabSize, Random random) {
        int b = captions.length;
        int n = 0;
        for (int[] c : captions) {
            n = Math.max(n, c.length);
        }
        long[] input = new long[b * n]; // padding id 0, as BERT's [PAD]
        float[] attention = new float[b * n];
        List<Long> positions = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            int[] c = captions[i];
            for (int t = 0; t < c.length; t++) {
                input[i * n + t] = c[t];
                attention[i * n + t] = 1;
            }
            List<Integer> chosen = new ArrayList<>();
            for (int t = 1; t < c.length - 1; t++) { // never [CLS] (0) or [SEP] (last)
                if (random.nextDouble() < rate) {
                    chosen.add(t);
                }
            }
            if (chosen.isEmpty() && c.length > 2) {
                chosen.add(1 + random.nextInt(c.length - 2));
            }
            for (int t : chosen) {
                positions.add((long) i * n + t);
                labels.add((long) c[t]);
                double u = random.nextDouble();
                if (u < 0.8) {
                    input[i * n + t] = maskId;
                } else if (u < 0.9) {
                    input[i * n + t] = random.nextInt(vocabSize);
                } // else: kept as it is
            }
        }
        return new Masked(input, attention, b, n, positions.stream().mapToLong(Long::longValue).toArray(),
                labels.stream().mapToLong(Long::longValue).toArray());
    }

    /** log softmax over the vocabulary at the masked positions: [M, vocab]. */
    private static NDArray logProbs(TacoModel model, MaskedLmHead head, Masked m, NDManager scope) {
        NDArray ids = scope.create(m.inputIds(), new Shape(m.batch(), m.length()));
        NDArray attention = scope.create(m.attention(), new Shape(m.batch(), m.length()));
        NDArray y = model.textHiddenStates(ids, attention); // the BERT's own states, before any projection to d
        long d = y.getShape().get(2);
        NDArray hidden = y.reshape(m.batch() * (long) m.length(), d)
                .get(new NDIndex("{}", scope.create(m.positions())));
        return head.logits(hidden).logSoftmax(1);
    }

    /** Mean −log p(true piece) over the masked positions. */
    private static NDArray crossEntropy(NDArray logProbs, Masked m) {
        long vocab = logProbs.getShape().get(1);
        long[] flat = new long[m.labels().length];
        for (int k = 0; k < flat.length; k++) {
            flat[k] = k * vocab + m.labels()[k];
        }
        NDArray picked = logProbs.reshape(-1).get(new NDIndex("{}", logProbs.getManager().create(flat)));
        return Scalars.div(picked.sum(), -flat.length);
    }

    /** Held-out masked-token loss and accuracy with a fixed masking (seed 0), dropout off. */
    static Score score(TacoModel model, MaskedLmHead head, int[][] captions, int maskId, Spec spec) {
        Random random = new Random(0);
        double lossSum = 0;
        long correct = 0;
        int tokens = 0;
        model.setTraining(false);
        for (int from = 0; from < captions.length; from += spec.train.batchSize) {
            int[][] batch = Arrays.copyOfRange(captions, from, Math.min(captions.length, from + spec.train.batchSize));
            Masked m = mask(batch, spec.maskRate, maskId, model.config().vocabSize, random);
            try (NDManager scope = model.weights().manager().newSubManager()) {
                NDArray logProbs = logProbs(model, head, m, scope);
                lossSum += crossEntropy(logProbs, m).getFloat() * m.labels().length;
                correct += logProbs.argMax(1).eq(scope.create(m.labels())).sum().toType(DataType.INT64, false)
                        .getLong();
                tokens += m.labels().length;
            }
        }
        return new Score(lossSum / tokens, (double) correct / tokens, tokens);
    }

    /** Every caption of {@code clips}; an empty one is refused, naming its clip (it has no piece to predict). */
    private static List<String> captions(List<Clip> clips, Path file) {
        List<String> texts = new ArrayList<>();
        for (Clip c : clips) {
            for (String t : c.texts()) {
                if (t == null || t.isBlank()) {
                    throw new IllegalArgumentException(file + ": clip " + c.clipId() + " has an empty caption");
                }
                texts.add(t);
            }
        }
        return texts;
    }

    private static int[][] tokenize(WordPieceTokenizer tokenizer, List<String> captions) {
        int[][] ids = new int[captions.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenizer.tokenize(captions.get(i)).ids();
        }
        return ids;
    }

    private static int requireId(WordPieceTokenizer tokenizer, String piece, Path vocab) {
        int id = tokenizer.id(piece);
        if (id < 0) {
            throw new IllegalArgumentException(vocab + ": the vocabulary has no " + piece
                    + " token, which masked-LM pre-training needs");
        }
        return id;
    }

    /**
     * Writes the Hugging Face folder: {@code bert.*} encoder tensors and the {@code cls.predictions.*}
     * head (as {@code BertForMaskedLM}), the config with BERT's field names, and the vocabulary.
     * Each file is written atomically.
     */
    private static void write(Spec spec, TacoModel model, MaskedLmHead head, WordPieceTokenizer tokenizer, Result r)
            throws IOException {
        Files.createDirectories(spec.outDir);
        try (NDManager tmp = model.weights().manager().newSubManager()) {
            // Hugging Face names: the text encoder under bert.*, the head's own names; video and fusion left out.
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            model.weights().asMap().forEach((name, a) -> {
                if (TacoModel.isTextEncoderWeight(name)) { // not text.proj: a BERT has no projection to d
                    tensors.put("bert." + name.substring("text.".length()), a);
                }
            });
            tensors.putAll(head.weights().asMap());
            NDList list = new NDList();
            tensors.forEach((name, a) -> {
                NDArray copy = a.duplicate(); // a copy to rename: the model's arrays keep their names
                copy.attach(tmp);
                copy.setName(name);
                list.add(copy);
            });
            AtomicFiles.write(spec.outDir.resolve(TacoModel.WEIGHTS_FILE),
                    out -> list.encode(out, NDList.Encoding.SAFETENSORS));
        }
        TacoConfig c = model.config();
        ObjectNode cfg = JSON.createObjectNode();
        cfg.putArray("architectures").add("BertForMaskedLM");
        cfg.put("model_type", "bert");
        cfg.put("hidden_size", c.textWidth());
        cfg.put("num_hidden_layers", c.textLayers);
        cfg.put("num_attention_heads", c.textHeads());
        cfg.put("intermediate_size", c.textIntermediate());
        cfg.put("vocab_size", c.vocabSize);
        cfg.put("max_position_embeddings", c.maxTextPositions);
        cfg.put("type_vocab_size", c.typeVocabSize);
        cfg.put("hidden_act", "gelu");
        cfg.put("layer_norm_eps", c.layerNormEps);
        cfg.put("hidden_dropout_prob", c.dropout);
        cfg.put("attention_probs_dropout_prob", c.dropout);
        cfg.put("initializer_range", c.initializerRange);
        ObjectNode how = cfg.putObject("taco_pretraining");
        how.put("objective", "masked language model, " + spec.maskRate + " of the pieces");
        how.put("annotations", spec.annotations.toAbsolutePath().toString());
        how.put("splits", spec.splits.toString());
        how.put("captions", r.captions());
        how.put("steps", r.steps());
        how.put("batch", spec.train.batchSize);
        how.put("learning_rate", spec.train.learningRate);
        how.put("seed", spec.train.seed);
        how.put("last_loss", r.lastLoss());
        if (r.after() != null) {
            how.put("held_out_loss", r.after().loss());
            how.put("held_out_accuracy", r.after().accuracy());
        }
        AtomicFiles.writeString(spec.outDir.resolve(TacoModel.CONFIG_FILE), JSON.writeValueAsString(cfg));
        byte[] bytes = tokenizer.sourceBytes();
        AtomicFiles.write(spec.outDir.resolve(WordPieceTokenizer.nameInFolder(tokenizer.source())),
                out -> out.write(bytes));
    }
}
