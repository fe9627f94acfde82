package io.github.taco.data;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The training videos a run holds out of training so that the inference cascade's weights can be chosen
 * on captions the model has not seen ({@code train.calibrationVideos}, [ours]). They are fixed by the
 * videos' ids, not by the seed: every seed and every row of an ablation holds out the same ones, and
 * the calibration after training finds them again from the annotations alone.
 */
public final class CalibrationVideos {
    private CalibrationVideos() {}

    /** {@code n} of the training clips' videos (all when there are fewer), ordered by a hash of their ids. */
    public static Set<String> choose(List<Clip> train, int n) {
        Set<String> out = new LinkedHashSet<>();
        train.stream().map(Clip::videoId).distinct()
                .sorted(Comparator.comparing((String v) -> UUID.nameUUIDFromBytes(v.getBytes(StandardCharsets.UTF_8))).thenComparing(v -> v))
                .limit(Math.max(0, n)).forEach(out::add);
        return out;
    }
}
