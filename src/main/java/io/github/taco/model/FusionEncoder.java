package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

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
     * The fusion's input at the text positions, for each text once: y + token type 0 + positions
     * 0..n-1, then the LayerNorm. It is per position, so the pairs' input is a gather of these rows
     * and of {@link #embedVideo}'s: computed per text and per video instead of per pair [ours].
     *
     * @param y [K, n, d] text tokens
     */
    NDArray embedText(NDArray y) {
        long n = y.getShape().get(1);
        if (n > firstFramePosition) {
            throw new IllegalArgumentException("texts have " + n + " positions, the fusion has maxTokens="
                    + firstFramePosition);
        }
        return embed(y, 0, 0);
    }

    /**
     * As {@link #embedText} for the frames: x + token type 1 + positions maxTokens.., then the LayerNorm.
     * Text at 0..n-1, frames at maxTokens..: with positions n.. instead, the frames' position
     * embeddings (and so s3) would change with the batch's text padding length.
     *
     * @param x [K, m, d] frames
     */
    NDArray embedVideo(NDArray x) {
        return embed(x, 1, firstFramePosition);
    }

    private NDArray embed(NDArray h, int tokenType, int firstPosition) {
        NDManager m = h.getManager();
        long len = h.getShape().get(1);
        NDArray types = m.full(new Shape(1, len), tokenType, DataType.INT64);
        NDArray positions = m.arange(firstPosition, (int) (firstPosition + len), 1, DataType.INT64).reshape(1, len);
        return layerNorm.apply(h.add(Nn.embedding(types, tokenTypeEmbeddings))
                .add(Nn.embedding(positions, positionEmbeddings)));
    }

    /**
     * @param u     [P, n, d] each pair's text input ({@link #embedText})
     * @param tmask [P, n]
     * @param v     [P, m, d] each pair's video input ({@link #embedVideo})
     * @param vmask [P, m]
     * @return s3 [P]
     */
    NDArray forward(NDArray u, NDArray tmask, NDArray v, NDArray vmask, boolean training) {
        NDArray h = Nn.dropout(NDArrays.concat(new NDList(u, v), 1), dropout, training);
        NDArray mask = NDArrays.concat(new NDList(tmask, vmask), 1);
        // The head reads the fused [CLS] alone, so the last layer computes position 0 only.
        NDArray cls = encoder.forwardFirstPosition(h, mask, training);
        return head.apply(cls).reshape(-1);
    }
}
