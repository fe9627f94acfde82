package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * f_m and its head (docs/method.md §1): the text tokens y followed by the frames x, plus a token-type
 * embedding (0 text, 1 video) and an absolute position embedding, a LayerNorm [ours], then
 * {@code fusionLayers} BERT layers; s3 = head(z[0]), a linear d→1 on the fused [CLS].
 */
final class FusionEncoder {
    private final NDArray tokenTypeEmbeddings;
    private final NDArray positionEmbeddings;
    private final Nn.LayerNorm layerNorm;
    private final BertEncoder encoder;
    private final Nn.Linear head;
    private final double dropout;
    /** Position of the first frame: fixed at maxTokens, so s3 does not depend on how far a batch pads its texts. */
    private final int firstFramePosition;

    FusionEncoder(Weights w, TacoConfig c) {
        tokenTypeEmbeddings = w.normal("fusion.token_type_embeddings.weight", 2, c.hiddenSize);
        positionEmbeddings = w.normal("fusion.position_embeddings.weight", c.fusionPositions(), c.hiddenSize);
        layerNorm = Nn.LayerNorm.create(w, "fusion.LayerNorm", c.hiddenSize, c.layerNormEps);
        encoder = new BertEncoder(w, "fusion.encoder", c.fusionLayers, c);
        head = Nn.Linear.create(w, "fusion.head", c.hiddenSize, 1);
        dropout = c.dropout;
        firstFramePosition = c.maxTokens;
    }

    /**
     * @param y     [P, n, d] text tokens of each pair
     * @param tmask [P, n]
     * @param x     [P, m, d] frames of each pair
     * @param vmask [P, m]
     * @return s3 [P]
     */
    NDArray forward(NDArray y, NDArray tmask, NDArray x, NDArray vmask, boolean training) {
        NDManager m = y.getManager();
        long n = y.getShape().get(1);
        long frames = x.getShape().get(1);
        NDArray types = NDArrays.concat(new NDList(
                m.zeros(new ai.djl.ndarray.types.Shape(1, n), DataType.INT64),
                m.ones(new ai.djl.ndarray.types.Shape(1, frames), DataType.INT64)), 1);
        if (n > firstFramePosition) {
            throw new IllegalArgumentException("texts have " + n + " positions, the fusion has maxTokens=" + firstFramePosition);
        }
        // Text at 0..n-1, frames at maxTokens..: with positions n.. instead, the frames' position
        // embeddings (and so s3) would change with the batch's text padding length.
        NDArray positions = NDArrays.concat(new NDList(
                m.arange(0, (int) n, 1, DataType.INT64),
                m.arange(firstFramePosition, (int) (firstFramePosition + frames), 1, DataType.INT64)), 0).reshape(1, n + frames);
        NDArray h = NDArrays.concat(new NDList(y, x), 1)
                .add(Nn.embedding(types, tokenTypeEmbeddings))
                .add(Nn.embedding(positions, positionEmbeddings));
        h = Nn.dropout(layerNorm.apply(h), dropout, training);
        NDArray mask = NDArrays.concat(new NDList(tmask, vmask), 1);
        // The head reads the fused [CLS] alone, so the last layer computes position 0 only.
        NDArray cls = encoder.forwardFirstPosition(h, mask, training);
        return head.apply(cls).reshape(-1);
    }
}
