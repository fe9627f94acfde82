package io.github.taco.data.synth;

/**
 * Size and difficulty of the synthetic cooking benchmark. {@link #defaults()} gives about 10k clips
 * (65% training, 15% validation = test, 20% noisy narration videos) with 512-d features.
 *
 * <p>Difficulty knobs, from easiest to change:
 * <ul>
 *   <li>{@code noise}: std of per-second Gaussian noise in the latent space (concept vectors have
 *       norm ≈ 1); higher = harder for every model;</li>
 *   <li>{@code background}: norm of the per-video background vector (shared by all clips of a video,
 *       so it makes same-video negatives hard and tells nothing about the caption);</li>
 *   <li>{@code idleFraction}: expected share of seconds between steps with no action;</li>
 *   <li>{@code verbs, objects, attributes, amounts, tools, places}: how many concepts of each kind are
 *       used (capped by the built-in lexicon: 24, 40, 10, 6, 10, 8); fewer = more sharing between clips;</li>
 *   <li>{@code zipf}: skew of concept frequencies (0 = uniform); higher = common concepts recur more;</li>
 *   <li>{@code videoIngredients}: objects a video mostly cooks with (steps of a video reuse them with
 *       probability {@code ingredientReuse});</li>
 *   <li>{@code toolRate, placeRate}: chance that a step has a tool / a place (optional concepts);</li>
 *   <li>{@code synonymRate}: chance a concept is named by a synonym rather than its first name;
 *       {@code fillerRate}: chance of a filler ("now we are going to") and decorative words;</li>
 *   <li>{@code shiftRate, offTopicRate, jitterSeconds}: narration noise: caption of a neighbouring
 *       step, an off-topic sentence, and random shifts of the segment times;</li>
 *   <li>{@code nonlinearity}: std of the pre-activations of the tanh map for a typical second; 1 is
 *       mildly non-linear, 3 saturates most dimensions (harder for linear read-outs);</li>
 *   <li>{@code interaction}: how much an object's appearance depends on the verb acting on it (a
 *       chopped onion does not look like a fried one): the object vector is
 *       (1 − w)·object + w·R_verb·object with R_verb a random rotation per verb. 0 makes the
 *       features an additive (linearly decodable) code of the concepts; 1 makes the object readable
 *       only together with the verb, which favours models that fuse words and frames;</li>
 *   <li>{@code dim, latentDim}: feature dimension D and latent dimension of the concept vectors; with
 *       latentDim ≥ 124 (the number of concept vectors) they are orthonormal, otherwise random and
 *       overlapping (harder).</li>
 * </ul>
 */
public record SynthConfig(
        long seed,
        int trainVideos,
        int valVideos,
        int narrationVideos,
        int dim,
        int latentDim,
        int minSteps,
        int maxSteps,
        int minStepSeconds,
        int maxStepSeconds,
        double idleFraction,
        double noise,
        double background,
        int verbs,
        int objects,
        int attributes,
        int amounts,
        int tools,
        int places,
        double zipf,
        int videoIngredients,
        double ingredientReuse,
        double toolRate,
        double placeRate,
        double synonymRate,
        double fillerRate,
        double shiftRate,
        double offTopicRate,
        double jitterSeconds,
        double nonlinearity,
        double interaction) {

    public SynthConfig {
        if (trainVideos < 0 || valVideos < 0 || narrationVideos < 0 || trainVideos + valVideos + narrationVideos == 0) {
            throw new IllegalArgumentException("need at least one video");
        }
        if (minSteps < 1 || maxSteps < minSteps || minStepSeconds < 1 || maxStepSeconds < minStepSeconds) {
            throw new IllegalArgumentException("bad step counts or lengths");
        }
        if (dim < 1 || latentDim < 1 || latentDim > dim) {
            throw new IllegalArgumentException("need 1 <= latentDim <= dim");
        }
        if (idleFraction < 0 || idleFraction >= 1) {
            throw new IllegalArgumentException("idleFraction must be in [0, 1)");
        }
        int[] counts = {verbs, objects, attributes, amounts, tools, places};
        String[] names = {"verbs", "objects", "attributes", "amounts", "tools", "places"};
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 1) {
                throw new IllegalArgumentException(names[i] + " must be at least 1, got " + counts[i]);
            }
        }
        double[] rates = {toolRate, placeRate, synonymRate, fillerRate, shiftRate, offTopicRate, interaction,
                ingredientReuse};
        String[] rateNames = {"toolRate", "placeRate", "synonymRate", "fillerRate", "shiftRate", "offTopicRate",
                "interaction", "ingredientReuse"};
        for (int i = 0; i < rates.length; i++) {
            if (!(rates[i] >= 0 && rates[i] <= 1)) {
                throw new IllegalArgumentException(rateNames[i] + " must be in [0, 1], got " + rates[i]);
            }
        }
    }

    /**
     * About 10k clips: 1100 training, 250 validation and 350 narration videos of 4–8 steps; noise 1,
     * background 1.5, non-linearity 2, interaction 0.7. With these a ridge regression from mean clip
     * features to caption bags of words reaches R@1 ≈ 0.5 on the test split while the oracles
     * are above 0.95. An easier variant: {@code withDifficulty(0.3, 0.8, 1.0, 0.0)} (ridge ≈ 0.85).
     */
    public static SynthConfig defaults() {
        return new SynthConfig(42, 1100, 250, 350, 512, 128, 4, 8, 4, 10, 0.2, 1.0, 1.5,
                24, 40, 10, 6, 10, 8, 0.8, 4, 0.5, 0.9, 0.95, 0.5, 0.6, 0.3, 0.15, 2.0, 2.0, 0.7);
    }

    /** Total number of videos. */
    public int videos() {
        return trainVideos + valVideos + narrationVideos;
    }

    public SynthConfig withSeed(long s) {
        return new SynthConfig(s, trainVideos, valVideos, narrationVideos, dim, latentDim, minSteps, maxSteps,
                minStepSeconds, maxStepSeconds, idleFraction, noise, background, verbs, objects, attributes, amounts,
                tools, places, zipf, videoIngredients, ingredientReuse, toolRate, placeRate, synonymRate, fillerRate,
                shiftRate, offTopicRate, jitterSeconds, nonlinearity, interaction);
    }

    /** The same mix of splits (65/15/20%) for {@code total} videos. */
    public SynthConfig withVideos(int total) {
        int val = Math.max(1, (int) Math.round(total * 0.15));
        int narr = (int) Math.round(total * 0.20);
        return withVideos(Math.max(0, total - val - narr), val, narr);
    }

    public SynthConfig withVideos(int train, int val, int narration) {
        return new SynthConfig(seed, train, val, narration, dim, latentDim, minSteps, maxSteps, minStepSeconds,
                maxStepSeconds, idleFraction, noise, background, verbs, objects, attributes, amounts, tools, places,
                zipf, videoIngredients, ingredientReuse, toolRate, placeRate, synonymRate, fillerRate, shiftRate,
                offTopicRate, jitterSeconds, nonlinearity, interaction);
    }

    public SynthConfig withDim(int d) {
        return new SynthConfig(seed, trainVideos, valVideos, narrationVideos, d, Math.min(latentDim, d), minSteps,
                maxSteps, minStepSeconds, maxStepSeconds, idleFraction, noise, background, verbs, objects, attributes,
                amounts, tools, places, zipf, videoIngredients, ingredientReuse, toolRate, placeRate, synonymRate,
                fillerRate, shiftRate, offTopicRate, jitterSeconds, nonlinearity, interaction);
    }

    /** Copy with other noise, background and non-linearity (the main difficulty knobs). */
    public SynthConfig withDifficulty(double noise, double background, double nonlinearity, double interaction) {
        return new SynthConfig(seed, trainVideos, valVideos, narrationVideos, dim, latentDim, minSteps, maxSteps,
                minStepSeconds, maxStepSeconds, idleFraction, noise, background, verbs, objects, attributes, amounts,
                tools, places, zipf, videoIngredients, ingredientReuse, toolRate, placeRate, synonymRate, fillerRate,
                shiftRate, offTopicRate, jitterSeconds, nonlinearity, interaction);
    }

    public SynthConfig withNoise(double n) {
        return new SynthConfig(seed, trainVideos, valVideos, narrationVideos, dim, latentDim, minSteps, maxSteps,
                minStepSeconds, maxStepSeconds, idleFraction, n, background, verbs, objects, attributes, amounts, tools,
                places, zipf, videoIngredients, ingredientReuse, toolRate, placeRate, synonymRate, fillerRate,
                shiftRate, offTopicRate, jitterSeconds, nonlinearity, interaction);
    }
}
