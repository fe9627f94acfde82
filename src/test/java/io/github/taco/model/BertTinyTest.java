package io.github.taco.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The text encoder loads a Hugging Face BertModel checkpoint (hidden 32, 4 heads, intermediate 64)
 * and reproduces its reference outputs, whether the model's d is the BERT's width or not: the BERT's
 * own hidden states (before {@code text.proj}) must match, and y must be them mapped to d.
 */
class BertTinyTest {

    @ParameterizedTest(name = "{0}, d = {1}")
    @CsvSource({"original, 128", "perturbed, 128", "original, 32", "perturbed, 32", "original, 16", "perturbed, 64"})
    void reproducesExpectedHiddenStates(String checkpoint, int d) throws Exception {
        Path root = SharedData.file("bert-tiny");
        Path dir = checkpoint.equals("original") ? root : root.resolve("perturbed");
        JsonNode cases = new ObjectMapper().readTree(root.resolve("EXPECTED.json").toFile()).get("cases");
        int compared = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            TacoConfig preset = TacoConfig.cpu(8);
            preset.hiddenSize = d;
            preset.intermediateSize = 4 * d;
            TacoConfig c = PretrainedText.sizes(root, preset);
            c.maxTokens = 16;
            // the BERT sets the text encoder's sizes; d and the shared heads stay the preset's
            assertEquals(32, c.textWidth());
            assertEquals(4, c.textHeads());
            assertEquals(64, c.textIntermediate());
            assertEquals(2, c.textLayers);
            assertEquals(d, c.hiddenSize);
            assertEquals(4 * d, c.intermediateSize);
            assertEquals(d != 32, c.textProjected());
            try (TacoModel model = new TacoModel(c, manager, 1); TacoModel fresh = new TacoModel(c, manager, 1)) {
                model.loadPretrainedText(dir);
                assertEquals(d != 32, model.weights().names().contains("text.proj.weight"));
                if (c.textProjected()) {
                    // not in a BERT: the projection keeps its initial weights
                    assertArrayEquals(fresh.weights().get("text.proj.weight").toFloatArray(),
                            model.weights().get("text.proj.weight").toFloatArray());
                    assertEquals(new Shape(d, 32), model.weights().get("text.proj.weight").getShape());
                }
                for (JsonNode cs : cases) {
                    if (!cs.get("checkpoint").asText().equals(checkpoint)) {
                        continue;
                    }
                    int n = cs.get("input_ids").size();
                    long[] ids = new long[n];
                    float[] mask = new float[n];
                    for (int i = 0; i < n; i++) {
                        ids[i] = cs.get("input_ids").get(i).asLong();
                        mask[i] = (float) cs.get("attention_mask").get(i).asDouble();
                    }
                    try (NDManager batch = manager.newSubManager()) {
                        NDArray idArr = batch.create(ids, new Shape(1, n));
                        NDArray maskArr = batch.create(mask, new Shape(1, n));
                        NDArray h = model.textHiddenStates(idArr, maskArr);
                        NDArray y = model.encodeText(idArr, maskArr);
                        assertEquals(new Shape(1, n, 32), h.getShape());
                        assertEquals(new Shape(1, n, d), y.getShape());
                        float[] out = h.toFloatArray();
                        JsonNode expected = cs.get("last_hidden_state");
                        for (int t = 0; t < n; t++) {
                            if (mask[t] == 0) {
                                continue; // padded rows are not meaningful
                            }
                            for (int k = 0; k < 32; k++) {
                                double e = expected.get(t).get(k).asDouble();
                                assertEquals(e, out[t * 32 + k], 1e-4, checkpoint + " token " + t + " dim " + k);
                                compared++;
                            }
                        }
                        float[] ys = y.toFloatArray();
                        if (!c.textProjected()) {
                            assertArrayEquals(out, ys, 0f, "without a projection y is the BERT's output itself");
                        } else {
                            // y = h·Wᵀ + b for every token, computed here on the Java side
                            float[] w = model.weights().get("text.proj.weight").toFloatArray();
                            float[] b = model.weights().get("text.proj.bias").toFloatArray();
                            for (int t = 0; t < n; t++) {
                                for (int j = 0; j < d; j++) {
                                    double s = b[j];
                                    for (int k = 0; k < 32; k++) {
                                        s += (double) w[j * 32 + k] * out[t * 32 + k];
                                    }
                                    assertEquals(s, ys[t * d + j], 1e-4, "projected token " + t + " dim " + j);
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(compared > 0, "no case for checkpoint " + checkpoint);
    }
}
