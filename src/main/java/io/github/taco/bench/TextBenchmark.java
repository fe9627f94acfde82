package io.github.taco.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.data.synth.CaptionBenchmark;
import io.github.taco.text.EncodedText;
import io.github.taco.text.Idf;
import io.github.taco.text.TextPipeline;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of the whole text pipeline (tokenize + tag + align + weights) over all 13,829 YouCook2
 * captions of the bundled annotation file, on all cores and on one thread, without the disk cache.
 */
public final class TextBenchmark {
    private TextBenchmark() {}

    /** Runs {@code rounds} timed passes on all cores, then one single-threaded pass; returns the report. */
    public static String run(int rounds) throws IOException {
        List<String> captions = new ArrayList<>();
        JsonNode db = new ObjectMapper().readTree(CaptionBenchmark.bundledAnnotations()).get("database");
        db.fields().forEachRemaining(e -> e.getValue().get("annotations")
                .forEach(a -> captions.add(a.get("sentence").asText())));
        StringBuilder out = new StringBuilder();
        try (TextPipeline pipeline = TextPipeline.builder().build()) {
            Idf idf = pipeline.fitIdf(captions);
            try (TextPipeline p = TextPipeline.builder().idf(idf).build()) {
                out.append(String.format(Locale.ROOT, "%d YouCook2 captions, %d cores%n", captions.size(),
                        Runtime.getRuntime().availableProcessors()));
                p.encodeAll(captions); // warm-up: JIT, per-thread OpenNLP taggers
                double best = 0;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    List<EncodedText> done = p.encodeAll(captions);
                    double s = (System.nanoTime() - t0) / 1e9;
                    best = Math.max(best, done.size() / s);
                    out.append(String.format(Locale.ROOT, "round %d: %.2f s, %.0f captions/s%n", r + 1, s,
                            done.size() / s));
                }
                long t0 = System.nanoTime();
                for (String c : captions) {
                    p.encode(c);
                }
                double single = captions.size() / ((System.nanoTime() - t0) / 1e9);
                out.append(String.format(Locale.ROOT, "best all cores: %.0f captions/s; one thread: %.0f captions/s%n",
                        best, single));
            }
        }
        return out.toString();
    }
}
