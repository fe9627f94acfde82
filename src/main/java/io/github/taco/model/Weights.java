package io.github.taco.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.github.taco.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The model's trainable tensors by their checkpoint name (docs/method.md §1), like a PyTorch
 * {@code state_dict}. Modules keep references to these arrays; the optimizer walks them by name.
 *
 * <p>Initialisation is drawn from a seeded {@link Random} on the Java side, so a seed gives the same
 * model on every engine and device.
 */
public final class Weights implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> tensors = new LinkedHashMap<>();
    private final Random init;
    private final double std;

    public Weights(NDManager parent, long seed, double std) {
        this.manager = parent.newSubManager();
        this.init = new Random(seed);
        this.std = std;
    }

    public NDManager manager() {
        return manager;
    }

    /** A weight ~ N(0, std²): linear weights and embedding tables. */
    NDArray normal(String name, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (init.nextGaussian() * std);
        }
        return add(name, manager.create(v, new Shape(shape)));
    }

    NDArray zeros(String name, long... shape) {
        return add(name, manager.zeros(new Shape(shape), DataType.FLOAT32));
    }

    NDArray ones(String name, long... shape) {
        return add(name, manager.ones(new Shape(shape), DataType.FLOAT32));
    }

    private NDArray add(String name, NDArray a) {
        if (tensors.containsKey(name)) {
            throw new IllegalStateException("duplicate tensor name " + name);
        }
        a.setName(name);
        a.setRequiresGradient(true);
        tensors.put(name, a);
        return a;
    }

    public NDArray get(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        return a;
    }

    /** Names in creation order (the order of the checkpoint file). */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(tensors.keySet()));
    }

    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public long parameterCount() {
        return tensors.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** Writes every tensor as float32 safetensors, atomically (temp file, then rename). */
    public void save(Path file) throws IOException {
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            list.add(e.getValue());
        }
        AtomicFiles.write(file, out -> list.encode(out, NDList.Encoding.SAFETENSORS));
    }

    /**
     * Reads tensors from a safetensors file into this model. {@code rename} maps a file's tensor
     * name to a model name (or null to ignore it, e.g. a BERT pooler). Every model tensor whose name
     * satisfies {@code required} must be present with the same shape.
     *
     * @return the model names that were loaded
     */
    public List<String> load(Path file, Function<String, String> rename, Predicate<String> required)
            throws IOException {
        List<String> loaded = new ArrayList<>();
        try (NDManager tmp = manager.newSubManager();
                InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            NDList list;
            try {
                list = NDList.decode(tmp, in);
            } catch (RuntimeException e) {
                throw new IOException(file + ": not a readable safetensors file (" + e.getMessage() + ")", e);
            }
            for (NDArray src : list) {
                String name = rename.apply(src.getName());
                if (name == null) {
                    continue;
                }
                NDArray dst = tensors.get(name);
                if (dst == null) {
                    throw new IOException(file + ": tensor '" + src.getName() + "' has no place in this model (as '"
                            + name + "')");
                }
                if (!dst.getShape().equals(src.getShape())) {
                    throw new IOException(file + ": tensor '" + src.getName() + "' has shape " + src.getShape()
                            + ", the model expects " + dst.getShape());
                }
                copyInto(dst, src.toType(DataType.FLOAT32, false));
                loaded.add(name);
            }
        }
        for (String name : tensors.keySet()) {
            if (required.test(name) && !loaded.contains(name)) {
                throw new IOException(file + ": tensor '" + name + "' is missing");
            }
        }
        return loaded;
    }

    /**
     * Copies src's values into dst in place, so that the modules' references to dst stay valid.
     * Not {@code dst.set(Buffer)}: DJL's JNI for it enters libtorch's deprecated AutoNonVariableTypeMode,
     * which prints a multi-line warning to the user's terminal on every start; an indexed put does
     * the same copy without it. Grad mode is off for the copy (an in-place write into a parameter).
     */
    public static void copyInto(NDArray dst, NDArray src) {
        boolean pytorch = "PyTorch".equals(Engine.getInstance().getEngineName());
        boolean wasGrad = pytorch && JniUtils.isGradMode();
        if (wasGrad) {
            JniUtils.setGradMode(false);
        }
        try {
            dst.set(new NDIndex("..."), src);
        } finally {
            if (wasGrad) {
                JniUtils.setGradMode(true);
            }
        }
    }

    /** Loads a file written by {@link #save} (names as they are). */
    public void load(Path file) throws IOException {
        load(file, Function.identity(), name -> true);
    }

    @Override
    public void close() {
        manager.close();
    }

}
