package io.github.taco.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.taco.data.MissingPolicy;
import io.github.taco.data.Split;
import io.github.taco.model.TacoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * A training run's settings as a YAML file ({@code taco train --config FILE}), read into a
 * {@link TrainingRun.Spec} by the library, so that a Java caller and the command line get the same
 * validation:
 *
 * <pre>
 * preset: cpu
 * model: {useL2: true, useL3: true, negatives: cascade, kPrime: 4, dropout: 0}
 * train: {steps: 800, batchSize: 64, learningRate: 5.0e-4}
 * data: {validationClips: 1000, evalEvery: 200, onMissing: skip}
 * </pre>
 */
public final class RunConfigFile {
    private RunConfigFile() {}

    /**
     * Applies a YAML run config to {@code spec}: an optional {@code preset:} (cpu or paper) first,
     * then the keys of its {@code model:} ({@link TacoConfig}), {@code train:} ({@link TrainOptions})
     * and {@code data:} sections; each key given is recorded in {@code spec.given} (a resumed run
     * refuses to change it). Unknown sections and keys are errors naming the file and the closest
     * valid key, so a misspelt key never falls back to a default silently.
     */
    public static void apply(TrainingRun.Spec spec, Path file) throws IOException {
        JsonNode root;
        if (!Files.isRegularFile(file)) {
            throw new IOException("--config " + file + ": no such file");
        }
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        apply(spec, root, file.toString());
    }

    /**
     * Applies overrides written {@code section.key=value} (e.g. {@code model.lambda=0.1},
     * {@code train.clipNorm=0}), each value read as a YAML scalar, with the same checks as a file.
     *
     * @throws IllegalArgumentException for an override that is not {@code section.key=value}, an unknown
     *                                  key (naming the closest valid one) or a value of the wrong type
     */
    public static void applyOverrides(TrainingRun.Spec spec, List<String> overrides) {
        ObjectNode root = YAML.createObjectNode();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            int dot = o.indexOf('.');
            if (eq < 0 || dot < 0 || dot > eq || dot == 0 || dot == eq - 1) {
                throw new IllegalArgumentException("--set " + o
                        + ": expected section.key=value, e.g. model.lambda=0.1 or train.clipNorm=0");
            }
            String section = o.substring(0, dot);
            if (section.equals("preset")) {
                throw new IllegalArgumentException("--set " + o + ": the preset is not an override");
            }
            JsonNode value;
            try {
                value = o.substring(eq + 1).isBlank() ? null : YAML.readTree(o.substring(eq + 1));
            } catch (IOException e) {
                throw new IllegalArgumentException("--set " + o + ": the value is not a YAML scalar", e);
            }
            if (value == null || value.isContainerNode()) {
                throw new IllegalArgumentException("--set " + o + ": give one value (a number, true/false or a word)");
            }
            JsonNode s = root.get(section);
            if (s == null) {
                s = root.putObject(section);
            }
            if (!s.isObject()) {
                throw new IllegalArgumentException("--set " + o + ": unknown section '" + section
                        + "' (use model, train, data)");
            }
            ((ObjectNode) s).set(o.substring(dot + 1, eq), value);
        }
        try {
            apply(spec, root, "--set");
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static void apply(TrainingRun.Spec spec, JsonNode root, String file) throws IOException {
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a mapping with sections model:, train:, data:");
        }
        var it = root.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!f.equals("model") && !f.equals("train") && !f.equals("data") && !f.equals("preset")) {
                throw new IOException(file + ": unknown section '" + f + "' (use preset, model, train, data)");
            }
        }
        if (root.has("preset")) {
            Preset p = Preset.parse(root.get("preset").asText());
            spec.model = p.model(0);
            spec.train = p.train();
        }
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        // The config classes ignore unknown keys when they read checkpoints (older or newer files); a
        // user's YAML is checked here instead, so a misspelt key is an error and not a silent default.
        checkKeys(file, "model", root.path("model"), propertyNames(strict, TacoConfig.class));
        checkKeys(file, "train", root.path("train"), propertyNames(strict, TrainOptions.class));
        checkKeys(file, "data", root.path("data"),
                List.of("trainSplit", "validationSplit", "validationClips", "evalEvery", "onMissing"));
        root.path("model").fieldNames().forEachRemaining(k -> spec.given.add("model." + k));
        root.path("train").fieldNames().forEachRemaining(k -> spec.given.add("train." + k));
        try {
            if (root.has("model")) strict.readerForUpdating(spec.model)
                    .without(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES).readValue(root.get("model"));
            if (root.has("train")) strict.readerForUpdating(spec.train).readValue(root.get("train"));
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        JsonNode d = root.path("data");
        if (d.has("evalEvery")) spec.evalEvery = d.get("evalEvery").asLong();
        if (d.has("validationClips")) spec.validationClips = d.get("validationClips").asInt();
        try {
            if (d.has("onMissing")) spec.onMissing = MissingPolicy.parse(d.get("onMissing").asText());
            if (d.has("trainSplit")) spec.trainSplit = Split.parse(d.get("trainSplit").asText());
            if (d.has("validationSplit")) spec.validationSplit = Split.parse(d.get("validationSplit").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": data: " + e.getMessage(), e);
        }
    }

    /** The keys Jackson accepts for a type (its properties). */
    private static List<String> propertyNames(ObjectMapper mapper, Class<?> type) {
        var description = mapper.getDeserializationConfig().introspect(mapper.constructType(type));
        return description.findProperties().stream().filter(p -> p.hasField() || p.hasSetter()).map(p -> p.getName())
                .toList();
    }

    /** Refuses a key the section does not have, naming its section and the closest valid key. */
    private static void checkKeys(String file, String section, JsonNode node, List<String> valid) throws IOException {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new IOException(file + ": section '" + section + "' must be a mapping of keys to values");
        }
        var it = node.fieldNames();
        while (it.hasNext()) {
            String key = it.next();
            if (!valid.contains(key)) {
                String closest = valid.stream()
                        .min(Comparator.comparingInt(v -> editDistance(key.toLowerCase(Locale.ROOT),
                                v.toLowerCase(Locale.ROOT)))).orElse("?");
                throw new IOException(file + ": unknown key '" + key + "' in section '" + section + "'; did you mean '"
                        + closest + "'? (valid: " + String.join(", ", new TreeSet<>(valid)) + ")");
            }
        }
    }

    /** Levenshtein distance; a dozen lines here rather than a text library for one suggestion. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
