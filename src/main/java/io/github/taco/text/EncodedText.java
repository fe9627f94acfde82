package io.github.taco.text;

import java.util.List;

/**
 * A caption after the text pipeline (docs/method.md §3): word pieces with their word, tag and weight.
 * All arrays have one entry per piece, including [CLS] at 0 and [SEP] at the end.
 *
 * @param text     the caption as given
 * @param pieces   WordPiece strings, "[CLS]" ... "[SEP]"
 * @param ids      vocabulary ids of the pieces
 * @param wordIds  index of the word a piece belongs to, -1 for [CLS]/[SEP]
 * @param tags     Universal POS tag of the piece's word ("" for [CLS]/[SEP])
 * @param interest true for a token of interest (its word's tag is in the chosen tag set)
 * @param weights  docs/method.md §3 weight of each token of interest (0 elsewhere); they sum to 1, or are all
 *                 0 when the caption has no token of interest
 */
public record EncodedText(
        String text,
        List<String> pieces,
        int[] ids,
        int[] wordIds,
        List<String> tags,
        boolean[] interest,
        float[] weights) {

    public int length() {
        return ids.length;
    }
}
