package io.github.taco.index.solr;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.index.TestIndexes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar (target/taco.jar, the shade plugin's output) against a real SolrCloud cluster: the
 * tests run the CLI on the test class path, where a dependency the shade plugin leaves out (Netty once)
 * is still present; only this test sees the jar's own class path. Run by maven-failsafe-plugin in
 * {@code mvn verify}, after the jar is built.
 */
class ShippedJarSolrIT {
    @TempDir Path tmp;

    record Run(int code, String out) {}

    private Run taco(Path log, String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("taco.jar", "target/taco.jar"));
        assertTrue(Files.isRegularFile(jar), jar.toAbsolutePath() + " is missing: run through 'mvn verify'");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "taco " + String.join(" ", args) + " did not finish");
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void theJarIndexesSearchesAndServesACollection() throws Exception {
        try (SolrTestCluster cluster = SolrTestCluster.start(tmp.resolve("solr"), 1)) {
            Path ckpt = TestIndexes.checkpoint(tmp.resolve("ckpt"), "cosine", 11);
            Path data = TestIndexes.data(tmp.resolve("data"), 12, 5, 5);
            Run index = taco(tmp.resolve("index.log"), "index", "--solr", cluster.zkAddress(), "--collection", "jar",
                    "--checkpoint", ckpt.toString(), "--annotations",
                    data.resolve("youcookii_annotations_trainval.json").toString(),
                    "--features", data.resolve("features").toString(), "--split", "validation");
            assertEquals(0, index.code(), index.out());
            assertTrue(index.out().contains("the collection has 60 clips"), index.out());

            String urls = String.join(",", cluster.nodeUrls());
            Run search = taco(tmp.resolve("search.log"), "search", "--solr", urls, "--collection", "jar",
                    "--checkpoint", ckpt.toString(), "stir the sauce", "-k", "3");
            assertEquals(0, search.code(), search.out());
            assertTrue(search.out().contains("60 clips indexed"), search.out());
            assertTrue(search.out().lines().anyMatch(l -> l.startsWith("   3  ")), search.out());

            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path serveLog = tmp.resolve("serve.log");
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                    "-Dai.djl.offline=true", "-jar",
                    Path.of(System.getProperty("taco.jar", "target/taco.jar")).toString(), "serve", "--solr", urls,
                    "--collection", "jar", "--checkpoint", ckpt.toString(), "--port", Integer.toString(port));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(serveLog.toFile());
            pb.environment().put("DJL_OFFLINE", "true");
            pb.environment().put("OPT_OUT_TRACKING", "true");
            Process server = pb.start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> r = null;
                for (int i = 0; i < 120 && server.isAlive(); i++) {
                    try {
                        r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/api/search?q=stir+the+sauce&k=4")).build(), HttpResponse.BodyHandlers.ofString());
                        break;
                    } catch (ConnectException notYet) {
                        Thread.sleep(500);
                    }
                }
                assertNotNull(r, "the server did not answer: " + Files.readString(serveLog));
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(4, new ObjectMapper().readTree(r.body()).get("hits").size(), r.body());
            } finally {
                server.destroy();
                server.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
