package io.github.taco.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@code --resume} may change. The checkpoint fixes the model (every {@code model.} setting) and
 * the optimisation (batch, seed, learning rates, schedule, decay, clipping). A resumed run that gives
 * one of them another value is refused, naming each. Only {@link #CHANGEABLE} settings may differ on
 * purpose: more steps, another checkpoint interval, another fusion chunk. They are listed. Settings
 * not given keep the checkpoint's values (not the preset's).
 */
final class ResumeCheck {
    /** Train settings a resumed run may change. */
    static final Set<String> CHANGEABLE = Set.of("train.steps", "train.checkpointEvery", "train.fusionChunk");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResumeCheck() {}

    /**
     * @return the changed settings, as "steps 300 → 600"
     * @throws IOException naming every conflicting setting
     */
    static List<String> check(Path ckpt, TrainingRun.Spec spec) throws IOException {
        JsonNode savedModel = JSON.valueToTree(TacoConfig.read(ckpt.resolve(TacoModel.CONFIG_FILE)));
        JsonNode savedTrain = savedOptions(ckpt);
        JsonNode givenModel = JSON.valueToTree(spec.model);
        JsonNode givenTrain = JSON.valueToTree(spec.train);
        List<String> conflicts = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        for (String key : spec.given) {
            boolean model = key.startsWith("model.");
            String field = key.substring(key.indexOf('.') + 1);
            JsonNode saved = (model ? savedModel : savedTrain).get(field);
            JsonNode now = (model ? givenModel : givenTrain).get(field);
            if (saved == null || now == null || same(saved, now)) {
                continue;
            }
            if (CHANGEABLE.contains(key)) {
                changes.add(field + " " + saved + " → " + now);
            } else {
                conflicts.add(field + " (" + saved + " in the checkpoint, " + now + " given)");
            }
        }
        if (!conflicts.isEmpty()) {
            throw new IOException("--resume: the checkpoint in " + ckpt + " fixes " + String.join(", ", conflicts)
                    + ". Leave them out to continue that run (only " + String.join(", ", CHANGEABLE.stream()
                            .map(k -> k.substring(6)).sorted().toList())
                            + " may change), or train a new run into another --out.");
        }
        return changes;
    }

    /** The checkpoint's optimisation settings with the given changeable ones applied: what the resumed run uses. */
    static TrainOptions resumedOptions(Path ckpt, TrainingRun.Spec spec) throws IOException {
        ObjectNode saved = (ObjectNode) savedOptions(ckpt).deepCopy();
        JsonNode given = JSON.valueToTree(spec.train);
        for (String key : spec.given) {
            if (CHANGEABLE.contains(key) && given.has(key.substring(6))) {
                saved.set(key.substring(6), given.get(key.substring(6)));
            }
        }
        return JSON.treeToValue(saved, TrainOptions.class);
    }

    private static JsonNode savedOptions(Path ckpt) throws IOException {
        JsonNode state = JSON.readTree(ckpt.resolve(Trainer.STATE_FILE).toFile());
        if (state == null || !state.has("options")) {
            throw new IOException(ckpt.resolve(Trainer.STATE_FILE) + " has no saved options: it cannot be resumed");
        }
        return state.get("options");
    }

    private static boolean same(JsonNode a, JsonNode b) {
        return a.isNumber() && b.isNumber() ? a.asDouble() == b.asDouble() : a.equals(b);
    }
}
