package io.github.taco.model;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/** A stack of {@link BertLayer}s named {@code <prefix>.layer.<i>}. */
final class BertEncoder {
    private final List<BertLayer> layers = new ArrayList<>();

    BertEncoder(Weights w, String prefix, int numLayers, TacoConfig c) {
        for (int i = 0; i < numLayers; i++) {
            layers.add(new BertLayer(w, prefix + ".layer." + i, c));
        }
    }

    /** @param mask [B, n] 1 for real positions, 0 for padding */
    NDArray forward(NDArray h, NDArray mask, boolean training) {
        NDArray maskAdd = Nn.additiveMask(mask);
        for (BertLayer layer : layers) {
            h = layer.forward(h, maskAdd, training);
        }
        return h;
    }
}
