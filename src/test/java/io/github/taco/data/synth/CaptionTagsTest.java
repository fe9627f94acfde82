package io.github.taco.data.synth;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.data.Split;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import opennlp.tools.postag.POSModel;
import opennlp.tools.postag.POSTaggerME;
import org.junit.jupiter.api.Test;

/**
 * The benchmark is fair to TACo's tokens of interest only if a real tagger sees its signal words as
 * nouns and verbs and its function words as determiners and adpositions. Tags come from the
 * OpenNLP UD English model in the pom (the text pipeline's tagger).
 */
class CaptionTagsTest {

    @Test
    void signalWordsAreNounsAndVerbsFunctionWordsCarryNone() throws IOException {
        POSModel model;
        try (InputStream in = getClass().getResourceAsStream("/opennlp-en-ud-ewt-pos-1.3-2.5.4.bin")) {
            assertNotNull(in, "OpenNLP UD POS model not on the classpath");
            model = new POSModel(in);
        }
        POSTaggerME tagger = new POSTaggerME(model);
        SynthData data = SyntheticBenchmark.generate(SynthConfig.defaults().withVideos(400).withDim(8));
        Map<Lexicon.Kind, int[]> byKind = new EnumMap<>(Lexicon.Kind.class); // {noun or verb, total}
        int[] detAdpSignal = new int[2]; // {signal, total} among DET/ADP-tagged words
        int[] interestSignal = new int[2]; // {signal, total} among NOUN/VERB-tagged words
        Map<String, Integer> tagCounts = new HashMap<>();
        for (SynthVideo v : data.videos()) {
            if (v.split() == Split.NARRATION) {
                continue;
            }
            for (String cap : v.captions()) {
                String[] words = cap.split(" ");
                String[] tags = tagger.tag(words);
                for (int i = 0; i < words.length; i++) {
                    Lexicon.Word w = Lexicon.lookup(words[i]);
                    boolean nv = tags[i].equals("NOUN") || tags[i].equals("VERB") || tags[i].equals("PROPN");
                    tagCounts.merge(tags[i], 1, Integer::sum);
                    if (w != null) {
                        int[] k = byKind.computeIfAbsent(w.kind(), x -> new int[2]);
                        k[0] += nv ? 1 : 0;
                        k[1]++;
                    }
                    if (tags[i].equals("DET") || tags[i].equals("ADP")) {
                        detAdpSignal[0] += w != null ? 1 : 0;
                        detAdpSignal[1]++;
                    }
                    if (nv) {
                        interestSignal[0] += w != null ? 1 : 0;
                        interestSignal[1]++;
                    }
                }
            }
        }
        StringBuilder b = new StringBuilder("synth: share tagged NOUN/VERB by concept kind:");
        byKind.forEach((k, c) -> b.append(String.format(" %s %.2f", k.name().toLowerCase(), c[0] / (double) c[1])));
        b.append(String.format("; signal share of NOUN/VERB tokens %.2f, of DET/ADP tokens %.3f",
                interestSignal[0] / (double) interestSignal[1], detAdpSignal[0] / (double) detAdpSignal[1]));
        System.out.println(b);
        for (Lexicon.Kind k : new Lexicon.Kind[] {Lexicon.Kind.VERB, Lexicon.Kind.OBJECT, Lexicon.Kind.TOOL,
                Lexicon.Kind.PLACE}) {
            assertTrue(byKind.get(k)[0] >= 0.8 * byKind.get(k)[1], b.toString());
        }
        assertTrue(detAdpSignal[0] <= 0.02 * detAdpSignal[1], b.toString());
        assertTrue(interestSignal[0] >= 0.7 * interestSignal[1], b.toString());
    }
}
