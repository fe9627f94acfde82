package io.github.taco.serve;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.ClipIndex;
import io.github.taco.index.FrameStore;
import io.github.taco.index.IndexMeta;
import io.github.taco.index.IndexedClip;
import io.github.taco.index.SearchCalibration;
import io.github.taco.index.TestIndexes;
import io.github.taco.index.VideoIndex;
import io.github.taco.model.Checkpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the index cannot be read (a SolrCloud collection whose nodes are all down), the API answers 503, then recovers.
 */
class UnavailableIndexTest {
    @TempDir Path tmp;

    /** A local index that can be switched off, as a remote one goes away. */
    static final class SwitchableIndex implements ClipIndex {
        final VideoIndex local;
        volatile boolean down;

        SwitchableIndex(VideoIndex local) {
            this.local = local;
        }

        private void check() throws IOException {
            if (down) throw new IOException("Solr collection 'clips' at zk:2181: query failed: no live nodes");
        }

        @Override public IndexMeta meta() { return local.meta(); }
        @Override public String location() { return "switchable " + local.location(); }
        @Override public int size() throws IOException { check(); return local.size(); }
        @Override public List<IndexedClip> candidates(float[] q, int n, int ef)
                throws IOException { check(); return local.candidates(q, n, ef); }
        @Override public Optional<? extends Clip> clip(String id) throws IOException { check(); return local.clip(id); }
        @Override public List<? extends Clip> clipsOfVideo(String v)
                throws IOException { check(); return local.clipsOfVideo(v); }
        @Override public void add(Collection<IndexedClip> clips) throws IOException { check(); local.add(clips); }
        @Override public int deleteVideos(Collection<String> ids)
                throws IOException { check(); return local.deleteVideos(ids); }
        @Override public int deleteClips(Collection<String> ids)
                throws IOException { check(); return local.deleteClips(ids); }
        @Override public void refresh() throws IOException { check(); local.refresh(); }
        @Override public List<? extends Clip> sample(int n, long seed)
                throws IOException { check(); return local.sample(n, seed); }
        @Override public Optional<SearchCalibration> calibration() throws IOException { return local.calibration(); }
        @Override public void saveCalibration(SearchCalibration c)
                throws IOException { check(); local.saveCalibration(c); }
        @Override public void close() throws IOException { local.close(); }
    }

    @Test
    void searchVideosAndHealthAnswer503WhileTheIndexIsDownThenRecover() throws Exception {
        Path data = TestIndexes.data(tmp.resolve("data"), 4, 2, 3);
        try (Checkpoint ck = Checkpoint.open(TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 4))) {
            TestIndexes.build(tmp.resolve("index"), ck, data, FrameStore.Encoding.FLOAT16);
            try (SwitchableIndex index = new SwitchableIndex(VideoIndex.open(tmp.resolve("index"), true));
                    SearchServer server = new SearchServer(new CascadeSearcher(index, ck),
                            SearchServer.Options.defaults()).start("127.0.0.1", 0)) {
                HttpClient http = HttpClient.newHttpClient();
                ObjectMapper json = new ObjectMapper();
                String base = "http://127.0.0.1:" + server.port();
                String search = "/api/search?q=stir+the+sauce&k=3";
                assertEquals(200, get(http, base + search).statusCode());

                index.down = true;
                for (String path : List.of(search, "/api/videos/v1", "/api/health")) {
                    HttpResponse<String> r = get(http, base + path);
                    assertEquals(503, r.statusCode(), path + ": " + r.body());
                    JsonNode body = json.readTree(r.body());
                    String said = body.has("error") ? body.get("error").asText() : "";
                    assertTrue(said.contains("no live nodes"), path + ": " + r.body());
                }
                assertEquals("unavailable",
                        json.readTree(get(http, base + "/api/health").body()).get("status").asText());
                assertEquals("10", get(http, base + search).headers().firstValue("Retry-After").orElse(""));

                index.down = false;
                assertEquals(200, get(http, base + search).statusCode());
                assertEquals("ok", json.readTree(get(http, base + "/api/health").body()).get("status").asText());
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
