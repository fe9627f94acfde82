package io.github.taco.index;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.taco.data.Clip;
import io.github.taco.data.Datasets;
import io.github.taco.data.Split;
import io.github.taco.features.FeatureStore;
import io.github.taco.features.FeatureStores;
import io.github.taco.features.Npy;
import io.github.taco.model.Checkpoint;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.text.TextPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** A tiny random-init checkpoint, random .npy features and YouCook2-style annotations, for index and server tests. */
public final class TestIndexes {
    public static final int FEATURE_DIM = 8;
    public static final String[] CAPTIONS = {
        "add the chopped onion to the pan", "stir the sauce with a spoon", "cut the tomatoes into slices",
        "pour the water into the pot", "fry the chicken in oil", "sprinkle salt on the salad",
        "mix the flour and the eggs", "boil the pasta for ten minutes", "grill the bread on the pan",
        "peel the potatoes and wash them", "whisk the cream until thick", "serve the soup in a bowl"};

    private TestIndexes() {}

    /** The tiny model of the tests: d=16, 2 heads, one layer per module, 16 frames, 16 tokens. */
    public static TacoConfig tinyConfig(String similarity) {
        TacoConfig c = new TacoConfig();
        c.hiddenSize = 16;
        c.numAttentionHeads = 2;
        c.intermediateSize = 32;
        c.textLayers = 1;
        c.videoLayers = 1;
        c.fusionLayers = 1;
        c.maxTextPositions = 32;
        c.maxTokens = 16;
        c.maxFrames = 16;
        c.featureDim = FEATURE_DIM;
        c.dropout = 0;
        c.initializerRange = 0.5; // large enough that scores differ visibly
        c.similarity = Similarity.parse(similarity);
        c.temperature = 0.1;
        return c;
    }

    /** Writes a checkpoint folder (config, weights, BERT vocabulary) of a random model. */
    public static Path checkpoint(Path dir, String similarity, long seed) throws IOException {
        TacoConfig c = tinyConfig(similarity);
        Path vocab = TextPipeline.defaultVocabulary();
        c.vocabSize = (int) Files.lines(vocab).count();
        try (NDManager root = NDManager.newBaseManager(); TacoModel m = new TacoModel(c, root, seed)) {
            m.save(dir);
        }
        Files.copy(vocab, dir.resolve(Checkpoint.VOCAB_FILE));
        return dir;
    }

    /**
     * Random features for {@code videos} videos (v0, v1, ...; 20–39 frames at 1 fps) and an
     * annotation file with {@code clipsPerVideo} validation clips each.
     */
    public static Path data(Path dir, int videos, int clipsPerVideo, long seed) throws IOException {
        Path feats = Files.createDirectories(dir.resolve("features"));
        Random r = new Random(seed);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode db = root.putObject("database");
        int caption = 0;
        for (int v = 0; v < videos; v++) {
            int frames = 20 + r.nextInt(20);
            writeFeatures(feats, "v" + v, frames, FEATURE_DIM, r);
            ObjectNode video = db.putObject("v" + v);
            video.put("duration", (double) frames);
            video.put("subset", "validation");
            ArrayNode anns = video.putArray("annotations");
            for (int k = 0; k < clipsPerVideo; k++) {
                ObjectNode a = anns.addObject();
                int start = k * frames / clipsPerVideo;
                int end = Math.min(frames - 1, start + 3 + r.nextInt(Math.max(1, frames / clipsPerVideo)));
                a.putArray("segment").add(start).add(end);
                a.put("id", k);
                a.put("sentence", CAPTIONS[caption++ % CAPTIONS.length]);
            }
        }
        Path ann = dir.resolve("youcookii_annotations_trainval.json");
        json.writeValue(ann.toFile(), root);
        return dir;
    }

    public static void writeFeatures(Path featureDir, String videoId, int frames, int dim, Random r)
            throws IOException {
        float[] f = new float[frames * dim];
        for (int i = 0; i < f.length; i++) f[i] = (float) r.nextGaussian();
        Npy.writeFloat32(featureDir.resolve(videoId + ".npy"), frames, dim, f);
    }

    public static List<Clip> clips(Path dataDir) throws IOException {
        return Datasets.read("youcook2", dataDir.resolve("youcookii_annotations_trainval.json"))
                .clips(Split.VALIDATION);
    }

    public static FeatureStore features(Path dataDir) throws IOException {
        return FeatureStores.open(dataDir.resolve("features"), 1.0);
    }

    /** Builds an index of every clip of {@code dataDir} with the checkpoint. */
    public static Indexer.Report build(Path indexDir, Checkpoint ckpt, Path dataDir, FrameStore.Encoding enc)
            throws IOException {
        try (FeatureStore fs = features(dataDir)) {
            return Indexer.build(indexDir, ckpt, fs, dataDir.resolve("features"), clips(dataDir),
                    new Indexer.Options(4, 10, enc, 16, 100), null);
        }
    }
}
