package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.SharedData;
import io.github.taco.data.Split;
import io.github.taco.model.PretrainedText;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Masked-LM pre-training of the text encoder on real YouCook2 captions, and the BERT folder it writes. */
class TextPretrainingTest {
    static final int MASK = 103;
    static final int VOCAB = 30522;

    @Test
    void maskingFollowsBert() {
        Random r = new Random(5);
        int[][] captions = new int[400][];
        for (int i = 0; i < captions.length; i++) {
            int len = 3 + r.nextInt(20); // [CLS] w… [SEP], at least one word
            captions[i] = new int[len];
            captions[i][0] = 101;
            captions[i][len - 1] = 102;
            for (int t = 1; t < len - 1; t++) {
                captions[i][t] = 2000 + r.nextInt(5000);
            }
        }
        TextPretraining.Masked m = TextPretraining.mask(captions, 0.15, MASK, VOCAB, new Random(1));
        int n = m.length();
        long words = Arrays.stream(captions).mapToLong(c -> c.length - 2).sum();
        Set<Integer> captionsWithMask = new HashSet<>();
        int masked = 0, kept = 0, replaced = 0;
        for (int k = 0; k < m.positions().length; k++) {
            int b = (int) (m.positions()[k] / n), t = (int) (m.positions()[k] % n);
            assertTrue(t >= 1 && t < captions[b].length - 1,
                    "never [CLS], [SEP] or padding: position " + t + " of a caption of " + captions[b].length);
            assertEquals(captions[b][t], m.labels()[k], "the label is the original piece");
            captionsWithMask.add(b);
            long in = m.inputIds()[(int) m.positions()[k]];
            if (in == MASK) masked++;
            else if (in == captions[b][t]) kept++;
            else replaced++;
        }
        assertEquals(captions.length, captionsWithMask.size(), "every caption has a predicted piece");
        double rate = (double) m.positions().length / words;
        assertTrue(rate > 0.13 && rate < 0.19, "about 15 % of the pieces are predicted, got " + rate);
        double total = m.positions().length;
        assertTrue(masked / total > 0.74 && masked / total < 0.86, "80 % [MASK], got " + masked / total);
        assertTrue(kept / total > 0.05 && replaced / total > 0.05,
                "10 % kept, 10 % random: " + kept + " / " + replaced);
        // Unpredicted pieces and padding are untouched; padding is not attended.
        for (int b = 0; b < captions.length; b++) {
            for (int t = captions[b].length; t < n; t++) {
                assertEquals(0, m.inputIds()[b * n + t]);
                assertEquals(0f, m.attention()[b * n + t]);
            }
        }
    }

    @Test
    void learnsFromCaptionsAndWritesALoadableBertFolder(@TempDir Path dir) throws Exception {
        TextPretraining.Spec spec = new TextPretraining.Spec();
        spec.annotations = SharedData.dir().resolve("youcook2/youcookii_annotations_trainval.json");
        spec.outDir = dir.resolve("mlm");
        spec.heldOutCaptions = 300;
        TacoConfig c = TacoConfig.cpu(1);
        c.hiddenSize = 32;
        c.numAttentionHeads = 2;
        c.intermediateSize = 64;
        c.textLayers = 2;
        c.maxTokens = 24;
        spec.model = c;
        spec.train.steps = 120;
        spec.train.batchSize = 32;
        spec.train.learningRate = 3e-3;
        spec.train.warmupSteps = 10;
        spec.logEvery = 1000;
        TextPretraining.Result r = TextPretraining.run(spec);

        // Before training the head is near-uniform over the vocabulary (ln 30522 = 10.3); after 120
        // steps it has at least learnt which pieces cooking captions use.
        assertTrue(r.before().loss() > 9.5, "untrained loss " + r.before().loss());
        assertTrue(r.after().loss() < r.before().loss() - 3,
                "held-out loss " + r.before().loss() + " -> " + r.after().loss());
        assertTrue(r.after().accuracy() > 0.05, "held-out accuracy (chance: 1 in 30522) " + r.after().accuracy());
        assertTrue(r.captions() > 5000, "the YouCook2 training captions: " + r.captions());

        // The folder is a Hugging Face BertForMaskedLM: bert.* encoder, cls.* head, config, vocabulary.
        Path out = spec.outDir;
        assertTrue(Files.isRegularFile(out.resolve("vocab.txt")));
        JsonNode cfg = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals(32, cfg.get("hidden_size").asInt());
        assertEquals(2, cfg.get("num_hidden_layers").asInt());
        assertEquals(VOCAB, cfg.get("vocab_size").asInt());
        try (NDManager m = NDManager.newBaseManager();
                InputStream in = Files.newInputStream(out.resolve("model.safetensors"))) {
            NDList tensors = NDList.decode(m, in);
            Set<String> names = new HashSet<>();
            for (NDArray a : tensors) names.add(a.getName());
            assertTrue(names.contains("bert.embeddings.word_embeddings.weight"), names.toString());
            assertTrue(names.contains("bert.encoder.layer.1.output.LayerNorm.weight"), names.toString());
            assertTrue(names.contains("cls.predictions.transform.dense.weight"), names.toString());
            assertTrue(names.stream().noneMatch(s -> s.startsWith("video.") || s.startsWith("fusion.")
                    || s.startsWith("text.")), names.toString());

            // taco train --bert: a model whose text encoder has the folder's sizes (d stays the preset's 128,
            // reached by a projection) loads it, and its text encoder holds the trained weights.
            TacoConfig sized = PretrainedText.sizes(out, TacoConfig.cpu(8));
            assertEquals(32, sized.textWidth());
            assertEquals(128, sized.hiddenSize);
            assertEquals(2, sized.textLayers);
            try (TacoModel model = new TacoModel(sized, m, 7)) {
                float[] fresh = model.weights().get("text.embeddings.word_embeddings.weight").toFloatArray();
                model.loadPretrainedText(out);
                float[] loaded = model.weights().get("text.embeddings.word_embeddings.weight").toFloatArray();
                assertArrayEquals(tensors.get("bert.embeddings.word_embeddings.weight").toFloatArray(), loaded);
                assertNotEquals(Arrays.hashCode(fresh), Arrays.hashCode(loaded));
            }
        }
    }

    @Test
    void pretrainsATextEncoderWiderThanDAtItsOwnWidth(@TempDir Path dir) throws Exception {
        TextPretraining.Spec spec = new TextPretraining.Spec();
        spec.annotations = SharedData.dir().resolve("youcook2/youcookii_annotations_trainval.json");
        spec.outDir = dir.resolve("mlm");
        spec.heldOutSplit = null;
        TacoConfig c = TacoConfig.cpu(1);
        c.hiddenSize = 16;
        c.numAttentionHeads = 2;
        c.intermediateSize = 32;
        c.textHiddenSize = 24; // the model has text.proj 24 → 16; the masked-LM head reads the 24-wide states
        c.textAttentionHeads = 3;
        c.textIntermediateSize = 48;
        c.textLayers = 1;
        c.maxTokens = 16;
        spec.model = c;
        spec.train.steps = 3;
        spec.train.batchSize = 8;
        spec.logEvery = 1000;
        TextPretraining.Result r = TextPretraining.run(spec);
        assertTrue(Double.isFinite(r.lastLoss()), "loss " + r.lastLoss());

        Path out = spec.outDir;
        JsonNode cfg = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals(24, cfg.get("hidden_size").asInt());
        assertEquals(3, cfg.get("num_attention_heads").asInt());
        assertEquals(48, cfg.get("intermediate_size").asInt());
        try (NDManager m = NDManager.newBaseManager();
                InputStream in = Files.newInputStream(out.resolve("model.safetensors"))) {
            NDList tensors = NDList.decode(m, in);
            Set<String> names = new HashSet<>();
            for (NDArray a : tensors) names.add(a.getName());
            assertTrue(names.stream().noneMatch(s -> s.contains("proj")),
                    "a BERT folder has no projection to d: " + names);
            assertEquals(new Shape(24, 24), tensors.get("cls.predictions.transform.dense.weight").getShape());
            assertEquals(new Shape(VOCAB, 24), tensors.get("bert.embeddings.word_embeddings.weight").getShape());
            // and it loads as the text encoder of a model of another d
            TacoConfig sized = PretrainedText.sizes(out, TacoConfig.cpu(8));
            assertEquals(24, sized.textWidth());
            assertEquals(3, sized.textHeads());
            try (TacoModel model = new TacoModel(sized, m, 7)) {
                model.loadPretrainedText(out);
                assertArrayEquals(tensors.get("bert.encoder.layer.0.output.dense.weight").toFloatArray(),
                        model.weights().get("text.encoder.layer.0.output.dense.weight").toFloatArray());
            }
        }
    }

    @Test
    void refusesBadSettingsAndEmptySplits(@TempDir Path dir) throws Exception {
        TextPretraining.Spec spec = new TextPretraining.Spec();
        spec.annotations = SharedData.dir().resolve("youcook2/youcookii_annotations_trainval.json");
        spec.outDir = dir.resolve("mlm");
        spec.maskRate = 1.5;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextPretraining.run(spec));
        assertTrue(e.getMessage().contains("mask rate"), e.getMessage());
        spec.maskRate = 0.15;
        spec.splits = List.of(Split.TEST); // YouCook2 has no test split
        e = assertThrows(IllegalArgumentException.class, () -> TextPretraining.run(spec));
        assertTrue(e.getMessage().contains("no captions") && e.getMessage().contains("youcookii"), e.getMessage());
        // an empty caption is named by its clip, before anything is trained or written
        Path ann = dir.resolve("ann.json");
        Files.writeString(ann, "{\"database\": {\"v1\": {\"duration\": 10, \"subset\": \"training\", \"annotations\": ["
                + "{\"segment\": [0, 4], \"id\": 0, \"sentence\": \"cut the onion\"}, {\"segment\": [4, 8], \"id\": 1, "
                + "\"sentence\": \" \"}]}}}");
        spec.annotations = ann;
        spec.splits = List.of(Split.TRAIN);
        e = assertThrows(IllegalArgumentException.class, () -> TextPretraining.run(spec));
        assertTrue(e.getMessage().contains("ann.json") && e.getMessage().contains("v1")
                && e.getMessage().contains("empty caption"), e.getMessage());
        assertTrue(!Files.exists(spec.outDir), "nothing written");
    }
}
