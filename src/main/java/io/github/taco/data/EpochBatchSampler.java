package io.github.taco.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Seeded, epoch-based shuffling into batches: epoch e is a permutation of the clips drawn from
 * (seed, e) alone, cut into batches of {@code batchSize}; the last short batch is dropped when
 * {@code dropLast} (contrastive losses want a constant K). The same seed gives the same batches
 * on any machine.
 */
public final class EpochBatchSampler {
    private final List<Clip> clips;
    private final int batchSize;
    private final long seed;
    private final boolean dropLast;

    public EpochBatchSampler(List<Clip> clips, int batchSize, long seed, boolean dropLast) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive");
        }
        if (clips.isEmpty() || (dropLast && clips.size() < batchSize)) {
            throw new IllegalArgumentException("no full batch: " + clips.size() + " clips, batch size " + batchSize);
        }
        this.clips = List.copyOf(clips);
        this.batchSize = batchSize;
        this.seed = seed;
        this.dropLast = dropLast;
    }

    public int batchesPerEpoch() {
        return dropLast ? clips.size() / batchSize : (clips.size() + batchSize - 1) / batchSize;
    }

    /** The batches of one epoch. */
    public List<BatchPlan> epoch(int epoch) {
        List<Clip> order = new ArrayList<>(clips);
        // SplittableRandom.split-free mixing: a distinct, well-spread stream per (seed, epoch)
        long epochSeed = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1))).nextLong();
        Collections.shuffle(order, new Random(epochSeed));
        List<BatchPlan> out = new ArrayList<>(batchesPerEpoch());
        for (int b = 0; b < batchesPerEpoch(); b++) {
            List<Clip> part = order.subList(b * batchSize, Math.min(order.size(), (b + 1) * batchSize));
            out.add(new BatchPlan(epoch, b, List.copyOf(part), epochSeed + 31L * (b + 1)));
        }
        return out;
    }

    /** Batches of epochs 0, 1, ... {@code epochs - 1}; {@code epochs <= 0} means without end. */
    public Iterator<BatchPlan> iterator(int epochs) {
        return new Iterator<>() {
            int epoch = 0;
            Iterator<BatchPlan> current = epoch(0).iterator();

            @Override
            public boolean hasNext() {
                return current.hasNext() || epochs <= 0 || epoch + 1 < epochs;
            }

            @Override
            public BatchPlan next() {
                if (!current.hasNext()) {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    current = epoch(++epoch).iterator();
                }
                return current.next();
            }
        };
    }
}
