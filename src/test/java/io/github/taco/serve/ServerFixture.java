package io.github.taco.serve;

import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.FrameStore;
import io.github.taco.index.TestIndexes;
import io.github.taco.index.VideoIndex;
import io.github.taco.model.Checkpoint;
import java.nio.file.Path;

/** A tiny index served on 127.0.0.1 at a free port. */
final class ServerFixture implements AutoCloseable {
    final Checkpoint checkpoint;
    final VideoIndex index;
    final SearchServer server;

    ServerFixture(Path tmp) throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 8, 3, 42);
        checkpoint = Checkpoint.open(TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 9));
        TestIndexes.build(tmp.resolve("index"), checkpoint, data, FrameStore.Encoding.FLOAT16);
        index = VideoIndex.open(tmp.resolve("index"), true);
        server = new SearchServer(new CascadeSearcher(index, checkpoint), SearchServer.Options.defaults())
                .start("127.0.0.1", 0);
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() throws Exception {
        server.close();
        index.close();
        checkpoint.close();
    }
}
