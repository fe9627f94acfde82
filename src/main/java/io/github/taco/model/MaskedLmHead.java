package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * BERT's masked-language-model head over a {@link TacoModel}'s text encoder: dense w→w, GELU,
 * LayerNorm, then the word-embedding table (tied, as BERT) plus a bias, giving a logit per
 * vocabulary entry. w is the text encoder's own width ({@link TacoConfig#textWidth()}): the head
 * reads {@link TacoModel#textHiddenStates}, before any projection to d. Tensor names are Hugging Face
 * {@code BertForMaskedLM}'s ({@code cls.predictions.*}).
 *
 * <p>Its weights live apart from the model's, so a taco checkpoint never holds them; only
 * {@code TextPretraining} uses the head.
 */
public final class MaskedLmHead implements AutoCloseable {
    private final Weights weights;
    private final Nn.Linear dense;
    private final Nn.LayerNorm layerNorm;
    private final Nn.Linear decoder;

    public MaskedLmHead(TacoModel model, NDManager parent, long seed) {
        TacoConfig c = model.config();
        weights = new Weights(parent, seed, c.initializerRange);
        int width = c.textWidth();
        dense = Nn.Linear.create(weights, "cls.predictions.transform.dense", width, width);
        layerNorm = Nn.LayerNorm.create(weights, "cls.predictions.transform.LayerNorm", width, c.layerNormEps);
        // h·Eᵀ + b with E [vocab, w]: the decoder is tied to the input embeddings, as BERT's.
        decoder = new Nn.Linear(model.weights().get("text.embeddings.word_embeddings.weight"),
                weights.zeros("cls.predictions.bias", c.vocabSize));
    }

    public Weights weights() {
        return weights;
    }

    /** @param hidden [M, w] text-encoder hidden states at masked positions; returns logits [M, vocab]. */
    public NDArray logits(NDArray hidden) {
        return decoder.apply(layerNorm.apply(Nn.gelu(dense.apply(hidden))));
    }

    @Override
    public void close() {
        weights.close();
    }
}
