package io.github.taco.cli;

/** Sets PyTorch's thread counts before the engine loads (it reads them once, at start-up). */
final class EngineThreads {
    private EngineThreads() {}

    /**
     * One intra-op thread per query by default for search and serving: concurrent requests already
     * use the cores, and on a busy machine PyTorch's spinning worker threads made a query ~4x slower
     * (measured: p50 250 ms with 2 threads vs 58 ms with 1 on 2 shared cores). An explicit
     * -Dai.djl.pytorch.num_threads wins.
     */
    static void forSearch(int threads) {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
