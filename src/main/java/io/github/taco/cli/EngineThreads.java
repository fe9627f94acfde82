package io.github.taco.cli;

/** Sets PyTorch's thread counts before the engine loads (it reads them once, at start-up). */
final class EngineThreads {
    private EngineThreads() {}

    /**
     * Measured on 2 shared cores (d=256 cascade, 10k clips): one query at a time ran ~4x faster with
     * 1 intra-op thread than with 2 (p50 58 vs 250 ms), while 4 concurrent HTTP clients got more
     * throughput with 2 (32 vs 18 req/s). So {@code taco search} defaults to 1 and {@code taco serve}
     * to PyTorch's default (0 here). An explicit -Dai.djl.pytorch.num_threads wins.
     *
     * @param threads intra-op threads, 0 to keep PyTorch's default (one per core)
     */
    static void forSearch(int threads) {
        if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /**
     * For a process that trains beside another (the demo's TACo beside its L1 child): {@code threads}
     * intra-op threads, so each training keeps to its own core. An explicit -Dai.djl.pytorch.num_threads wins.
     */
    static void forTraining(int threads) {
        forSearch(threads);
    }
}
