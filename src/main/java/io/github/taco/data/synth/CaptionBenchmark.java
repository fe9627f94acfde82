package io.github.taco.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.taco.data.YouCook2Reader;
import io.github.taco.features.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPInputStream;

/**
 * The default built-in benchmark: YouCook2's own annotations — videos, durations, segments, the
 * training/validation split, recipe types and the sentences verbatim — with features rendered from
 * what each sentence says (the real videos' features are not redistributable).
 *
 * <p>Every content lemma of a caption ({@link ContentWords}) is a visual concept, whatever its part
 * of speech; synonyms share part of their look; a video carries its background and its recipe's
 * context in every second; a step unfolds over its frames (the i-th of n content words peaks at
 * (i + ½)/n of the step); seconds outside every step show only background, recipe and noise.
 * {@link RenderConfig} documents the generative model and its knobs; {@link #snr} is the per-frame
 * signal-to-noise the noise setting gives.
 *
 * <p>Files written (the YouCook2 layout, so the ordinary reader and every command take it):
 * <pre>
 * OUT/youcookii_annotations_trainval.json   the annotation file, byte for byte
 * OUT/features/&lt;video&gt;.npy                 float32 [frames, D], {@link RenderConfig#fps} per second
 *                                                (1 by default)
 * OUT/render_truth.json                      config, per clip its content lemmas, the measured SNR
 * </pre>
 * The annotations default to the copy bundled in the jar (Zhou, Xu and Corso, AAAI 2018; research
 * and non-commercial use). The same config gives the same bytes.
 */
public final class CaptionBenchmark {
    public static final String TRUTH_FILE = "render_truth.json";
    public static final String FEATURES_DIR = "features";
    /** The bundled YouCook2 annotations (gzipped), a classpath resource of this package. */
    public static final String BUNDLED_ANNOTATIONS = "youcookii_annotations_trainval.json.gz";

    /** One annotated segment: seconds [start, end], its sentence and content lemmas. */
    public record Segment(double start, double end, String sentence, List<String> lemmas) {}

    /** One video of the annotation file. */
    public record Video(String id, String subset, String recipe, double duration, List<Segment> segments) {
        /** Frames at 1 per second: the duration, and at least up to the last segment's end. */
        public int frames() {
            return frames(1);
        }

        /** Frames at {@code fps} per second: the duration, and at least up to the last segment's end. */
        public int frames(int fps) {
            double end = duration;
            for (Segment s : segments) {
                end = Math.max(end, s.end() + 1);
            }
            return Math.max(1, (int) Math.ceil(end * fps));
        }
    }

    /** What {@link #generateTo} wrote. */
    public record Summary(int videos, int clips, int lemmas, long frames, double snr) {}

    private CaptionBenchmark() {}

    /** The bytes of the bundled annotation file (1.6 MB). */
    public static byte[] bundledAnnotations() throws IOException {
        try (InputStream in = CaptionBenchmark.class.getResourceAsStream(BUNDLED_ANNOTATIONS)) {
            if (in == null) {
                throw new IOException("classpath resource " + BUNDLED_ANNOTATIONS + " not found in the taco jar");
            }
            try (GZIPInputStream gz = new GZIPInputStream(in)) {
                return gz.readAllBytes();
            }
        }
    }

    /**
     * Reads a YouCook2 annotation file's videos and their segments' content lemmas (tagging and
     * lemmatizing all sentences in parallel).
     *
     * @throws IOException naming {@code source} when it is not a YouCook2 annotation file
     */
    public static List<Video> parse(byte[] json, String source) throws IOException {
        JsonNode db;
        try {
            db = new ObjectMapper().readTree(json).get("database");
        } catch (IOException e) {
            throw new IOException(source + ": not JSON: " + e.getMessage(), e);
        }
        if (db == null || !db.isObject()) {
            throw new IOException(source + ": no \"database\" object: not a YouCook2 annotation file");
        }
        List<Video> videos = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = db.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            List<Segment> segs = new ArrayList<>();
            for (JsonNode a : v.path("annotations")) {
                JsonNode seg = a.path("segment");
                if (seg.size() != 2 || !a.path("sentence").isTextual()) {
                    throw new IOException(source + ": video " + e.getKey() + ": annotation " + a.path("id")
                            + " needs segment [s, e] and sentence");
                }
                segs.add(new Segment(seg.get(0).asDouble(), seg.get(1).asDouble(), a.get("sentence").asText(), null));
            }
            videos.add(new Video(e.getKey(), v.path("subset").asText(), v.path("recipe_type").asText(""),
                    v.path("duration").asDouble(), segs));
        }
        // tag and lemmatize in parallel: 14k sentences take seconds
        List<int[]> index = new ArrayList<>();
        for (int i = 0; i < videos.size(); i++) {
            for (int j = 0; j < videos.get(i).segments().size(); j++) {
                index.add(new int[] {i, j});
            }
        }
        List<List<String>> lemmas = index.parallelStream()
                .map(ij -> ContentWords.of(videos.get(ij[0]).segments().get(ij[1]).sentence())).toList();
        List<Video> out = new ArrayList<>(videos.size());
        int k = 0;
        for (Video v : videos) {
            List<Segment> segs = new ArrayList<>();
            for (Segment s : v.segments()) {
                segs.add(new Segment(s.start(), s.end(), s.sentence(), lemmas.get(k++)));
            }
            out.add(new Video(v.id(), v.subset(), v.recipe(), v.duration(), List.copyOf(segs)));
        }
        return out;
    }

    /**
     * The benchmark in {@code dir}: generated from the bundled annotations unless the folder already
     * holds one of the same config (then reused, as {@code taco demo} and {@code taco ablate} do).
     *
     * @return true if it was generated, false if reused
     * @throws IllegalArgumentException if {@code dir} holds a benchmark of another config (it is not overwritten)
     */
    public static boolean ensure(RenderConfig cfg, Path dir) throws IOException {
        Path truth = dir.resolve(TRUTH_FILE);
        if (Files.isRegularFile(truth) && Files.isRegularFile(dir.resolve(YouCook2Reader.ANNOTATION_FILE))) {
            RenderConfig have = new ObjectMapper()
                    .treeToValue(new ObjectMapper().readTree(truth.toFile()).get("config"), RenderConfig.class);
            if (!cfg.equals(have)) {
                throw new IllegalArgumentException(dir + " holds a benchmark rendered with " + have + ", not " + cfg
                        + ": use another folder or delete it");
            }
            return false;
        }
        generateTo(cfg, dir);
        return true;
    }

    /** Renders the bundled YouCook2 annotations into {@code out}. */
    public static Summary generateTo(RenderConfig cfg, Path out) throws IOException {
        return generateTo(cfg, bundledAnnotations(), "bundled " + BUNDLED_ANNOTATIONS, out);
    }

    /** Renders the given annotation file (YouCook2 layout) into {@code out}. */
    public static Summary generateTo(RenderConfig cfg, Path annotations, Path out) throws IOException {
        return generateTo(cfg, Files.readAllBytes(annotations), annotations.toString(), out);
    }

    private static Summary generateTo(RenderConfig cfg, byte[] json, String source, Path out) throws IOException {
        List<Video> videos = parse(json, source);
        CaptionWorld world = new CaptionWorld(cfg, videos);
        Path feats = out.resolve(FEATURES_DIR);
        Files.createDirectories(feats);
        DoubleAdder signal = new DoubleAdder();
        LongAdder stepFrames = new LongAdder();
        LongAdder frames = new LongAdder();
        try {
            videos.parallelStream().forEach(v -> {
                float[] x = world.render(v, signal, stepFrames);
                frames.add(v.frames(cfg.fps()));
                try {
                    Npy.writeFloat32(feats.resolve(v.id() + ".npy"), v.frames(cfg.fps()), cfg.dim(), x);
                } catch (IOException e) {
                    throw new UncheckedIOException(feats.resolve(v.id() + ".npy") + ": " + e.getMessage(), e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        double snr = snr(signal.sum(), stepFrames.sum(), cfg.noise());
        Files.write(out.resolve(YouCook2Reader.ANNOTATION_FILE), json);
        writeTruth(cfg, videos, world, snr, out.resolve(TRUTH_FILE));
        int clips = videos.stream().mapToInt(v -> v.segments().size()).sum();
        return new Summary(videos.size(), clips, world.lemmaCount(), frames.sum(), snr);
    }

    /** Per-frame SNR: mean |content|² of a second inside a step over E|noise|² = noise². */
    static double snr(double signalSum, long stepFrames, double noise) {
        return noise == 0 ? Double.POSITIVE_INFINITY : signalSum / Math.max(1, stepFrames) / (noise * noise);
    }

    private static void writeTruth(RenderConfig cfg, List<Video> videos, CaptionWorld world, double snr, Path file)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.set("config", json.valueToTree(cfg));
        root.put("snr", snr);
        root.put("lemmas", world.lemmaCount());
        ObjectNode vs = root.putObject("videos");
        for (Video v : videos) {
            ObjectNode n = vs.putObject(v.id());
            n.put("frames", v.frames(cfg.fps()));
            ArrayNode clips = n.putArray("clips");
            for (Segment s : v.segments()) {
                ArrayNode l = clips.addObject().putArray("lemmas");
                s.lemmas().forEach(l::add);
            }
        }
        json.writeValue(file.toFile(), root);
    }

    /** The generative model: concept vectors and the latent → feature map, all drawn from the seed. */
    static final class CaptionWorld {
        private final RenderConfig cfg;
        final int latent;
        final int dim;
        /** lemma → Q·concept (feature space, before gain and tanh); sorted so iteration is stable. */
        final Map<String, float[]> qConcepts = new TreeMap<>();
        final Map<String, float[]> qRecipes = new TreeMap<>();
        /** lemma → visibility in [1 − spread, 1]; empty when every word is fully visible (spread 0). */
        final Map<String, Float> visibility = new TreeMap<>();
        final float[] q; // [D, L] row-major, orthonormal columns
        final float[] gain;
        final float[] bias;
        final float scale;
        private final float[][] qNoise;
        static final int NOISE_BANK = 1024;

        CaptionWorld(RenderConfig cfg, List<Video> videos) {
            this.cfg = cfg;
            this.latent = cfg.latentDim();
            this.dim = cfg.dim();
            SplittableRandom r = new SplittableRandom(cfg.seed() * 0x9E3779B97F4A7C15L + 29);
            q = SynthWorld.orthonormalColumns(r, dim, latent);
            gain = new float[dim];
            bias = new float[dim];
            for (int d = 0; d < dim; d++) {
                gain[d] = (float) (0.5 + r.nextDouble());
                bias[d] = (float) (0.5 * SynthWorld.gaussian(r));
            }
            qNoise = new float[NOISE_BANK][];
            for (int k = 0; k < NOISE_BANK; k++) {
                float[] n = new float[latent];
                for (int i = 0; i < latent; i++) {
                    n[i] = (float) (SynthWorld.gaussian(r) / Math.sqrt(latent));
                }
                qNoise[k] = project(n);
            }
            List<String> lemmas = videos.stream().flatMap(v -> v.segments().stream()).flatMap(s -> s.lemmas().stream())
                    .distinct().sorted().toList();
            List<float[]> projected = lemmas.parallelStream().map(l -> project(concept(l))).toList();
            for (int i = 0; i < lemmas.size(); i++) {
                qConcepts.put(lemmas.get(i), projected.get(i));
            }
            if (cfg.visibilitySpread() > 0) {
                for (String l : lemmas) {
                    visibility.put(l, (float) (1 - cfg.visibilitySpread() * named("visibility:" + l).nextDouble()));
                }
            }
            for (String recipe : videos.stream().map(Video::recipe).distinct().sorted().toList()) {
                qRecipes.put(recipe, project(scaled(unit(named("recipe:" + recipe)), cfg.recipe())));
            }
            // a typical second: background² + recipe² + ~3 words at full strength + noise²
            double typical = cfg.background() * cfg.background() + cfg.recipe() * cfg.recipe() + 3
                    + cfg.noise() * cfg.noise();
            scale = (float) (cfg.nonlinearity() * Math.sqrt(dim / typical));
        }

        int lemmaCount() {
            return qConcepts.size();
        }

        /** A random stream named by a string, so a word's vector does not depend on the vocabulary. */
        private SplittableRandom named(String name) {
            return new SplittableRandom(cfg.seed() * 0xBF58476D1CE4E5B9L ^ (31L * name.hashCode() + name.length()));
        }

        /** A lemma's latent concept: a unit vector, part of it shared with its synonym group. */
        float[] concept(String lemma) {
            float[] own = unit(named("lemma:" + lemma));
            int g = ContentWords.synonymGroup(lemma);
            if (g < 0) {
                return own;
            }
            float[] group = unit(named("group:" + g));
            double a = Math.sqrt(1 - cfg.synonymShare());
            double b = Math.sqrt(cfg.synonymShare());
            float[] v = new float[latent];
            for (int i = 0; i < latent; i++) {
                v[i] = (float) (a * own[i] + b * group[i]);
            }
            return unit(v);
        }

        float[] unit(SplittableRandom r) {
            float[] v = new float[latent];
            for (int i = 0; i < latent; i++) {
                v[i] = (float) SynthWorld.gaussian(r);
            }
            return unit(v);
        }

        private static float[] unit(float[] v) {
            double n = 0;
            for (float x : v) {
                n += x * x;
            }
            return scaled(v, 1 / Math.sqrt(n));
        }

        private static float[] scaled(float[] v, double s) {
            float[] out = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = (float) (v[i] * s);
            }
            return out;
        }

        /** Q·v: a latent vector in feature space (before gain, bias and tanh). */
        float[] project(float[] v) {
            return SynthWorld.project(q, dim, latent, v);
        }

        /**
         * The latent vector of one rendered second (the exact inverse of the map, up to float32 where tanh saturates).
         */
        float[] invert(float[] x, int off) {
            return SynthWorld.invert(q, gain, bias, scale, latent, x, off);
        }

        /** A content word's strength at phase alpha ∈ (0, 1) of its step: a bump around (i + ½)/n. */
        double strength(int i, int n, double alpha) {
            double c = (i + 0.5) / n;
            double u = (alpha - c) / cfg.wordWidth();
            return Math.exp(-0.5 * u * u);
        }

        /** How visible a lemma is: 1, or its draw in [1 − spread, 1] ({@link RenderConfig#visibilitySpread}). */
        float visibility(String lemma) {
            return visibility.getOrDefault(lemma, 1f);
        }

        /**
         * One video's features, [frames, D] row-major. Adds each step-second's |content|² to
         * {@code signal} and counts it in {@code stepFrames} (for the SNR).
         */
        float[] render(Video v, DoubleAdder signal, LongAdder stepFrames) {
            SplittableRandom r = new SplittableRandom(cfg.seed() ^ (0xD1B54A32D192ED03L * (v.id().hashCode() + 1L)));
            float[] base = project(scaled(unit(r), cfg.background()));
            float[] recipe = qRecipes.get(v.recipe());
            for (int d = 0; d < dim; d++) {
                base[d] += recipe[d];
            }
            int fps = cfg.fps();
            int frames = v.frames(fps);
            float[] out = new float[frames * dim];
            float[] content = new float[dim];
            float[] acc = new float[dim];
            double sig = 0;
            long inStep = 0;
            for (int t = 0; t < frames; t++) {
                Arrays.fill(content, 0f);
                boolean any = false;
                for (Segment s : v.segments()) {
                    // in frames: at 1 fps the seconds floor(start) .. floor(end)
                    int first = (int) Math.floor(s.start() * fps);
                    int last = (int) Math.floor(s.end() * fps) + fps - 1;
                    if (t < first || t > last || s.lemmas().isEmpty()) {
                        continue;
                    }
                    any = true;
                    double alpha = (t - first + 0.5) / (last - first + 1);
                    int n = s.lemmas().size();
                    for (int i = 0; i < n; i++) {
                        float w = (float) strength(i, n, alpha);
                        if (!visibility.isEmpty()) {
                            w *= visibility(s.lemmas().get(i));
                        }
                        if (w > 1e-3f) {
                            add(content, qConcepts.get(s.lemmas().get(i)), w);
                        }
                    }
                }
                if (any) {
                    double e = 0;
                    for (int d = 0; d < dim; d++) {
                        e += content[d] * content[d];
                    }
                    sig += e; // |Q z| = |z|: Q has orthonormal columns
                    inStep++;
                }
                for (int d = 0; d < dim; d++) {
                    acc[d] = base[d] + content[d];
                }
                for (int k = 0; k < 4; k++) { // 4 signed bank vectors / 2: covariance noise²·I/L at 4 additions
                    add(acc, qNoise[r.nextInt(NOISE_BANK)],
                            (float) (r.nextBoolean() ? cfg.noise() / 2 : -cfg.noise() / 2));
                }
                int off = t * dim;
                for (int d = 0; d < dim; d++) {
                    out[off + d] = SynthWorld.tanh(gain[d] * scale * acc[d] + bias[d]);
                }
            }
            signal.add(sig);
            stepFrames.add(inStep);
            return out;
        }

        private static void add(float[] acc, float[] v, float w) {
            for (int d = 0; d < acc.length; d++) {
                acc[d] += w * v[d];
            }
        }
    }
}
