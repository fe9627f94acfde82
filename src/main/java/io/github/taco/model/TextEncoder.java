package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * f_t: BERT embeddings (word + position + token type 0, LayerNorm, dropout) and
 * {@code textLayers} BERT layers. Output y[:, 0] is the [CLS] vector of docs/method.md §2.
 * Tensor names {@code text.embeddings.*}, {@code text.encoder.layer.i.*} match Hugging Face's
 * BertModel under a {@code text.} prefix, so its checkpoints load (see {@code Checkpoints}).
 */
final class TextEncoder {
    private final NDArray wordEmbeddings;
    private final NDArray positionEmbeddings;
    private final NDArray tokenTypeEmbeddings;
    private final Nn.LayerNorm layerNorm;
    private final BertEncoder encoder;
    private final double dropout;

    TextEncoder(Weights w, TacoConfig c) {
        wordEmbeddings = w.normal("text.embeddings.word_embeddings.weight", c.vocabSize, c.hiddenSize);
        positionEmbeddings = w.normal("text.embeddings.position_embeddings.weight", c.maxTextPositions, c.hiddenSize);
        tokenTypeEmbeddings = w.normal("text.embeddings.token_type_embeddings.weight", c.typeVocabSize, c.hiddenSize);
        layerNorm = Nn.LayerNorm.create(w, "text.embeddings.LayerNorm", c.hiddenSize, c.layerNormEps);
        encoder = new BertEncoder(w, "text.encoder", c.textLayers, c);
        dropout = c.dropout;
    }

    /**
     * @param ids  [B, n] int64 WordPiece ids
     * @param mask [B, n] float 1/0
     * @return y [B, n, d]
     */
    NDArray forward(NDArray ids, NDArray mask, boolean training) {
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
}
