package io.github.taco.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.taco.data.Clip;
import io.github.taco.data.Datasets;
import io.github.taco.data.Split;
import io.github.taco.data.synth.SynthTruth;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.text.WordPieceTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How much a text encoder's output moves when a caption changes in one concept only: for pairs of
 * synthetic captions (training and held-out) that differ in exactly the verb (or object, attribute, ...), the
 * cosine distance 1 − cos of their [CLS] vectors, and of the token vectors at the word that differs,
 * each divided by the same distance for random pairs. 0 means the encoder cannot tell the two apart.
 * Not a JUnit test: {@code java -cp … io.github.taco.eval.TextSensitivity SYNTH_DIR MODEL…}, where a
 * MODEL is a taco checkpoint folder or a Hugging Face BERT folder (e.g. from taco pretrain-text).
 */
public final class TextSensitivity {
    private static final String[] KINDS = {"verb", "object", "attribute", "amount", "tool", "place"};

    private TextSensitivity() {}

    public static void main(String[] args) throws Exception {
        Path synth = Path.of(args[0]);
        SynthTruth truth = SynthTruth.read(synth);
        // all clips with a clean caption (training and held-out): one-concept pairs are rare, and the
        // encoder's sensitivity is what is measured here, not retrieval
        var dataset = Datasets.read("youcook2", synth.resolve("youcookii_annotations_trainval.json"));
        List<Clip> clips = new java.util.ArrayList<>(dataset.clips(Split.TRAIN));
        clips.addAll(dataset.clips(Split.VALIDATION));
        int n = clips.size();
        int[][] concepts = new int[n][];
        for (int i = 0; i < n; i++) {
            concepts[i] = truth.clip(clips.get(i).clipId()).concepts();
        }
        for (int a = 1; a < args.length; a++) {
            Path dir = Path.of(args[a]);
            boolean bert = !Files.exists(dir.resolve("idf.json"));
            try (NDManager root = NDManager.newBaseManager();
                    TacoModel model = bert ? new TacoModel(TacoModel.bertSizes(dir, TacoConfig.cpu(1)), root, 0) : TacoModel.load(dir, root);
                    WordPieceTokenizer tok = WordPieceTokenizer.load(TacoModel.bertVocabulary(dir), 30)) {
                if (bert) {
                    model.loadPretrainedText(dir);
                }
                int[][] ids = new int[n][];
                int len = 0;
                for (int i = 0; i < n; i++) {
                    ids[i] = tok.tokenize(clips.get(i).texts().get(0)).ids();
                    len = Math.max(len, ids[i].length);
                }
                long[] flat = new long[n * len];
                float[] mask = new float[n * len];
                for (int i = 0; i < n; i++) {
                    for (int t = 0; t < ids[i].length; t++) {
                        flat[i * len + t] = ids[i][t];
                        mask[i * len + t] = 1;
                    }
                }
                float[][][] y = new float[n][][];
                // a BERT folder is measured as it is (its own states, before a projection that would be random here)
                int d = bert ? model.config().textWidth() : model.config().hiddenSize;
                for (int from = 0; from < n; from += 500) {
                    int b = Math.min(n, from + 500) - from;
                    try (NDManager m = root.newSubManager()) {
                        NDArray idsB = m.create(Arrays.copyOfRange(flat, from * len, (from + b) * len), new Shape(b, len));
                        NDArray maskB = m.create(Arrays.copyOfRange(mask, from * len, (from + b) * len), new Shape(b, len));
                        NDArray out = bert ? model.textHiddenStates(idsB, maskB) : model.encodeText(idsB, maskB);
                        float[] v = out.toFloatArray();
                        for (int i = 0; i < b; i++) {
                            y[from + i] = new float[len][];
                            for (int t = 0; t < len; t++) {
                                y[from + i][t] = Arrays.copyOfRange(v, (i * len + t) * d, (i * len + t + 1) * d);
                            }
                        }
                    }
                }
                double[] cls = new double[KINDS.length], token = new double[KINDS.length];
                int[] pairs = new int[KINDS.length], tokenPairs = new int[KINDS.length];
                double randomCls = 0, randomToken = 0;
                int randomPairs = 0, randomTokenPairs = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = i + 1; j < n; j++) {
                        int kind = -1, differ = 0;
                        for (int k = 0; k < KINDS.length; k++) {
                            if (concepts[i][k] != concepts[j][k]) {
                                differ++;
                                kind = k;
                            }
                        }
                        boolean sampled = (i * 31L + j) % 9973 == 0; // a fixed sample of random pairs
                        if (differ != 1 && !sampled) {
                            continue;
                        }
                        double c = 1 - cos(y[i][0], y[j][0]);
                        double t = ids[i].length == ids[j].length ? differingTokens(ids[i], ids[j], y[i], y[j]) : Double.NaN;
                        if (sampled) {
                            randomCls += c;
                            randomPairs++;
                            if (!Double.isNaN(t)) {
                                randomToken += t;
                                randomTokenPairs++;
                            }
                        }
                        if (differ == 1) {
                            cls[kind] += c;
                            pairs[kind]++;
                            if (!Double.isNaN(t)) {
                                token[kind] += t;
                                tokenPairs[kind]++;
                            }
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "%s%n  [CLS] distance / random pairs':", dir);
                for (int k = 0; k < KINDS.length; k++) {
                    if (pairs[k] > 0) System.out.printf(Locale.ROOT, " %s %.3f (%d)", KINDS[k], cls[k] / pairs[k] / (randomCls / randomPairs), pairs[k]);
                }
                System.out.printf(Locale.ROOT, "%n  differing-token distance / random pairs':");
                for (int k = 0; k < KINDS.length; k++) {
                    if (tokenPairs[k] > 0) System.out.printf(Locale.ROOT, " %s %.3f (%d)", KINDS[k], token[k] / tokenPairs[k] / (randomToken / randomTokenPairs), tokenPairs[k]);
                }
                System.out.println();
            }
        }
    }

    /** Mean 1 − cos over the positions where two equally long captions have different pieces. */
    private static double differingTokens(int[] a, int[] b, float[][] ya, float[][] yb) {
        double sum = 0;
        int count = 0;
        for (int t = 0; t < a.length; t++) {
            if (a[t] != b[t]) {
                sum += 1 - cos(ya[t], yb[t]);
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    private static double cos(float[] a, float[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb + 1e-24);
    }
}
