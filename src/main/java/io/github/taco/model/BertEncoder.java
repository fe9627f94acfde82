package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/** A stack of {@link BertLayer}s named {@code <prefix>.layer.<i>}. */
final class BertEncoder {
    private final List<BertLayer> layers = new ArrayList<>();

    /** Layers of the shared width d (video encoder, fusion). */
    BertEncoder(Weights w, String prefix, int numLayers, TacoConfig c) {
        this(w, prefix, numLayers, c.hiddenSize, c.numAttentionHeads, c.intermediateSize, c);
    }

    /** Layers of their own sizes (the text encoder, which may be wider than d: docs/method.md §1). */
    BertEncoder(Weights w, String prefix, int numLayers, int width, int heads, int intermediate, TacoConfig c) {
        for (int i = 0; i < numLayers; i++) {
            layers.add(new BertLayer(w, prefix + ".layer." + i, width, heads, intermediate, c));
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

    /**
     * The last layer's output at position 0 only, [B, 1, d] ({@link BertLayer#forwardFirstPosition}):
     * for a head that reads one position, as the fusion's.
     */
    NDArray forwardFirstPosition(NDArray h, NDArray mask, boolean training) {
        if (layers.isEmpty()) {
            return h.get(new NDIndex(":, :1, :"));
        }
        NDArray maskAdd = Nn.additiveMask(mask);
        for (int i = 0; i < layers.size() - 1; i++) {
            h = layers.get(i).forward(h, maskAdd, training);
        }
        return layers.get(layers.size() - 1).forwardFirstPosition(h, maskAdd, training);
    }
}
