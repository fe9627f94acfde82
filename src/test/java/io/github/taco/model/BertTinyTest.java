package io.github.taco.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text encoder loads a Hugging Face BertModel checkpoint and reproduces its reference outputs. */
class BertTinyTest {

    @ParameterizedTest
    @ValueSource(strings = {"original", "perturbed"})
    void reproducesExpectedHiddenStates(String checkpoint) throws Exception {
        Path root = SharedData.file("bert-tiny");
        Path dir = checkpoint.equals("original") ? root : root.resolve("perturbed");
        JsonNode cases = new ObjectMapper().readTree(root.resolve("EXPECTED.json").toFile()).get("cases");
        int compared = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            TacoConfig c = TacoModel.bertSizes(root, TacoConfig.cpu(8));
            c.maxTokens = 16;
            try (TacoModel model = new TacoModel(c, manager, 1)) {
                model.loadPretrainedText(dir);
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
                        NDArray y = model.encodeText(batch.create(ids, new Shape(1, n)), batch.create(mask, new Shape(1, n)));
                        float[] out = y.toFloatArray();
                        int d = c.hiddenSize;
                        JsonNode expected = cs.get("last_hidden_state");
                        for (int t = 0; t < n; t++) {
                            if (mask[t] == 0) {
                                continue; // padded rows are not meaningful
                            }
                            for (int k = 0; k < d; k++) {
                                double e = expected.get(t).get(k).asDouble();
                                assertEquals(e, out[t * d + k], 1e-4, checkpoint + " token " + t + " dim " + k);
                                compared++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(compared > 0, "no case for checkpoint " + checkpoint);
    }
}
