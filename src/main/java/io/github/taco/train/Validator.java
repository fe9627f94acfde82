package io.github.taco.train;

import io.github.taco.data.Batch;
import io.github.taco.model.TacoModel;
import java.util.List;
import java.util.Map;

/**
 * Periodic validation during training: metrics by name (logged as {@code val_<name>}) for the
 * model on fixed validation batches. The retrieval evaluator provides one; training does not
 * depend on evaluation code.
 */
@FunctionalInterface
public interface Validator {
    Map<String, Double> validate(TacoModel model, List<Batch> validationBatches);
}
