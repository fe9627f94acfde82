package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * f_v: a linear projection D→d of the pre-extracted frame features [paper], learned frame
 * position embeddings and a LayerNorm as BERT's embeddings [ours], then {@code videoLayers}
 * BERT layers.
 */
final class VideoEncoder {
    private final Nn.Linear proj;
    private final NDArray positionEmbeddings;
    private final Nn.LayerNorm layerNorm;
    private final BertEncoder encoder;
    private final double dropout;

    VideoEncoder(Weights w, TacoConfig c) {
        proj = Nn.Linear.create(w, "video.proj", c.featureDim, c.hiddenSize);
        positionEmbeddings = w.normal("video.position_embeddings.weight", c.maxFrames, c.hiddenSize);
        layerNorm = Nn.LayerNorm.create(w, "video.LayerNorm", c.hiddenSize, c.layerNormEps);
        encoder = new BertEncoder(w, "video.encoder", c.videoLayers, c);
        dropout = c.dropout;
    }

    /**
     * @param features [B, m, D] float
     * @param mask     [B, m] float 1/0
     * @return x [B, m, d]
     */
    NDArray forward(NDArray features, NDArray mask, boolean training) {
        NDManager m = features.getManager();
        long frames = features.getShape().get(1);
        NDArray positions = m.arange(0, (int) frames, 1, DataType.INT64).reshape(1, frames);
        NDArray h = proj.apply(features).add(Nn.embedding(positions, positionEmbeddings));
        h = Nn.dropout(layerNorm.apply(h), dropout, training);
        return encoder.forward(h, mask, training);
    }
}
