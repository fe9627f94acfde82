package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * f_t: BERT embeddings (word + position + token type 0, LayerNorm, dropout) and
 * {@code textLayers} BERT layers of the text encoder's own sizes ({@link TacoConfig#textWidth()} and
 * its heads and feed-forward), then, when that width differs from d, a linear projection
 * {@code text.proj} to d [ours, docs/method.md §1]. Output y[:, 0] is the [CLS] vector of docs/method.md §2.
 * Tensor names {@code text.embeddings.*}, {@code text.encoder.layer.i.*} match Hugging Face's
 * BertModel under a {@code text.} prefix, so its checkpoints load (see {@link TacoModel#loadPretrainedText}).
 */
final class TextEncoder {
    /** Name prefix of the projection's tensors; absent when the text width is d. */
    static final String PROJECTION = "text.proj.";

    private final NDArray wordEmbeddings;
    private final NDArray positionEmbeddings;
    private final NDArray tokenTypeEmbeddings;
    private final Nn.LayerNorm layerNorm;
    private final BertEncoder encoder;
    /** Text width → d, or null when they are equal (then the model is exactly what it was without the option). */
    private final Nn.Linear projection;
    private final double dropout;

    TextEncoder(Weights w, TacoConfig c) {
        int width = c.textWidth();
        wordEmbeddings = w.normal("text.embeddings.word_embeddings.weight", c.vocabSize, width);
        positionEmbeddings = w.normal("text.embeddings.position_embeddings.weight", c.maxTextPositions, width);
        tokenTypeEmbeddings = w.normal("text.embeddings.token_type_embeddings.weight", c.typeVocabSize, width);
        layerNorm = Nn.LayerNorm.create(w, "text.embeddings.LayerNorm", width, c.layerNormEps);
        encoder = new BertEncoder(w, "text.encoder", c.textLayers, width, c.textHeads(), c.textIntermediate(), c);
        // Created last, after every BERT tensor: a model without it draws the same initial weights as before.
        projection = c.textProjected()
                ? Nn.Linear.create(w, PROJECTION.substring(0, PROJECTION.length() - 1), width, c.hiddenSize) : null;
        dropout = c.dropout;
    }

    /**
     * The text encoder's own output, before the projection (what a BERT computes; the masked-LM head reads it).
     *
     * @param ids  [B, n] int64 WordPiece ids
     * @param mask [B, n] float 1/0
     * @return [B, n, text width]
     */
    NDArray hidden(NDArray ids, NDArray mask, boolean training) {
        NDManager m = ids.getManager();
        long n = ids.getShape().get(1);
        NDArray positions = m.arange(0, (int) n, 1, DataType.INT64).reshape(1, n);
        NDArray types = m.zeros(ids.getShape(), DataType.INT64);
        NDArray h = Nn.embedding(ids, wordEmbeddings)
                .add(Nn.embedding(positions, positionEmbeddings))
                .add(Nn.embedding(types, tokenTypeEmbeddings));
        h = Nn.dropout(layerNorm.apply(h), dropout, training);
        return encoder.forward(h, mask, training);
    }

    /** y = the hidden states mapped to d (every token: [CLS] for s1, the others for s2 and the fusion): [B, n, d]. */
    NDArray forward(NDArray ids, NDArray mask, boolean training) {
        NDArray h = hidden(ids, mask, training);
        return projection == null ? h : projection.apply(h);
    }
}
