package io.github.taco.data;

import io.github.taco.text.CaptionEncoder;
import io.github.taco.text.EncodedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test stand-in for the real text pipeline: whitespace words, ids from a growing map, equal weights on words longer
 * than 3 letters.
 */
final class FakeEncoder implements CaptionEncoder {
    static final int CLS = 101;
    static final int SEP = 102;
    private final Map<String, Integer> vocab = new ConcurrentHashMap<>();

    int id(String word) {
        return vocab.computeIfAbsent(word.toLowerCase(), w -> 1000 + vocab.size());
    }

    @Override
    public EncodedText encode(String caption) {
        String[] words = caption.trim().isEmpty() ? new String[0] : caption.trim().split("\\s+");
        int n = words.length + 2;
        List<String> pieces = new ArrayList<>();
        int[] ids = new int[n];
        int[] wordIds = new int[n];
        List<String> tags = new ArrayList<>();
        boolean[] interest = new boolean[n];
        float[] weights = new float[n];
        pieces.add("[CLS]");
        tags.add("");
        ids[0] = CLS;
        wordIds[0] = -1;
        int content = 0;
        for (int i = 0; i < words.length; i++) {
            pieces.add(words[i].toLowerCase());
            ids[i + 1] = id(words[i]);
            wordIds[i + 1] = i;
            interest[i + 1] = words[i].length() > 3;
            tags.add(interest[i + 1] ? "NOUN" : "DET");
            content += interest[i + 1] ? 1 : 0;
        }
        for (int i = 1; i <= words.length; i++) {
            weights[i] = interest[i] ? 1f / content : 0f;
        }
        pieces.add("[SEP]");
        tags.add("");
        ids[n - 1] = SEP;
        wordIds[n - 1] = -1;
        return new EncodedText(caption, pieces, ids, wordIds, tags, interest, weights);
    }
}
