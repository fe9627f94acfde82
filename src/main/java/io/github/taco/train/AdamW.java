package io.github.taco.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.github.taco.io.AtomicFiles;
import io.github.taco.model.Weights;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Adam with decoupled weight decay (AdamW), the paper's optimiser (docs/method.md §6).
 *
 * <p>Hand-written (15 lines of update) because DJL's {@code Adam} keeps its moments private, so
 * they cannot be checkpointed and a run could not resume exactly. Weight decay applies to
 * matrices and embedding tables, not to biases and LayerNorm parameters (as BERT).
 *
 * <p>Each parameter may take a fixed fraction of the step's learning rate ({@code rateScale}): the
 * text encoder is fine-tuned at a lower rate than the rest (docs/method.md §6).
 */
public final class AdamW implements AutoCloseable {
    private final Weights weights;
    private final NDManager manager;
    private final Map<String, NDArray> mean = new LinkedHashMap<>();
    private final Map<String, NDArray> variance = new LinkedHashMap<>();
    /** Per parameter, the factor of the step's learning rate it is updated with (1 for most). */
    private final Map<String, Double> rateScale = new LinkedHashMap<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private long t;

    /** Every parameter at the step's learning rate. */
    public AdamW(Weights weights, double beta1, double beta2, double eps, double weightDecay) {
        this(weights, beta1, beta2, eps, weightDecay, name -> 1.0);
    }

    /**
     * @param rateScale per parameter name, the factor of the step's learning rate it is updated with
     *                  (weight decay scales with it too, as it is decoupled: lr·wd); 0 leaves it unchanged
     */
    public AdamW(Weights weights, double beta1, double beta2, double eps, double weightDecay,
            ToDoubleFunction<String> rateScale) {
        this.weights = weights;
        this.manager = weights.manager().newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Map.Entry<String, NDArray> e : weights.asMap().entrySet()) {
            NDArray m = manager.zeros(e.getValue().getShape(), DataType.FLOAT32);
            m.setName("exp_avg." + e.getKey());
            mean.put(e.getKey(), m);
            NDArray v = manager.zeros(e.getValue().getShape(), DataType.FLOAT32);
            v.setName("exp_avg_sq." + e.getKey());
            variance.put(e.getKey(), v);
            double f = rateScale.applyAsDouble(e.getKey());
            if (!(f >= 0 && Double.isFinite(f))) {
                throw new IllegalArgumentException("learning-rate factor of " + e.getKey() + " must be >= 0, got " + f);
            }
            this.rateScale.put(e.getKey(), f);
        }
    }

    /** Number of updates made so far. */
    public long steps() {
        return t;
    }

    /**
     * The global L2 norm of all gradients (before clipping). Call after backward.
     */
    public double gradientNorm() {
        double sq = 0;
        try (NDManager scope = manager.newSubManager()) {
            for (NDArray p : weights.asMap().values()) {
                NDArray g = gradientOf(p, scope);
                if (g != null) {
                    sq += g.square().sum().getFloat();
                }
            }
        }
        return Math.sqrt(sq);
    }

    /**
     * One update with learning rate {@code lr} (times each parameter's rate factor); gradients are
     * scaled by {@code gradScale} (clipping) and then zeroed, so every parameter starts the next step from 0.
     */
    public void step(double lr, double gradScale) {
        t++;
        float c1 = (float) (1 - Math.pow(beta1, t));
        float c2 = (float) (1 - Math.pow(beta2, t));
        try (NDManager scope = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : weights.asMap().entrySet()) {
                NDArray p = e.getValue();
                // lr × 1.0 is lr exactly: parameters at the main rate update bit for bit as without factors.
                double plr = lr * rateScale.get(e.getKey());
                NDArray g = gradientOf(p, scope);
                if (g == null) {
                    continue; // not used by the objective this step (e.g. fusion when L3 is off)
                }
                NDArray m = mean.get(e.getKey());
                NDArray v = variance.get(e.getKey());
                scope.tempAttachAll(m, v); // temporaries derived from m, v belong to this step
                if (gradScale != 1) {
                    g.muli((float) gradScale);
                }
                // PyTorch's Adam formula with in-place ops: few temporaries, as large buffers cost page faults.
                v.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
                m.muli((float) beta1).addi(g.muli((float) (1 - beta1))); // g is zeroed below, so scale it in place
                NDArray denom = v.sqrt().muli((float) (1 / Math.sqrt(c2))).addi((float) eps);
                if (weightDecay > 0 && p.getShape().dimension() > 1) {
                    p.muli((float) (1 - plr * weightDecay));
                }
                p.subi(m.div(denom).muli((float) (plr / c1)));
                g.subi(g); // zero in place: PyTorch accumulates gradients across backward calls
            }
        }
    }

    /** Names of the parameters whose gradient holds a NaN or an infinity (for error messages). */
    public List<String> nonFiniteGradients() {
        List<String> bad = new ArrayList<>();
        try (NDManager scope = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : weights.asMap().entrySet()) {
                NDArray g = gradientOf(e.getValue(), scope);
                if (g != null && (g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean())) {
                    bad.add(e.getKey());
                }
            }
        }
        return bad;
    }

    /**
     * Zeroes all gradients without updating (after a skipped step). A scalar fill, not {@code g - g}
     * (an infinity would stay NaN for every later step) and not {@code set(float[])} (that makes the
     * tensor use a Java buffer which dies with this wrapper: use-after-free, seen as a SIGSEGV).
     */
    public void zeroGradients() {
        try (NDManager scope = manager.newSubManager()) {
            for (NDArray p : weights.asMap().values()) {
                NDArray g = gradientOf(p, scope);
                if (g != null) {
                    g.set(new NDIndex("..."), 0f);
                }
            }
        }
    }

    private static NDArray gradientOf(NDArray p, NDManager scope) {
        NDArray g;
        try {
            g = p.getGradient();
        } catch (IllegalStateException | NullPointerException e) {
            return null; // the engine has no gradient tensor for p yet
        }
        if (g == null) {
            return null;
        }
        g.attach(scope);
        return g;
    }

    /** Writes the moments as safetensors (exp_avg.NAME, exp_avg_sq.NAME). */
    public void save(Path file) throws IOException {
        NDList list = new NDList();
        list.addAll(mean.values());
        list.addAll(variance.values());
        AtomicFiles.write(file, out -> list.encode(out, NDList.Encoding.SAFETENSORS));
    }

    /** Restores moments written by {@link #save} and the update count {@code steps}. */
    public void load(Path file, long steps) throws IOException {
        try (NDManager tmp = manager.newSubManager();
                InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            NDList list = NDList.decode(tmp, in);
            int found = 0;
            for (NDArray a : list) {
                String name = a.getName();
                NDArray dst = name.startsWith("exp_avg_sq.") ? variance.get(name.substring(11))
                        : name.startsWith("exp_avg.") ? mean.get(name.substring(8)) : null;
                if (dst == null || !dst.getShape().equals(a.getShape())) {
                    throw new IOException(file + ": tensor '" + name + "' does not match this model");
                }
                Weights.copyInto(dst, a);
                found++;
            }
            if (found != mean.size() * 2) {
                throw new IOException(file + ": has " + found + " moment tensors, the model needs " + mean.size() * 2);
            }
        }
        this.t = steps;
    }

    @Override
    public void close() {
        manager.close();
    }
}
