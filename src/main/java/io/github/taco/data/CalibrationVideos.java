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
    /** At most this share of the training videos is held out, so that a small dataset keeps most of its videos. */
    public static final double MAX_SHARE = 0.1;
    /** Fewer held-out videos than this choose the weights by noise: then none is held out. */
    public static final int MIN_VIDEOS = 10;

    private CalibrationVideos() {}

    /**
     * How many of {@code videos} training videos are held out when {@code requested} are: at most {@link #MAX_SHARE}
     * of them, and 0 when that leaves fewer than {@link #MIN_VIDEOS} (the cascade then keeps its configured weights).
     */
    public static int count(int requested, long videos) {
        long n = Math.min(Math.max(0, requested), (long) Math.floor(videos * MAX_SHARE));
        return n < MIN_VIDEOS ? 0 : (int) n;
    }

    /** {@link #count} of the training clips' videos, ordered by a hash of their ids. */
    public static Set<String> choose(List<Clip> train, int requested) {
        List<String> videos = train.stream().map(Clip::videoId).distinct().toList();
        Set<String> out = new LinkedHashSet<>();
        videos.stream()
                .sorted(Comparator.comparing((String v) -> UUID.nameUUIDFromBytes(v.getBytes(StandardCharsets.UTF_8)))
                        .thenComparing(v -> v))
                .limit(count(requested, videos.size())).forEach(out::add);
        return out;
    }
}
