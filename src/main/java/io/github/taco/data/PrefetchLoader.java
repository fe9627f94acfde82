package io.github.taco.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Builds the next batches on a background thread while the trainer works on the current one.
 * At most {@code capacity} built batches wait in a bounded queue. A failure while building (for
 * example a broken feature file) is handed to the consumer: {@link #next()} throws a
 * {@link LoaderException} whose cause is the original exception. {@link #close()} stops the thread.
 *
 * <pre>{@code
 * try (PrefetchLoader batches = new PrefetchLoader(sampler.iterator(epochs), builder, 4)) {
 *     while (batches.hasNext()) { Batch b = batches.next(); ... }
 * }
 * }</pre>
 */
public final class PrefetchLoader implements Iterator<Batch>, AutoCloseable {

    /** A batch could not be built; the cause says why. */
    public static final class LoaderException extends RuntimeException {
        LoaderException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Item(Batch batch, BatchPlan plan, Throwable error, boolean end) {}

    private final BlockingQueue<Item> queue;
    private final BatchBuilder builder;
    private final Thread worker;
    private volatile boolean closed;
    private Item head;
    private BatchPlan lastPlan;

    public PrefetchLoader(Iterator<BatchPlan> plans, BatchBuilder builder, int capacity) {
        this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity));
        this.builder = builder;
        this.worker = new Thread(() -> produce(plans, builder), "taco-prefetch");
        worker.setDaemon(true);
        worker.start();
    }

    private void produce(Iterator<BatchPlan> plans, BatchBuilder builder) {
        try {
            while (!closed && plans.hasNext()) {
                BatchPlan p = plans.next();
                Item item;
                try {
                    item = new Item(builder.build(p.clips(), new Random(p.seed())), p, null, false);
                } catch (Exception | Error e) {
                    offer(new Item(null, p, e, false));
                    return;
                }
                offer(item);
            }
            offer(new Item(null, null, null, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for room in the queue, checking for close() every 50 ms. close() does not interrupt the
     * worker: an interrupt during a read would close a shared FileChannel (jhdf's) for good.
     */
    private void offer(Item item) throws InterruptedException {
        while (!closed) {
            if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    private Item peek() {
        if (head == null) {
            if (closed) {
                throw new IllegalStateException("loader is closed");
            }
            try {
                head = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LoaderException("interrupted while waiting for a batch", e);
            }
        }
        return head;
    }

    @Override
    public boolean hasNext() {
        return !peek().end();
    }

    /** @throws LoaderException if the batch could not be built */
    @Override
    public Batch next() {
        Item it = peek();
        if (it.end()) {
            throw new NoSuchElementException();
        }
        if (it.error() != null) { // stays at the head: every later call fails the same way
            BatchPlan p = it.plan();
            throw new LoaderException("building batch " + p.index() + " of epoch " + p.epoch() + " failed: "
                    + it.error().getMessage(), it.error());
        }
        head = null;
        lastPlan = it.plan();
        return it.batch();
    }

    /** Epoch and index of the batch last returned by {@link #next()}, or null before the first. */
    public BatchPlan lastPlan() {
        return lastPlan;
    }

    /** Stops the background thread and waits for it to finish the batch it is building. */
    @Override
    public void close() {
        closed = true;
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
    }

    /** The builder, for its counters: {@link BatchBuilder#fixups()} and {@link BatchBuilder#skippedClips()}. */
    public BatchBuilder builder() {
        return builder;
    }

    /** True while the background thread runs (for tests and diagnostics). */
    public boolean isWorkerAlive() {
        return worker.isAlive();
    }
}
