package io.github.taco.data.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.taco.data.Split;
import io.github.taco.data.YouCook2Reader;
import io.github.taco.features.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The built-in synthetic cooking benchmark: a stand-in for YouCook2 + HowTo100M that tests TACo's
 * ideas and runs in seconds.
 *
 * <p>A video is a sequence of steps (4–8 by default) separated by idle seconds; a step is an event
 * (verb, object with a visible attribute and an amount, optional tool, optional place) lasting
 * several seconds, e.g. "now we are going to chop a handful of fresh onions with a knife on the board".
 * Its features come from latent concept vectors through a fixed random non-linear map
 * ({@link SynthWorld}). Captions are varied English (synonyms, articles, prepositions, decorative
 * adjectives, fillers such as "now we are going to", imperative or progressive), so content words
 * carry the signal and function words none. Concepts follow a Zipf law and videos reuse a few
 * ingredients, so in-batch negatives often share some of the positive's concepts.
 *
 * <p>Difficulty with the defaults, on the validation split (≈1.5k clips, tests in
 * {@code SyntheticBenchmarkTest}, {@code LinearBaselineTest}): an oracle that parses the caption and
 * knows each clip's concepts, or one that inverts the feature map, reaches R@1 ≈ 0.99; a scorer
 * that ignores the text is at chance (1/N); a ridge regression from mean clip features to caption
 * bags of words reaches R@1 ≈ 0.5 (on ≈0.8k clips). {@link SynthConfig} documents the knobs.
 *
 * <p>Splits: {@code training} and {@code validation} (clean; validation is the test set) and
 * {@code narration} (noisy, for pretraining: a caption may describe a neighbouring step or be
 * off-topic, and segment times are jittered), separate videos each.
 *
 * <p>Files written by {@link #write} (the YouCook2 layout, so the ordinary reader loads it):
 * <pre>
 * OUT/youcookii_annotations_trainval.json   {"database": {vid: {duration, subset: training|validation|narration,
 *                                            recipe_type: "synthetic", annotations: [{segment, id, sentence}]}}}
 * OUT/features/&lt;vid&gt;.npy                    float32 [seconds, dim], 1 feature per second
 * OUT/synth_truth.json                       config, concept names, and per video its ordered steps
 *                                            (concepts and frames) and per clip the step its caption describes
 * </pre>
 * The narration split is marked by {@code "subset": "narration"}, read as {@link Split#NARRATION}.
 * Everything is a function of the config (seed included): the same config gives the same bytes.
 */
public final class SyntheticBenchmark {
    public static final String TRUTH_FILE = "synth_truth.json";
    public static final String FEATURES_DIR = "features";

    private SyntheticBenchmark() {}

    /** Generates the videos, captions and ground truth (no features yet). */
    public static SynthData generate(SynthConfig cfg) {
        SynthWorld world = new SynthWorld(cfg);
        SplittableRandom master = new SplittableRandom(cfg.seed());
        double[] verbP = zipf(Math.min(cfg.verbs(), Lexicon.size(Lexicon.Kind.VERB)), cfg.zipf());
        double[] objP = zipf(Math.min(cfg.objects(), Lexicon.size(Lexicon.Kind.OBJECT)), cfg.zipf());
        double[] attrP = zipf(Math.min(cfg.attributes(), Lexicon.size(Lexicon.Kind.ATTRIBUTE)), cfg.zipf() / 2);
        double[] amountP = zipf(Math.min(cfg.amounts(), Lexicon.size(Lexicon.Kind.AMOUNT)), cfg.zipf() / 2);
        double[] toolP = zipf(Math.min(cfg.tools(), Lexicon.size(Lexicon.Kind.TOOL)), cfg.zipf());
        double[] placeP = zipf(Math.min(cfg.places(), Lexicon.size(Lexicon.Kind.PLACE)), cfg.zipf());
        List<SynthVideo> videos = new ArrayList<>(cfg.videos());
        for (int n = 0; n < cfg.videos(); n++) {
            Split split = n < cfg.trainVideos() ? Split.TRAIN : n < cfg.trainVideos() + cfg.valVideos()
                    ? Split.VALIDATION : Split.NARRATION;
            SplittableRandom r = master.split();
            videos.add(video(String.format("synv%05d", n), split, cfg, r, verbP, objP, attrP, amountP, toolP, placeP));
        }
        return new SynthData(cfg, world, videos);
    }

    private static SynthVideo video(String id, Split split, SynthConfig cfg, SplittableRandom r, double[] verbP,
            double[] objP, double[] attrP, double[] amountP, double[] toolP, double[] placeP) {
        Set<Integer> ingredients = new LinkedHashSet<>();
        while (ingredients.size() < Math.min(cfg.videoIngredients(), objP.length)) {
            ingredients.add(draw(r, objP));
        }
        Integer[] ingr = ingredients.toArray(new Integer[0]);
        int nSteps = cfg.minSteps() + r.nextInt(cfg.maxSteps() - cfg.minSteps() + 1);
        double meanStep = (cfg.minStepSeconds() + cfg.maxStepSeconds()) / 2.0;
        double meanGap = cfg.idleFraction() / (1 - cfg.idleFraction()) * meanStep * nSteps / (nSteps + 1);
        List<Step> steps = new ArrayList<>();
        Set<List<Integer>> seen = new LinkedHashSet<>();
        int t = gap(r, meanGap);
        for (int s = 0; s < nSteps; s++) {
            int verb;
            int obj;
            int attr;
            int amount;
            int tool;
            int place;
            do { // no two steps of a video share all concepts, so a clip is never a copy of its neighbour
                verb = draw(r, verbP);
                obj = r.nextDouble() < cfg.ingredientReuse() ? ingr[r.nextInt(ingr.length)] : draw(r, objP);
                attr = draw(r, attrP);
                amount = draw(r, amountP);
                tool = r.nextDouble() < cfg.toolRate() ? draw(r, toolP) : -1;
                place = r.nextDouble() < cfg.placeRate() ? draw(r, placeP) : -1;
            } while (!seen.add(List.of(verb, obj, attr, amount, tool, place)));
            int len = cfg.minStepSeconds() + r.nextInt(cfg.maxStepSeconds() - cfg.minStepSeconds() + 1);
            steps.add(new Step(verb, obj, attr, amount, tool, place, t, t + len - 1));
            t += len + gap(r, meanGap);
        }
        int frames = Math.max(t, 1);
        List<String> captions = new ArrayList<>();
        int[] captionSteps = new int[nSteps];
        List<double[]> segments = new ArrayList<>();
        for (int s = 0; s < nSteps; s++) {
            Step st = steps.get(s);
            int described = s;
            double start = st.start();
            double end = st.end();
            if (split == Split.NARRATION) {
                double u = r.nextDouble();
                if (u < cfg.offTopicRate()) {
                    described = -1;
                } else if (u < cfg.offTopicRate() + cfg.shiftRate() && nSteps > 1) {
                    described = s == 0 ? 1 : s == nSteps - 1 ? s - 1 : s + (r.nextBoolean() ? 1 : -1);
                }
                start = clamp(start + (2 * r.nextDouble() - 1) * cfg.jitterSeconds(), 0, frames - 1);
                end = clamp(end + (2 * r.nextDouble() - 1) * cfg.jitterSeconds(), 0, frames - 1);
                if (start > end) {
                    double x = start;
                    start = end;
                    end = x;
                }
                start = Math.round(start * 10) / 10.0;
                end = Math.round(end * 10) / 10.0;
            }
            captionSteps[s] = described;
            captions.add(described < 0 ? Lexicon.OFF_TOPIC.get(r.nextInt(Lexicon.OFF_TOPIC.size()))
                    : caption(steps.get(described), cfg, r));
            segments.add(new double[] {start, end});
        }
        return new SynthVideo(id, split, frames, List.copyOf(steps), List.copyOf(captions), captionSteps,
                List.copyOf(segments));
    }

    private static double clamp(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }

    private static int gap(SplittableRandom r, double mean) {
        return mean <= 0 ? 0 : (int) Math.round(-mean * Math.log(1 - r.nextDouble()));
    }

    static double[] zipf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private static int draw(SplittableRandom r, double[] cdf) {
        int i = Arrays.binarySearch(cdf, r.nextDouble());
        return Math.min(i < 0 ? -i - 1 : i, cdf.length - 1);
    }

    private static String pick(SplittableRandom r, List<String> l) {
        return l.get(r.nextInt(l.size()));
    }

    /** A synonym: the first name unless the synonym rate says otherwise. */
    private static String name(SplittableRandom r, String[] synonyms, double rate) {
        return synonyms.length == 1 || r.nextDouble() >= rate ? synonyms[0]
                : synonyms[1 + r.nextInt(synonyms.length - 1)];
    }

    /** One English caption naming every concept of the step. */
    static String caption(Step s, SynthConfig cfg, SplittableRandom r) {
        boolean progressive = r.nextDouble() < 0.3;
        String[][] verbSyn = Lexicon.VERBS[s.verb()];
        String[] verb = verbSyn.length == 1 || r.nextDouble() >= cfg.synonymRate() ? verbSyn[0]
                : verbSyn[1 + r.nextInt(verbSyn.length - 1)];
        List<String> words = new ArrayList<>();
        if (progressive) {
            words.add(pick(r, Lexicon.PROGRESSIVE_FILLERS));
        } else if (r.nextDouble() < cfg.fillerRate()) {
            words.add(pick(r, Lexicon.IMPERATIVE_FILLERS));
        }
        String place = s.place() < 0 ? null
                : pick(r, Lexicon.PLACE_PREPS) + " the " + name(r, Lexicon.PLACES[s.place()], cfg.synonymRate());
        boolean placeFirst = place != null && !progressive && words.isEmpty() && r.nextDouble() < 0.2;
        if (placeFirst) {
            words.add(place);
        }
        words.add(verb[progressive ? 1 : 0]);
        words.add(pick(r, Lexicon.ARTICLES));
        words.add(name(r, Lexicon.AMOUNTS[s.amount()], cfg.synonymRate()));
        words.add("of");
        if (r.nextDouble() < cfg.fillerRate() * 0.4) {
            words.add(pick(r, Lexicon.DECORATIVE));
        }
        words.add(name(r, Lexicon.ATTRIBUTES[s.attribute()], cfg.synonymRate()));
        words.add(name(r, Lexicon.OBJECTS[s.object()], cfg.synonymRate()));
        if (s.tool() >= 0) {
            words.add(pick(r, Lexicon.TOOL_PREPS) + " " + (r.nextBoolean() ? "a" : "the") + " "
                    + name(r, Lexicon.TOOLS[s.tool()], cfg.synonymRate()));
        }
        if (place != null && !placeFirst) {
            words.add(place);
        }
        if (r.nextDouble() < cfg.fillerRate() * 0.4) {
            words.add(pick(r, Lexicon.TAILS));
        }
        return String.join(" ", words);
    }

    /** The features of one video, [frames, dim] row-major; deterministic in (config, video). */
    public static float[] features(SynthData data, SynthVideo v) {
        SynthConfig cfg = data.config();
        SynthWorld w = data.world();
        int latent = w.latentDim();
        SplittableRandom r = new SplittableRandom(cfg.seed() ^ (0xD1B54A32D192ED03L * (v.videoId().hashCode() + 1L)));
        float[] bg = new float[latent];
        double bgStd = cfg.background() / Math.sqrt(latent);
        for (int i = 0; i < latent; i++) {
            bg[i] = (float) (bgStd * SynthWorld.gaussian(r));
        }
        float[] qBg = w.project(bg);
        float[] out = new float[v.frames() * w.dim()];
        int step = 0;
        for (int t = 0; t < v.frames(); t++) {
            while (step < v.steps().size() && v.steps().get(step).end() < t) {
                step++;
            }
            Step s = null;
            double alpha = 0;
            if (step < v.steps().size() && v.steps().get(step).start() <= t) {
                s = v.steps().get(step);
                alpha = s.seconds() == 1 ? 0.5 : (t - s.start()) / (double) (s.seconds() - 1);
            }
            w.frame(qBg, s, alpha, cfg.noise(), r, out, t * w.dim());
        }
        return out;
    }

    /** Generates and writes everything into {@code out} (created if needed). */
    public static SynthData generateTo(SynthConfig cfg, Path out) throws IOException {
        SynthData data = generate(cfg);
        write(data, out);
        return data;
    }

    /** Writes annotations, ground truth and features (features in parallel). */
    public static void write(SynthData data, Path out) throws IOException {
        Path feats = out.resolve(FEATURES_DIR);
        Files.createDirectories(feats);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode db = root.putObject("database");
        ObjectNode truth = json.createObjectNode();
        truth.set("config", json.valueToTree(data.config()));
        ObjectNode names = truth.putObject("concepts");
        for (Lexicon.Kind k : Lexicon.Kind.values()) {
            ArrayNode a = names.putArray(k.name().toLowerCase());
            for (int i = 0; i < Lexicon.size(k); i++) {
                a.add(Lexicon.name(k, i));
            }
        }
        ObjectNode tv = truth.putObject("videos");
        for (SynthVideo v : data.videos()) {
            ObjectNode e = db.putObject(v.videoId());
            e.put("duration", (double) v.frames());
            e.put("subset", switch (v.split()) {
                case TRAIN -> "training";
                case VALIDATION -> "validation";
                case TEST -> "testing";
                case NARRATION -> "narration";
            });
            e.put("recipe_type", "synthetic");
            ArrayNode anns = e.putArray("annotations");
            ObjectNode t = tv.putObject(v.videoId());
            t.put("split", v.split().name().toLowerCase());
            t.put("frames", v.frames());
            ArrayNode steps = t.putArray("steps");
            for (Step s : v.steps()) {
                ObjectNode sn = steps.addObject();
                sn.put("verb", s.verb()).put("object", s.object()).put("attribute", s.attribute())
                        .put("amount", s.amount()).put("tool", s.tool())
                        .put("place", s.place()).put("start", s.start()).put("end", s.end());
            }
            ArrayNode clips = t.putArray("clips");
            for (int i = 0; i < v.captions().size(); i++) {
                ObjectNode a = anns.addObject();
                a.putArray("segment").add(v.segments().get(i)[0]).add(v.segments().get(i)[1]);
                a.put("id", i);
                a.put("sentence", v.captions().get(i));
                ObjectNode c = clips.addObject();
                c.put("clipId", v.videoId() + "#" + i).put("step", i).put("captionStep", v.captionSteps()[i]);
            }
            e.put("video_url", "");
        }
        json.writeValue(out.resolve(YouCook2Reader.ANNOTATION_FILE).toFile(), root);
        json.writeValue(out.resolve(TRUTH_FILE).toFile(), truth);
        try {
            IntStream.range(0, data.videos().size()).parallel().forEach(i -> {
                SynthVideo v = data.videos().get(i);
                try {
                    Npy.writeFloat32(feats.resolve(v.videoId() + ".npy"), v.frames(), data.config().dim(),
                            features(data, v));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
