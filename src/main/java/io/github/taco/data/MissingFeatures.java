package io.github.taco.data;

import io.github.taco.features.FeatureException;
import io.github.taco.features.FeatureStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks up front which clips have features, so batches stay full under {@link MissingPolicy#SKIP}
 * and a run under {@link MissingPolicy#FAIL} stops before training rather than hours in.
 *
 * @param kept          clips whose video is in the store
 * @param skippedClips  clips left out
 * @param missingVideos video ids without features, in first-seen order
 */
public record MissingFeatures(List<Clip> kept, int skippedClips, List<String> missingVideos) {

    /**
     * @throws FeatureException under FAIL when a video is missing; names the first missing video and the count
     */
    public static MissingFeatures filter(List<Clip> clips, FeatureStore store, MissingPolicy policy)
            throws FeatureException {
        List<Clip> kept = new ArrayList<>(clips.size());
        Set<String> missing = new LinkedHashSet<>();
        for (Clip c : clips) {
            if (missing.contains(c.videoId()) || !store.contains(c.videoId())) {
                missing.add(c.videoId());
            } else {
                kept.add(c);
            }
        }
        if (!missing.isEmpty() && policy == MissingPolicy.FAIL) {
            String first = missing.iterator().next();
            throw new FeatureException(FeatureException.Kind.MISSING, first, store,
                    missing.size() + " video(s) have no features (first: " + first
                            + "); use --on-missing skip to leave them out");
        }
        return new MissingFeatures(kept, clips.size() - kept.size(), List.copyOf(missing));
    }

    @Override
    public String toString() {
        return skippedClips + " clips of " + missingVideos.size() + " videos skipped: no features"
                + (missingVideos.isEmpty() ? "" : " (e.g. "
                        + String.join(", ", missingVideos.subList(0, Math.min(5, missingVideos.size()))) + ")");
    }

}
