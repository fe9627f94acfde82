package io.github.taco.text;

import java.util.List;

/**
 * Throughput of the whole text pipeline (tokenize + tag + align + weights) over all YouCook2
 * trainval captions on all cores, without the disk cache. Not a unit test; run with
 * <pre>
 * export DJL_OFFLINE=true OPT_OUT_TRACKING=true
 * mvn -q test-compile &amp;&amp; java -Dai.djl.offline=true -Dtaco.test.data=src/test/data \
 *   -cp target/classes:target/test-classes:$(cat cp.txt) io.github.taco.text.TextPipelineBenchmark [rounds]
 * </pre>
 */
public final class TextPipelineBenchmark {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> captions = SharedCaptions.youCook2(null);
        try (TextPipeline pipeline = TextPipeline.builder().build()) {
            Idf idf = pipeline.fitIdf(captions);
            try (TextPipeline p = TextPipeline.builder().idf(idf).build()) {
                System.out.printf("%d YouCook2 captions, %d cores%n", captions.size(), Runtime.getRuntime().availableProcessors());
                p.encodeAll(captions); // warm-up: JIT, per-thread OpenNLP taggers
                double best = 0;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    List<EncodedText> out = p.encodeAll(captions);
                    double s = (System.nanoTime() - t0) / 1e9;
                    double rate = out.size() / s;
                    best = Math.max(best, rate);
                    System.out.printf("round %d: %.2f s, %.0f captions/s%n", r + 1, s, rate);
                }
                long t0 = System.nanoTime();
                for (String c : captions) {
                    p.encode(c);
                }
                double single = captions.size() / ((System.nanoTime() - t0) / 1e9);
                System.out.printf("best all cores: %.0f captions/s; one thread: %.0f captions/s%n", best, single);
            }
        }
    }
}
