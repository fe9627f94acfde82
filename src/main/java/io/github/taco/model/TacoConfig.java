package io.github.taco.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.taco.io.EnumNames;
import io.github.taco.text.TagSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every size and option needed to rebuild a TACo model (docs/method.md §1–§4). Saved as a checkpoint's
 * {@code config.json}; the field names are what a PyTorch user reads there.
 *
 * <p>Presets: {@link #paper(int)} (BERT-base sizes, docs/method.md §6) and {@link #cpu(int)} (a small model
 * that trains on two CPU cores).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class TacoConfig {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    // ---- sizes shared by the three modules (one hidden size d, as in the paper) ----
    /** d: width of every transformer layer and of the joint embedding space. */
    public int hiddenSize = 256;
    public int numAttentionHeads = 4;
    public int intermediateSize = 1024;
    public double layerNormEps = 1e-12;
    /** Dropout of embeddings, attention probabilities and layer outputs while training. */
    public double dropout = 0.1;
    /** Std of the normal initialisation of weights and embeddings (BERT's initializer_range). */
    public double initializerRange = 0.02;

    // ---- text encoder f_t ----
    public int textLayers = 4;
    /**
     * Width of the text encoder's own layers; 0 (the default) = {@link #hiddenSize}. When it differs
     * from d, {@code text.proj} maps every text token to d right after the encoder (docs/method.md §1),
     * so a pretrained BERT (e.g. 384 wide) can feed a narrower, cheaper video encoder and fusion.
     * Left out of config.json when 0, so configs without it read and write as before.
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public int textHiddenSize = 0;
    /** Attention heads of the text encoder's layers; 0 = {@link #numAttentionHeads}. */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public int textAttentionHeads = 0;
    /** Feed-forward size of the text encoder's layers; 0 = {@link #intermediateSize}. */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public int textIntermediateSize = 0;
    public int vocabSize = 30522;
    /** Rows of the text position table (512 as BERT, so a Hugging Face checkpoint loads). */
    public int maxTextPositions = 512;
    public int typeVocabSize = 2;
    /** Tokens per caption including [CLS]/[SEP] (30 for YouCook2/MSR-VTT, 256 for ActivityNet). */
    public int maxTokens = 30;

    // ---- video encoder f_v ----
    /** D: dimension of the pre-extracted frame features. */
    public int featureDim = 512;
    public int videoLayers = 1;
    /** Frames per clip (48 for YouCook2/MSR-VTT, 256 for ActivityNet). */
    public int maxFrames = 48;

    // ---- fusion f_m ----
    public int fusionLayers = 2;

    // ---- scores (docs/method.md §2) ----
    /**
     * Dot products (the paper, τ = 1) or cosine (L2-normalised vectors divided by {@link #temperature}); "dot" or
     * "cosine" in config.json.
     */
    public Similarity similarity = Similarity.DOT;
    public double temperature = 0.05;

    // ---- objective (docs/method.md §4) ----
    /** λ, the weight of the token-level loss L2. */
    public double lambda = 0.5;
    /** Loss switches for the ablations of the paper's Table 3. */
    public boolean useL1 = true;
    public boolean useL2 = true;
    public boolean useL3 = true;
    /** Also the video→text direction in L1 (averaged with text→video). */
    public boolean l1VideoToText = false;
    /** Negative selection of L3: cascade (default), random or full. */
    public Negatives negatives = Negatives.CASCADE;
    /**
     * Train the fusion on detached encoder outputs, so L3 updates only the fusion and never the text
     * or video encoder [ours, a diagnostic; the paper trains all three modules jointly, false].
     * With it, s1 and s2 learn exactly as without L3 and s3 re-scores on top.
     */
    public boolean l3Detached = false;
    /**
     * μ, the weight of L3 in L = L1 + λ·L2 + μ·L3 [ours, an experiment knob; the paper's objective
     * has μ = 1, docs/method.md §4].
     */
    public double l3Weight = 1.0;
    /**
     * Leave out of L2's softmax for token p of text i the videos j ≠ i whose caption holds the same
     * token [ours, an experiment knob; the paper does not, false].
     */
    public boolean l2MaskSharedTokens = false;
    /**
     * Which encoder L2's gradient does not reach: none (the paper), text or video [ours, a
     * diagnostic, as {@link #l3Detached}: which encoder the token loss costs].
     */
    public L2Detach l2DetachedFrom = L2Detach.NONE;
    /** K', the number of hard negatives per anchor in L3 (capped at K−1). */
    public int kPrime = 8;
    /** Tokens of interest (docs/method.md §3): none, noun, verb, noun+verb, det+adp, all. */
    public TagSet tagSet = TagSet.NOUN_VERB;

    // ---- inference (docs/method.md §5) ----
    public double weightS1 = 1.0;
    public double weightS2 = 0.5;
    public double weightS3 = 1.0;

    /** Which encoder L2's gradient does not reach ({@link #l2DetachedFrom}). */
    public enum L2Detach {
        NONE, TEXT, VIDEO;

        /** The name in config files: none, text or video. */
        @JsonValue
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** none, text or video (any case); anything else is an error naming them. */
        @JsonCreator
        public static L2Detach parse(String s) {
            return EnumNames.parse(L2Detach.class, s, "l2DetachedFrom");
        }

        @Override
        public String toString() {
            return configName();
        }
    }

    public TacoConfig() {}

    /** BERT-base sizes (docs/method.md §1, §6): d=768, 12 heads, 12 text layers, 1 video layer, 2 fusion layers. */
    public static TacoConfig paper(int featureDim) {
        TacoConfig c = new TacoConfig();
        c.hiddenSize = 768;
        c.numAttentionHeads = 12;
        c.intermediateSize = 3072;
        c.textLayers = 12;
        c.videoLayers = 1;
        c.fusionLayers = 2;
        c.featureDim = featureDim;
        return c;
    }

    /**
     * A small model that trains in minutes on two CPU cores: d=128, 4 heads, text/video/fusion
     * layers 4/1/2, K'=4, no dropout, cosine similarity with τ=0.05 (at this scale plain dot products need many
     * more steps to leave chance, docs/method.md §10; measured here in the README's ablation).
     */
    public static TacoConfig cpu(int featureDim) {
        TacoConfig c = new TacoConfig();
        c.hiddenSize = 128;
        c.numAttentionHeads = 4;
        c.intermediateSize = 512;
        c.kPrime = 4;
        c.similarity = Similarity.COSINE;
        c.temperature = 0.05;
        // No dropout at this budget: it cost L1 and TACo 10-13 R@1 in 300 steps (docs/ablation-youcook2.md);
        // the paper preset keeps BERT's 0.1 for its long runs.
        c.dropout = 0;
        c.featureDim = featureDim;
        return c;
    }

    /**
     * Refuses a temperature given for a similarity that does not use it (τ scales cosine scores only,
     * docs/method.md §2): it would be silently ignored.
     */
    public static void checkTemperatureApplies(Double temperature, Similarity similarity) {
        if (temperature != null && similarity != Similarity.COSINE) {
            throw new IllegalArgumentException("--temperature applies to cosine similarity only; this run uses '"
                    + similarity.configName() + "' (add --similarity cosine)");
        }
    }

    /**
     * Sets the loss switches from an ablation name of the paper's Table 3: "L1", "L3", "L1+L3",
     * "L1+L2", "L1+L2+L3" (the order of terms does not matter).
     */
    public TacoConfig losses(String spec) {
        Set<String> terms = new HashSet<>();
        for (String t : spec.toUpperCase(Locale.ROOT).split("\\+")) {
            String term = t.trim();
            if (!term.matches("L[123]")) {
                throw new IllegalArgumentException("--losses: unknown term '" + t + "' in '" + spec
                        + "' (use L1, L2, L3 joined by +)");
            }
            terms.add(term);
        }
        useL1 = terms.contains("L1");
        useL2 = terms.contains("L2");
        useL3 = terms.contains("L3");
        return this;
    }

    /** The loss switches as "L1+L2+L3". */
    public String lossesName() {
        List<String> t = new ArrayList<>();
        if (useL1) t.add("L1");
        if (useL2) t.add("L2");
        if (useL3) t.add("L3");
        return String.join("+", t);
    }

    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    /** The text encoder's width: {@link #textHiddenSize}, or d when that is 0. */
    public int textWidth() {
        return textHiddenSize > 0 ? textHiddenSize : hiddenSize;
    }

    /** The text encoder's attention heads: {@link #textAttentionHeads}, or the shared count when that is 0. */
    public int textHeads() {
        return textAttentionHeads > 0 ? textAttentionHeads : numAttentionHeads;
    }

    /** The text encoder's feed-forward size: {@link #textIntermediateSize}, or the shared size when that is 0. */
    public int textIntermediate() {
        return textIntermediateSize > 0 ? textIntermediateSize : intermediateSize;
    }

    /** True when the text encoder is wider (or narrower) than d, so {@code text.proj} maps its tokens to d. */
    public boolean textProjected() {
        return textWidth() != hiddenSize;
    }

    public boolean cosine() {
        return similarity == Similarity.COSINE;
    }

    /** Rows of the fusion position table: the text tokens followed by the frames. */
    public int fusionPositions() {
        return maxTokens + maxFrames;
    }

    /** Throws an IllegalArgumentException naming the first field that cannot build a model. */
    public TacoConfig validate() {
        positive("hiddenSize", hiddenSize);
        positive("numAttentionHeads", numAttentionHeads);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hiddenSize (" + hiddenSize
                    + ") must be a multiple of numAttentionHeads (" + numAttentionHeads + ")");
        }
        positive("intermediateSize", intermediateSize);
        notNegative("textHiddenSize", textHiddenSize);
        notNegative("textAttentionHeads", textAttentionHeads);
        notNegative("textIntermediateSize", textIntermediateSize);
        if (textWidth() % textHeads() != 0) {
            throw new IllegalArgumentException((textHiddenSize > 0 ? "textHiddenSize" : "hiddenSize") + " ("
                    + textWidth() + ") must be a multiple of "
                    + (textAttentionHeads > 0 ? "textAttentionHeads" : "numAttentionHeads") + " ("
                    + textHeads() + "): the text encoder's layers split their width among its heads");
        }
        positive("vocabSize", vocabSize);
        positive("featureDim", featureDim);
        positive("maxFrames", maxFrames);
        positive("maxTokens", maxTokens);
        positive("kPrime", kPrime);
        if (textLayers < 0 || videoLayers < 0 || fusionLayers < 0) {
            throw new IllegalArgumentException("layer counts must be >= 0");
        }
        if (maxTokens > maxTextPositions) {
            throw new IllegalArgumentException("maxTokens (" + maxTokens + ") exceeds maxTextPositions ("
                    + maxTextPositions + ")");
        }
        required("similarity", similarity);
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        required("negatives", negatives);
        required("tagSet", tagSet);
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be a finite number >= 0, got " + lambda);
        }
        if (!(l3Weight >= 0) || Double.isInfinite(l3Weight)) {
            throw new IllegalArgumentException("l3Weight must be a finite number >= 0, got " + l3Weight);
        }
        required("l2DetachedFrom", l2DetachedFrom);
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!useL1 && !useL2 && !useL3) {
            throw new IllegalArgumentException("at least one of useL1, useL2, useL3 must be true");
        }
        return this;
    }

    private static void required(String field, Object v) {
        if (v == null) {
            throw new IllegalArgumentException(field + " must be set");
        }
    }

    private static void notNegative(String field, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(field + " must be >= 0 (0: the same as the shared size), got " + v);
        }
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, got " + v);
        }
    }

    public TacoConfig copy() {
        return JSON.convertValue(this, TacoConfig.class);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TacoConfig fromJson(String json) throws IOException {
        return JSON.readValue(json, TacoConfig.class).validate();
    }

    public static TacoConfig read(Path file) throws IOException {
        try {
            return fromJson(Files.readString(file));
        } catch (IllegalArgumentException | IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
