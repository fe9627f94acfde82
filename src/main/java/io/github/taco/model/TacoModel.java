package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.taco.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TACo model (docs/method.md §1) and its three scores (docs/method.md §2): s1 (sentence level), the token-level
 * score s and its weighted sum s2, and the fused score s3.
 *
 * <p>Arrays follow one convention: texts index rows (i), videos index columns (j), so
 * {@code s1[i, j] = s1(v_j, t_i)}. Every method is a pure function of its inputs and the weights;
 * create the inputs in a per-batch {@link NDManager} and close it after the step.
 */
public final class TacoModel implements AutoCloseable {
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Added to padded frames' similarities so that they never win a max (docs/method.md §2). */
    private static final float PAD_PENALTY = -1e9f;

    private final TacoConfig config;
    private final Weights weights;
    private final TextEncoder text;
    private final VideoEncoder video;
    private final FusionEncoder fusion;
    private volatile boolean training;

    /** A freshly initialised model (weights ~ N(0, initializerRange²), biases 0, LayerNorm 1/0). */
    public TacoModel(TacoConfig config, NDManager parent, long seed) {
        this.config = config.copy().validate();
        this.weights = new Weights(parent, seed, config.initializerRange);
        this.text = new TextEncoder(weights, this.config);
        this.video = new VideoEncoder(weights, this.config);
        this.fusion = new FusionEncoder(weights, this.config);
    }

    public TacoConfig config() {
        return config.copy();
    }

    /**
     * Sets the inference cascade's weights of s2 and s3 (docs/method.md §5), which no loss trains: a calibration
     * chooses them ({@code eval.CascadeCalibration}), and {@link #save} then writes them.
     */
    public void cascadeWeights(double weightS2, double weightS3) {
        config.weightS2 = weightS2;
        config.weightS3 = weightS3;
    }

    public Weights weights() {
        return weights;
    }

    /** Dropout on (training) or off (evaluation, search). Off by default. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    public boolean isTraining() {
        return training;
    }

    /** A batch as engine arrays ({@code data.Batch#toInputs} builds them from a host batch). */
    public record Inputs(NDArray features, NDArray frameMask, NDArray tokenIds, NDArray tokenMask,
            NDArray tokenWeights) {}

    // ---------------------------------------------------------------- encoders

    /**
     * y = f_t(ids): [Kt, n, d], every token already mapped to d by {@code text.proj} when the text
     * encoder is wider than d (docs/method.md §1).
     */
    public NDArray encodeText(NDArray tokenIds, NDArray tokenMask) {
        checkTextLength(tokenIds);
        return text.forward(tokenIds, tokenMask, training);
    }

    /**
     * The text encoder's own hidden states, before the projection to d: [Kt, n, {@link TacoConfig#textWidth()}].
     * What a BERT of these sizes outputs; the masked-LM head of {@code taco pretrain-text} reads it.
     * The same as {@link #encodeText} when the text width is d.
     */
    public NDArray textHiddenStates(NDArray tokenIds, NDArray tokenMask) {
        checkTextLength(tokenIds);
        return text.hidden(tokenIds, tokenMask, training);
    }

    private void checkTextLength(NDArray tokenIds) {
        if (tokenIds.getShape().get(1) > config.maxTextPositions) {
            throw new IllegalArgumentException("tokenIds has " + tokenIds.getShape().get(1)
                    + " positions, the model has " + config.maxTextPositions);
        }
    }

    /**
     * True for the tensors of the text encoder proper (embeddings and layers, what a BERT holds),
     * which train at {@code TrainOptions.textLearningRate}; false for {@code text.proj.*} (new, trains at
     * the main rate like the video encoder and the fusion) and everything else.
     */
    public static boolean isTextEncoderWeight(String name) {
        return name.startsWith("text.") && !name.startsWith(TextEncoder.PROJECTION);
    }

    /** x = f_v(F): [Kv, m, d]. */
    public NDArray encodeVideo(NDArray features, NDArray frameMask) {
        Shape s = features.getShape();
        if (s.get(2) != config.featureDim) {
            throw new IllegalArgumentException("features have dimension " + s.get(2) + ", the model expects featureDim="
                    + config.featureDim);
        }
        if (s.get(1) > config.maxFrames) {
            throw new IllegalArgumentException("features have " + s.get(1) + " frames, the model has maxFrames="
                    + config.maxFrames);
        }
        return video.forward(features, frameMask, training);
    }

    // ---------------------------------------------------------------- scores (docs/method.md §2)

    /** The sentence-level video vector: mean of the valid frames of x (L2-normalised for cosine): [Kv, d]. */
    public NDArray videoVectors(NDArray x, NDArray frameMask) {
        NDArray m = frameMask.expandDims(2);
        NDArray mean = x.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}));
        return config.cosine() ? l2normalize(mean) : mean;
    }

    /** The sentence-level text vector y[0] ([CLS]), L2-normalised for cosine: [Kt, d]. */
    public NDArray textVectors(NDArray y) {
        NDArray cls = y.get(new NDIndex(":, 0, :"));
        return config.cosine() ? l2normalize(cls) : cls;
    }

    /** s1[i, j] = textVec_i · videoVec_j (divided by τ for cosine): [Kt, Kv]. */
    public NDArray s1(NDArray textVectors, NDArray videoVectors) {
        return scale(textVectors.matMul(videoVectors.transpose()));
    }

    /**
     * The token-level score s(x_j, y_i^p) = max over valid frames k of x_j^k · y_i^p, for every
     * token p of every text i and every video j: [Kt, n, Kv]. Padded frames never win the max.
     */
    public NDArray tokenScores(NDArray y, NDArray x, NDArray frameMask) {
        long kt = y.getShape().get(0);
        long n = y.getShape().get(1);
        long kv = x.getShape().get(0);
        long m = x.getShape().get(1);
        long d = y.getShape().get(2);
        NDArray tokens = config.cosine() ? l2normalize(y) : y;
        NDArray frames = config.cosine() ? l2normalize(x) : x;
        NDArray sim = tokens.reshape(kt * n, d).matMul(frames.reshape(kv * m, d).transpose()).reshape(kt, n, kv, m);
        NDArray penalty = frameMask.sub(1f).mul(-PAD_PENALTY).reshape(1, 1, kv, m);
        return scale(sim.add(penalty).max(new int[] {3}));
    }

    /** s2[i, j] = Σ_p w_ip · s(x_j, y_i^p) (0 for a text without tokens of interest): [Kt, Kv]. */
    public NDArray s2(NDArray tokenScores, NDArray tokenWeights) {
        return tokenScores.mul(tokenWeights.expandDims(2)).sum(new int[] {1});
    }

    /**
     * s2 of every text against every video on the host, {@code [Kt][Kv]}: the same numbers as
     * {@link #s2}({@link #tokenScores}) up to the summation order of the matrix products, as matrix
     * products over the tokens of interest and the valid frames only ({@link AllPairsS2}). For evaluation,
     * search and anything else that scores many pairs.
     *
     * @param y            [Kt, n, d] text tokens ({@link #encodeText})
     * @param tokenWeights Kt·n weights, row-major (0 outside the tokens of interest)
     * @param x            [Kv, m, d] frames ({@link #encodeVideo})
     * @param frameMask    Kv·m, 1 for valid frames; every video needs one
     */
    public float[][] s2AllPairs(NDArray y, float[] tokenWeights, NDArray x, float[] frameMask) {
        return s2AllPairs(y, tokenWeights, x, frameMask, AllPairsS2.ROWS, AllPairsS2.FRAMES);
    }

    /** As {@link #s2AllPairs(NDArray, float[], NDArray, float[])} in chunks of the given sizes (tests). */
    float[][] s2AllPairs(NDArray y, float[] tokenWeights, NDArray x, float[] frameMask, int rowsPerChunk,
            int framesPerBlock) {
        try (NDManager scope = y.getManager().newSubManager()) {
            // the normalised copies belong to this call, not to the caller's manager
            scope.tempAttachAll(y, x);
            NDArray tokens = config.cosine() ? l2normalize(y) : y;
            NDArray frames = config.cosine() ? l2normalize(x) : x;
            return AllPairsS2.compute(tokens, tokenWeights, frames, frameMask, config.cosine() ? config.temperature : 1,
                    rowsPerChunk, framesPerBlock);
        }
    }

    /**
     * The fusion's input rows, once per text and once per video (embeddings and LayerNorm, docs/method.md
     * §1): a pair's input is the gather of its text's and its video's rows, so many pairs share them.
     */
    public record FusionInputs(NDArray texts, NDArray tokenMask, NDArray videos, NDArray frameMask) {}

    /** {@link FusionInputs} of the texts y [Kt, n, d] and the videos x [Kv, m, d]; in y's and x's managers. */
    public FusionInputs fusionInputs(NDArray y, NDArray tokenMask, NDArray x, NDArray frameMask) {
        return new FusionInputs(fusion.embedText(y), tokenMask, fusion.embedVideo(x), frameMask);
    }

    /**
     * s3 for the pairs (text textIdx[p], video videoIdx[p]): runs the fusion on each pair. [P].
     */
    public NDArray s3(NDArray y, NDArray tokenMask, NDArray x, NDArray frameMask, int[] textIdx, int[] videoIdx) {
        return s3(y, tokenMask, x, frameMask, textIdx, videoIdx, y.getManager());
    }

    /**
     * As {@link #s3(NDArray, NDArray, NDArray, NDArray, int[], int[])}, with the per-pair copies and every
     * activation of the fusion owned by {@code scope}. The pairs' rows are gathered first and the fusion's
     * input computed on them: evaluation and search score a few pairs out of many texts and videos.
     */
    public NDArray s3(NDArray y, NDArray tokenMask, NDArray x, NDArray frameMask, int[] textIdx, int[] videoIdx,
            NDManager scope) {
        NDList p = pairRows(y, tokenMask, x, frameMask, textIdx, videoIdx, scope);
        return fusion.forward(fusion.embedText(p.get(0)), p.get(1), fusion.embedVideo(p.get(2)), p.get(3), training);
    }

    /**
     * s3 for the pairs (text textIdx[p], video videoIdx[p]) of {@code in} ({@link #fusionInputs}, computed
     * once for a batch whose pairs share its texts and videos, as L3's), with the per-pair copies and every
     * activation of the fusion owned by {@code scope}: closing it frees them, e.g. one chunk of L3's
     * pairs at a time (gradient caching, {@link io.github.taco.loss.TacoObjective}). [P].
     */
    public NDArray s3(FusionInputs in, int[] textIdx, int[] videoIdx, NDManager scope) {
        NDList p = pairRows(in.texts(), in.tokenMask(), in.videos(), in.frameMask(), textIdx, videoIdx, scope);
        return fusion.forward(p.get(0), p.get(1), p.get(2), p.get(3), training);
    }

    /**
     * For each pair p: row textIdx[p] of texts and tokenMask, row videoIdx[p] of videos and frameMask; owned by
     * {@code scope}.
     */
    private static NDList pairRows(NDArray texts, NDArray tokenMask, NDArray videos, NDArray frameMask, int[] textIdx,
            int[] videoIdx, NDManager scope) {
        if (textIdx.length != videoIdx.length) {
            throw new IllegalArgumentException("textIdx and videoIdx differ in length");
        }
        NDArray ti = scope.create(toLong(textIdx));
        NDArray vi = scope.create(toLong(videoIdx));
        // An op's result belongs to its first operand's manager: moving the gathered rows into scope
        // puts the whole fusion there.
        NDList p = new NDList(texts.get(new NDIndex("{}", ti)), tokenMask.get(new NDIndex("{}", ti)),
                videos.get(new NDIndex("{}", vi)), frameMask.get(new NDIndex("{}", vi)));
        p.attach(scope);
        return p;
    }

    private NDArray scale(NDArray scores) {
        return config.cosine() ? Scalars.div(scores, config.temperature) : scores;
    }

    private static NDArray l2normalize(NDArray a) {
        // eps keeps an all-zero vector finite (its score is then 0).
        return a.div(a.norm(new int[] {-1}, true).add(1e-12f));
    }

    private static long[] toLong(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    // ---------------------------------------------------------------- checkpoints

    /** Writes {@code config.json} and {@code model.safetensors} into {@code dir}, each atomically. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        weights.save(dir.resolve(WEIGHTS_FILE));
        AtomicFiles.writeString(dir.resolve(CONFIG_FILE), config.toJson());
    }

    /** Rebuilds a model from a folder written by {@link #save}. */
    public static TacoModel load(Path dir, NDManager parent) throws IOException {
        Path cfg = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(cfg)) {
            throw new IOException(dir + " is not a taco checkpoint: " + CONFIG_FILE + " is missing");
        }
        if (!Files.isRegularFile(dir.resolve(WEIGHTS_FILE))) {
            throw new IOException(dir + " is not a complete checkpoint: " + CONFIG_FILE + " is there but "
                    + WEIGHTS_FILE + " is missing (an interrupted copy?)");
        }
        TacoModel model = new TacoModel(TacoConfig.read(cfg), parent, 0);
        try {
            model.weights.load(dir.resolve(WEIGHTS_FILE));
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Loads a Hugging Face {@code BertModel} checkpoint folder ({@code config.json} +
     * {@code model.safetensors}, names with or without a {@code bert.} prefix; pooler and heads
     * ignored) into the text encoder. Its sizes must match the text encoder's: see {@link PretrainedText#sizes}.
     * The projection {@code text.proj} (when the BERT is wider than d) is not in a BERT and keeps its
     * initial weights.
     */
    public void loadPretrainedText(Path bertDir) throws IOException {
        weights.load(bertDir.resolve(WEIGHTS_FILE), PretrainedText::tensorName, TacoModel::isTextEncoderWeight);
    }

    @Override
    public void close() {
        weights.close();
    }
}
