package io.github.taco.data.synth;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The hidden generative model of the features: concept vectors in a latent space and a fixed
 * random non-linear map to D dimensions, all drawn from the seed.
 *
 * <p>Each second's latent vector is z = background(video) + step content + Gaussian noise, where
 * the step content is the verb pose (interpolated from a start to an end pose over the step) + the
 * object as it looks under that verb (see {@link SynthConfig#interaction}) + attribute + amount +
 * tool (or "no tool") + place (or "no place"); idle seconds have only background and noise. With
 * the default latent dimension (128) the 124 concept vectors are orthonormal. The map is
 * x_d = tanh(g_d · s · (Q z)_d + b_d), with Q a random D×L matrix with orthonormal columns, random
 * gains g and biases b, s set by {@link SynthConfig#nonlinearity}. Because Q is orthonormal the map
 * can be inverted ({@link #invert}; exact up to float32 rounding where tanh saturates), which is
 * what the tests' feature oracle uses.
 */
public final class SynthWorld {
    final int latent;
    final int dim;
    final float[][][] verbPoses; // [verb][0=start,1=end][L]
    final float[][] objects;
    final float[][] attributes;
    final float[][] amounts;
    final float[][] tools; // last row = "no tool"
    final float[][] places; // last row = "no place"
    private final float[] q; // [D, L] row-major, orthonormal columns
    private final float[] gain;
    private final float[] bias;
    private final float scale;
    // the concept vectors and noise bank already multiplied by Q: a frame is then a sum of D-vectors
    // instead of a D×L product per second (10k clips must generate in seconds)
    private final float[][][] qVerbPoses;
    private final float[][][] qObjects; // [verb][object]: the object as it looks under that verb
    final float[][][] objectsUnder; // [verb][object] latent, (1 - w)·object + w·R_verb·object
    private final float[][] qAttributes;
    private final float[][] qAmounts;
    private final float[][] qTools;
    private final float[][] qPlaces;
    private final float[][] qNoise;
    static final int NOISE_BANK = 1024;

    SynthWorld(SynthConfig cfg) {
        this.latent = cfg.latentDim();
        this.dim = cfg.dim();
        SplittableRandom r = new SplittableRandom(cfg.seed() * 0x9E3779B97F4A7C15L + 17);
        int nVerbs = Lexicon.size(Lexicon.Kind.VERB);
        int count = 2 * nVerbs + Lexicon.size(Lexicon.Kind.OBJECT) + Lexicon.size(Lexicon.Kind.ATTRIBUTE)
                + Lexicon.size(Lexicon.Kind.AMOUNT) + Lexicon.size(Lexicon.Kind.TOOL) + 1
                + Lexicon.size(Lexicon.Kind.PLACE) + 1;
        // orthonormal concepts when they fit: a clip's content is then exactly recoverable, up to noise
        float[] basis = count <= latent ? orthonormalColumns(r, latent, count) : null;
        int[] next = {0};
        Supplier<float[]> vec = () -> {
            if (basis == null) {
                return unit(r);
            }
            float[] v = new float[latent];
            for (int i = 0; i < latent; i++) {
                v[i] = basis[i * count + next[0]];
            }
            next[0]++;
            return v;
        };
        verbPoses = new float[nVerbs][][];
        for (int v = 0; v < nVerbs; v++) {
            verbPoses[v] = new float[][] {vec.get(), vec.get()};
        }
        objects = units(vec, Lexicon.size(Lexicon.Kind.OBJECT));
        attributes = units(vec, Lexicon.size(Lexicon.Kind.ATTRIBUTE));
        amounts = units(vec, Lexicon.size(Lexicon.Kind.AMOUNT));
        tools = units(vec, Lexicon.size(Lexicon.Kind.TOOL) + 1);
        places = units(vec, Lexicon.size(Lexicon.Kind.PLACE) + 1);
        q = orthonormalColumns(r, dim, latent);
        gain = new float[dim];
        bias = new float[dim];
        for (int d = 0; d < dim; d++) {
            gain[d] = (float) (0.5 + r.nextDouble());
            bias[d] = (float) (0.5 * gaussian(r));
        }
        qVerbPoses = new float[nVerbs][][];
        for (int v = 0; v < nVerbs; v++) {
            qVerbPoses[v] = new float[][] {project(verbPoses[v][0]), project(verbPoses[v][1])};
        }
        double w = cfg.interaction();
        objectsUnder = new float[nVerbs][objects.length][];
        qObjects = new float[nVerbs][][];
        for (int v = 0; v < nVerbs; v++) {
            float[] rot = w == 0 ? null : orthonormalColumns(r, latent, latent); // R_verb, a random rotation
            for (int o = 0; o < objects.length; o++) {
                float[] x = new float[latent];
                for (int i = 0; i < latent; i++) {
                    double rv = 0;
                    if (rot != null) {
                        for (int k = 0; k < latent; k++) {
                            rv += rot[i * latent + k] * objects[o][k];
                        }
                    }
                    x[i] = (float) ((1 - w) * objects[o][i] + w * rv);
                }
                objectsUnder[v][o] = x;
            }
            qObjects[v] = projectAll(objectsUnder[v]);
        }
        qAttributes = projectAll(attributes);
        qAmounts = projectAll(amounts);
        qTools = projectAll(tools);
        qPlaces = projectAll(places);
        qNoise = new float[NOISE_BANK][];
        for (int k = 0; k < NOISE_BANK; k++) {
            float[] n = new float[latent];
            for (int i = 0; i < latent; i++) {
                n[i] = (float) (gaussian(r) / Math.sqrt(latent));
            }
            qNoise[k] = project(n);
        }
        // scale so a typical active second (|z|² ≈ 6 concepts + background) gives pre-activations of std ≈ 1
        scale = (float) (cfg.nonlinearity() * Math.sqrt(dim / 7.0));
    }

    static double gaussian(SplittableRandom r) {
        // Box-Muller: SplittableRandom has no nextGaussian in Java 17
        double u = 1.0 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    float[] unit(SplittableRandom r) {
        float[] v = new float[latent];
        double n = 0;
        for (int i = 0; i < latent; i++) {
            v[i] = (float) gaussian(r);
            n += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < latent; i++) {
            v[i] *= inv;
        }
        return v;
    }

    private static float[][] units(Supplier<float[]> vec, int n) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = vec.get();
        }
        return out;
    }

    /** Gram-Schmidt on Gaussian columns ([rows, cols] row-major); hand-written: ten lines, runs once. */
    static float[] orthonormalColumns(SplittableRandom r, int rows, int cols) {
        double[][] c = new double[cols][rows];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                c[j][i] = gaussian(r);
            }
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < rows; i++) {
                    dot += c[j][i] * c[k][i];
                }
                for (int i = 0; i < rows; i++) {
                    c[j][i] -= dot * c[k][i];
                }
            }
            double n = 0;
            for (int i = 0; i < rows; i++) {
                n += c[j][i] * c[j][i];
            }
            n = Math.sqrt(n);
            for (int i = 0; i < rows; i++) {
                c[j][i] /= n;
            }
        }
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = (float) c[j][i];
            }
        }
        return out;
    }

    /** The latent content of a step at phase alpha ∈ [0, 1] (no background, no noise), added to {@code z}. */
    void addStep(Step s, double alpha, float[] z) {
        float[] v0 = verbPoses[s.verb()][0];
        float[] v1 = verbPoses[s.verb()][1];
        float[] o = objectsUnder[s.verb()][s.object()];
        float[] a = attributes[s.attribute()];
        float[] m = amounts[s.amount()];
        float[] t = tools[s.tool() < 0 ? tools.length - 1 : s.tool()];
        float[] p = places[s.place() < 0 ? places.length - 1 : s.place()];
        float w0 = (float) (1 - alpha);
        float w1 = (float) alpha;
        for (int i = 0; i < latent; i++) {
            z[i] += w0 * v0[i] + w1 * v1[i] + o[i] + a[i] + m[i] + t[i] + p[i];
        }
    }

    /**
     * The latent vector a caption's concepts predict, averaged over the step ({verb, object,
     * attribute, amount, tool, place} as {@link Lexicon#parse} gives them, -1 for none).
     */
    public float[] prototype(int[] concepts) {
        float[] z = new float[latent];
        int verb = concepts[0];
        for (int i = 0; i < latent; i++) {
            float v = verb < 0 ? 0 : 0.5f * (verbPoses[verb][0][i] + verbPoses[verb][1][i]);
            float o = concepts[1] < 0 ? 0 : (verb < 0 ? objects[concepts[1]] : objectsUnder[verb][concepts[1]])[i];
            float a = concepts[2] < 0 ? 0 : attributes[concepts[2]][i];
            float m = concepts[3] < 0 ? 0 : amounts[concepts[3]][i];
            float t = tools[concepts[4] < 0 ? tools.length - 1 : concepts[4]][i];
            float p = places[concepts[5] < 0 ? places.length - 1 : concepts[5]][i];
            z[i] = v + o + a + m + t + p;
        }
        return z;
    }

    /** Q·v: a latent vector in feature space before gain, bias and tanh. */
    float[] project(float[] v) {
        return project(q, dim, latent, v);
    }

    /** Q·v for Q [dim, latent] row-major (shared with {@link CaptionBenchmark}'s world). */
    static float[] project(float[] q, int dim, int latent, float[] v) {
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) {
            float acc = 0;
            int row = d * latent;
            for (int i = 0; i < latent; i++) {
                acc += q[row + i] * v[i];
            }
            out[d] = acc;
        }
        return out;
    }

    private float[][] projectAll(float[][] vs) {
        float[][] out = new float[vs.length][];
        for (int i = 0; i < vs.length; i++) {
            out[i] = project(vs[i]);
        }
        return out;
    }

    /**
     * One feature row: map(background + step content at phase alpha + noise), computed from the
     * projected vectors. The noise is a signed sum of 4 random vectors of a bank of 1024 Gaussian
     * latent vectors, divided by 2: the same covariance (noiseStd² · I / L in latent space) at the
     * cost of 4 additions.
     *
     * @param qBackground Q·background of the video
     * @param step        the step at this second, or null for an idle second
     */
    void frame(float[] qBackground, Step step, double alpha, double noiseStd, SplittableRandom r, float[] out,
            int off) {
        float[] acc = new float[dim];
        System.arraycopy(qBackground, 0, acc, 0, dim);
        if (step != null) {
            add(acc, qVerbPoses[step.verb()][0], (float) (1 - alpha));
            add(acc, qVerbPoses[step.verb()][1], (float) alpha);
            add(acc, qObjects[step.verb()][step.object()], 1);
            add(acc, qAttributes[step.attribute()], 1);
            add(acc, qAmounts[step.amount()], 1);
            add(acc, qTools[step.tool() < 0 ? qTools.length - 1 : step.tool()], 1);
            add(acc, qPlaces[step.place() < 0 ? qPlaces.length - 1 : step.place()], 1);
        }
        for (int k = 0; k < 4; k++) {
            add(acc, qNoise[r.nextInt(NOISE_BANK)], (float) (r.nextBoolean() ? noiseStd / 2 : -noiseStd / 2));
        }
        for (int d = 0; d < dim; d++) {
            out[off + d] = tanh(gain[d] * scale * acc[d] + bias[d]);
        }
    }

    private static void add(float[] acc, float[] v, float w) {
        for (int d = 0; d < acc.length; d++) {
            acc[d] += w * v[d];
        }
    }

    /** tanh through exp: Math.tanh is not an intrinsic and dominated the generation time. */
    static float tanh(float x) {
        if (x > 20) {
            return 1f;
        }
        if (x < -20) {
            return -1f;
        }
        double e = Math.exp(2.0 * x);
        return (float) ((e - 1) / (e + 1));
    }

    /** Maps one latent vector to a feature row. */
    void map(float[] z, float[] out, int off) {
        for (int d = 0; d < dim; d++) {
            float acc = 0;
            int row = d * latent;
            for (int i = 0; i < latent; i++) {
                acc += q[row + i] * z[i];
            }
            out[off + d] = tanh(gain[d] * scale * acc + bias[d]);
        }
    }

    /** Recovers the latent vector of one feature row (exact up to float rounding and saturation). */
    public float[] invert(float[] x, int off) {
        return invert(q, gain, bias, scale, latent, x, off);
    }

    /** The latent vector of the feature row x[off, off + D) under x = tanh(g·s·Qz + b), Q orthonormal columns. */
    static float[] invert(float[] q, float[] gain, float[] bias, float scale, int latent, float[] x, int off) {
        int dim = gain.length;
        float[] z = new float[latent];
        for (int d = 0; d < dim; d++) {
            double v = Math.max(-0.999999, Math.min(0.999999, x[off + d]));
            double qz = (0.5 * Math.log((1 + v) / (1 - v)) - bias[d]) / (gain[d] * scale);
            int row = d * latent;
            for (int i = 0; i < latent; i++) {
                z[i] += (float) (q[row + i] * qz);
            }
        }
        return z;
    }

    public int latentDim() {
        return latent;
    }

    public int dim() {
        return dim;
    }
}
