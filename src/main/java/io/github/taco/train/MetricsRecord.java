package io.github.taco.train;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lines of {@code metrics.jsonl} ({@link MetricsLog}): one record per kind of line, written by Jackson with its
 * fields in declaration order. Absent values (null, and losses that are NaN because the term is off) are left out.
 */
public sealed interface MetricsRecord {

    /** The first line of a fresh run: what the data check found, for whoever reads the log later. */
    record Header(boolean header, @JsonProperty("train_clips") int trainClips,
            @JsonProperty("validation_clips") int validationClips,
            @JsonProperty("segment_repairs") long segmentRepairs,
            @JsonProperty("clips_left_out") int clipsLeftOut,
            @JsonProperty("captions_cut_to_max_tokens") int captionsCut) implements MetricsRecord {
        public Header(int trainClips, int validationClips, long segmentRepairs, int clipsLeftOut, int captionsCut) {
            this(true, trainClips, validationClips, segmentRepairs, clipsLeftOut, captionsCut);
        }
    }

    /**
     * A logged step: the losses (L = L1 + λ·L2 + L3 and its terms), the learning rate, the mean pre-clipping gradient
     * norm since the last line and the share of those steps that were clipped, and the validator's metrics (prefixed
     * {@code val_}) when it ran at this step.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Step(long step, Double loss, Double l1, Double l2, Double l3, Double lr, Boolean skipped,
            @JsonProperty("grad_norm") Double gradNorm, Double clipped,
            @JsonAnyGetter Map<String, Double> validation) implements MetricsRecord {
        public Step {
            loss = finite(loss);
            l1 = finite(l1);
            l2 = finite(l2);
            l3 = finite(l3);
            lr = finite(lr);
            gradNorm = finite(gradNorm);
            clipped = finite(clipped);
            Map<String, Double> v = new LinkedHashMap<>();
            if (validation != null) {
                validation.forEach((k, x) -> {
                    if (finite(x) != null) v.put("val_" + k, x);
                });
            }
            validation = v;
        }
    }

    /** The step whose loss or gradient was not finite: the run stops there. */
    record Error(long step, String error) implements MetricsRecord {}

    /** The gate of {@code train.l3StartAccuracy} opened: L3 is in the objective from step {@code l3From}. */
    record L3Gate(long step, @JsonProperty("l3_from") long l3From) implements MetricsRecord {}

    /** The gate of {@code train.l2StartAccuracy} opened: L2 is in the objective from step {@code l2From}. */
    record L2Gate(long step, @JsonProperty("l2_from") long l2From) implements MetricsRecord {}

    /** The stall detector's finding ({@link StallDetector.Stall}); the curves mark it. */
    record Stall(long step, String stall, long since, String losses, String message) implements MetricsRecord {}

    /** The cascade's weights were chosen at {@code step}, and the held-out clips rejoined training. */
    record Calibration(long step, String calibration, @JsonProperty("rejoined_clips") int rejoinedClips)
            implements MetricsRecord {}

    private static Double finite(Double x) {
        return x == null || !Double.isFinite(x) ? null : x;
    }
}
