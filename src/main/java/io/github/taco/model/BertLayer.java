package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * One post-LayerNorm transformer layer as in BERT ({@code modeling_bert.py}'s BertLayer):
 * multi-head self-attention with an additive key-padding mask, residual + LayerNorm, then a GELU
 * feed-forward, residual + LayerNorm. Field names follow the checkpoint's tensor names.
 */
final class BertLayer {
    private final Nn.Linear query;
    private final Nn.Linear key;
    private final Nn.Linear value;
    private final Nn.Linear attentionOutputDense;
    private final Nn.LayerNorm attentionOutputLayerNorm;
    private final Nn.Linear intermediateDense;
    private final Nn.Linear outputDense;
    private final Nn.LayerNorm outputLayerNorm;
    private final int heads;
    private final int headSize;
    private final double dropout;

    /** A layer of width {@code d} with {@code heads} heads and a feed-forward of {@code intermediate}. */
    BertLayer(Weights w, String prefix, int d, int heads, int intermediate, TacoConfig c) {
        query = Nn.Linear.create(w, prefix + ".attention.self.query", d, d);
        key = Nn.Linear.create(w, prefix + ".attention.self.key", d, d);
        value = Nn.Linear.create(w, prefix + ".attention.self.value", d, d);
        attentionOutputDense = Nn.Linear.create(w, prefix + ".attention.output.dense", d, d);
        attentionOutputLayerNorm = Nn.LayerNorm.create(w, prefix + ".attention.output.LayerNorm", d, c.layerNormEps);
        intermediateDense = Nn.Linear.create(w, prefix + ".intermediate.dense", d, intermediate);
        outputDense = Nn.Linear.create(w, prefix + ".output.dense", intermediate, d);
        outputLayerNorm = Nn.LayerNorm.create(w, prefix + ".output.LayerNorm", d, c.layerNormEps);
        this.heads = heads;
        headSize = d / heads;
        dropout = c.dropout;
    }

    /**
     * @param h        [B, n, d] hidden states
     * @param maskAdd  [B, 1, 1, n] additive key mask ({@link Nn#additiveMask})
     */
    NDArray forward(NDArray h, NDArray maskAdd, boolean training) {
        return forward(h, h, maskAdd, training);
    }

    /**
     * The output at position 0 only, [B, 1, d]: every position still serves as key and value, but
     * only position 0 asks a query. The fusion's head reads z[0] alone, so in its last layer the
     * other positions' queries, attention rows and feed-forward were computed for nothing: [ours],
     * about 40 % of a two-layer fusion's work, and the same s3.
     */
    NDArray forwardFirstPosition(NDArray h, NDArray maskAdd, boolean training) {
        return forward(h.get(new NDIndex(":, :1, :")), h, maskAdd, training);
    }

    /** Self-attention of the rows {@code hq} (a prefix of h, or h itself) over all of h, then the rest of the layer. */
    private NDArray forward(NDArray hq, NDArray h, NDArray maskAdd, boolean training) {
        long b = h.getShape().get(0);
        long nq = hq.getShape().get(1);
        long n = h.getShape().get(1);
        NDArray q = splitHeads(query.apply(hq), b, nq);
        NDArray k = splitHeads(key.apply(h), b, n);
        NDArray v = splitHeads(value.apply(h), b, n);
        NDArray scores = Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), Math.sqrt(headSize)).add(maskAdd);
        NDArray probs = Nn.dropout(scores.softmax(-1), dropout, training);
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, nq, (long) heads * headSize);
        NDArray attn = Nn.dropout(attentionOutputDense.apply(context), dropout, training);
        NDArray a = attentionOutputLayerNorm.apply(attn.add(hq));
        NDArray inter = Nn.gelu(intermediateDense.apply(a));
        NDArray out = Nn.dropout(outputDense.apply(inter), dropout, training);
        return outputLayerNorm.apply(out.add(a));
    }

    private NDArray splitHeads(NDArray x, long b, long n) {
        return x.reshape(b, n, heads, headSize).transpose(0, 2, 1, 3);
    }
}
