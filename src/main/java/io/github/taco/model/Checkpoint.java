package io.github.taco.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.taco.text.Idf;
import io.github.taco.text.TextPipeline;
import io.github.taco.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained checkpoint ready for inference: the model in evaluation mode and the text pipeline
 * that tokenizes and weighs captions exactly as training did (the checkpoint's vocabulary, tag set,
 * maximum length and training IDF).
 */
public final class Checkpoint implements AutoCloseable {
    public static final String VOCAB_FILE = WordPieceTokenizer.VOCAB_FILE;
    public static final String TOKENIZER_FILE = WordPieceTokenizer.JSON_FILE;
    public static final String IDF_FILE = "idf.json";
    private final Path dir;
    private final NDManager manager;
    private final TacoModel model;
    private final TextPipeline text;

    private Checkpoint(Path dir, NDManager manager, TacoModel model, TextPipeline text) {
        this.dir = dir;
        this.manager = manager;
        this.model = model;
        this.text = text;
    }

    /**
     * Opens a checkpoint folder written by training ({@code config.json}, {@code model.safetensors},
     * {@code vocab.txt} or {@code tokenizer.json}, {@code idf.json}). A folder without a vocabulary
     * falls back to the default BERT vocabulary; without {@code idf.json}, to uniform weights.
     */
    public static Checkpoint open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("checkpoint folder not found: " + dir);
        }
        NDManager manager = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
        TacoModel model = null;
        try {
            model = TacoModel.load(dir, manager);
            TacoConfig c = model.config();
            Path tokenizer = WordPieceTokenizer.fileIn(dir) != null ? dir : TextPipeline.defaultVocabulary();
            Idf idf = Files.exists(dir.resolve(IDF_FILE)) ? Idf.load(dir.resolve(IDF_FILE)) : Idf.uniform();
            TextPipeline text = TextPipeline.builder().tokenizer(tokenizer).maxLength(c.maxTokens)
                    .tagSet(c.tagSet).idf(idf).build();
            if (text.tokenizer().vocabularySize() > c.vocabSize) {
                text.close();
                throw new IOException(dir + ": the vocabulary has " + text.tokenizer().vocabularySize()
                        + " entries but the model only " + c.vocabSize);
            }
            return new Checkpoint(dir, manager, model, text);
        } catch (IOException | RuntimeException e) {
            if (model != null) model.close();
            manager.close();
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    public TacoModel model() {
        return model;
    }

    public TextPipeline text() {
        return text;
    }

    public TacoConfig config() {
        return model.config();
    }

    @Override
    public void close() {
        text.close();
        model.close();
        manager.close();
    }
}
