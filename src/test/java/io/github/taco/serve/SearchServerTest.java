package io.github.taco.serve;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchServerTest {
    @TempDir static Path tmp;
    static ServerFixture fx;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(fx.base() + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void searchReturnsRankedClipsWithScoresAndHeatStrips() throws Exception {
        HttpResponse<String> r = get("/api/search?q=" + enc("  stir the sauce in the pan ") + "&k=5");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonNode b = JSON.readTree(r.body());
        assertEquals("stir the sauce in the pan", b.get("query").asText());
        assertEquals(5, b.get("hits").size());
        assertEquals(24, b.get("indexSize").asInt());
        JsonNode h = b.get("hits").get(0);
        for (String f : new String[] {"clipId", "videoId", "start", "end", "s1", "s2", "s3", "score", "tokens"}) {
            assertTrue(h.has(f), f);
        }
        assertTrue(h.get("rescored").asBoolean());
        JsonNode t = h.get("tokens").get(0);
        assertEquals(t.get("frameTimes").size(), t.get("perFrame").size());
        assertTrue(t.get("bestFrame").asInt() < t.get("perFrame").size());
        List<String> words = new ArrayList<>();
        b.get("tokens").forEach(x -> words.add(x.get("word").asText()));
        assertTrue(words.containsAll(List.of("stir", "sauce", "pan")), words.toString());
    }

    @Test
    void badParametersGive400WithJsonErrorNamingTheParameter() throws Exception {
        String[][] cases = {
            {"/api/search", "'q'"},
            {"/api/search?q=", "'q'"},
            {"/api/search?q=%20%20%20", "'q'"},
            {"/api/search?q=" + "a".repeat(501), "'q'"},
            {"/api/search?q=onion&k=0", "'k'"},
            {"/api/search?q=onion&k=101", "'k'"},
            {"/api/search?q=onion&k=ten", "'k'"},
            {"/api/search?q=onion&n=0", "'n'"},
            {"/api/search?q=onion&r=-1", "'r'"},
            {"/api/search?q=onion&k=20&n=10", "'n'"},
            {"/api/search?q=onion&k=", "'k'"},
            {"/api/search?q=onion&order=best", "'order'"},
            {"/api/search?q=onion&r=%20", "'r'"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = get(c[0]);
            assertEquals(400, r.statusCode(), c[0] + " → " + r.body());
            JsonNode b = JSON.readTree(r.body());
            assertTrue(b.get("error").asText().contains(c[1]), c[0] + " → " + r.body());
        }
        HttpResponse<String> ok = get("/api/search?q=" + "a".repeat(500) + "&k=100");
        assertEquals(200, ok.statusCode(), "500 characters and k=100 are allowed");
    }

    @Test
    void videosHealthMetricsAnd404() throws Exception {
        HttpResponse<String> clip = get("/api/videos/" + enc("v3#1"));
        assertEquals(200, clip.statusCode(), clip.body());
        JsonNode c = JSON.readTree(clip.body()).get("clips");
        assertEquals(1, c.size());
        assertEquals("v3", c.get(0).get("videoId").asText());
        HttpResponse<String> video = get("/api/videos/v3");
        assertEquals(3, JSON.readTree(video.body()).get("clips").size());
        HttpResponse<String> missing = get("/api/videos/nope");
        assertEquals(404, missing.statusCode());
        assertTrue(JSON.readTree(missing.body()).get("error").asText().contains("nope"));
        HttpResponse<String> unknown = get("/api/unknown");
        assertEquals(404, unknown.statusCode());
        assertTrue(JSON.readTree(unknown.body()).has("error"), unknown.body());

        JsonNode health = JSON.readTree(get("/api/health").body());
        assertEquals("ok", health.get("status").asText());
        assertEquals(24, health.get("clips").asInt());
        get("/api/search?q=onion");
        JsonNode m = JSON.readTree(get("/api/metrics").body());
        JsonNode s = m.get("endpoints").get("/api/search");
        assertTrue(s.get("requests").asLong() >= 1, m.toString());
        assertTrue(s.get("latencyMs").get("p50").asDouble() > 0, m.toString());
        assertTrue(s.get("latencyMs").get("p99").asDouble() >= s.get("latencyMs").get("p50").asDouble());
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("id=\"q\""));
        assertFalse(page.body().matches("(?s).*(src|href)=\"(https?:)?//.*"),
                "the page loads nothing from the network");
    }

    @Test
    void concurrentRequestsAllSucceedWithSequentialResults() throws Exception {
        String[] queries = {"chop the onion", "boil the pasta", "fry chicken in oil", "whisk the cream",
                "peel potatoes"};
        List<String> expected = new ArrayList<>();
        for (String q : queries) {
            expected.add(hitsOf(get("/api/search?k=10&q=" + enc(q))));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final int thread = t;
                fs.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 20; i++) {
                        int qi = (thread + i) % queries.length;
                        HttpResponse<String> r = get("/api/search?k=10&q=" + enc(queries[qi]));
                        assertEquals(200, r.statusCode(), r.body());
                        assertEquals(expected.get(qi), hitsOf(r), queries[qi]);
                        ok++;
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (Future<Integer> f : fs) total += f.get();
            assertEquals(160, total);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One raw HTTP/1.1 request over a socket (for what HttpClient will not send); the whole answer. */
    static String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", URI.create(fx.base()).getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String rawGet(String target, String host, String extraHeaders) throws Exception {
        return raw("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders
                + "Connection: close\r\n\r\n");
    }

    static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    static JsonNode jsonBody(String answer) throws Exception {
        assertTrue(answer.toLowerCase().contains("content-type: application/json"), answer);
        return JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }

    @Test
    void errorsJettyAnswersItselfAreJsonToo() throws Exception {
        String host = "127.0.0.1:" + URI.create(fx.base()).getPort();
        String longQuery = rawGet("/api/search?q=" + "a".repeat(10_000), host, "");
        assertEquals(414, status(longQuery), longQuery);
        assertTrue(jsonBody(longQuery).get("error").asText().contains("'q'"), longQuery);

        String dots = rawGet("/%2e%2e/%2e%2e/etc/passwd", host, "");
        assertEquals(400, status(dots), dots);
        assertTrue(jsonBody(dots).get("error").asText().contains("%2e%2e"), "says what was refused: " + dots);

        String bigHeaders = rawGet("/api/health", host, "X-Padding: " + "x".repeat(20_000) + "\r\n");
        assertEquals(431, status(bigHeaders), bigHeaders);
        assertTrue(jsonBody(bigHeaders).get("error").asText().contains("headers"), bigHeaders);
    }

    @Test
    void orderChoosesHowCandidatesAreRanked() throws Exception {
        for (String[] c : new String[][] {{"s1", "s1"}, {enc("s1+s2"), "s1+s2"}, {"cascade", "cascade"}}) {
            HttpResponse<String> r = get("/api/search?q=" + enc("stir the sauce") + "&k=10&order=" + c[0]);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode b = JSON.readTree(r.body());
            assertEquals(c[1], b.get("order").asText());
            JsonNode hits = b.get("hits");
            for (int i = 1; i < hits.size(); i++) {
                JsonNode prev = hits.get(i - 1);
                JsonNode h = hits.get(i);
                if (c[1].equals("s1")) assertTrue(prev.get("s1").asDouble() >= h.get("s1").asDouble(), r.body());
                if (c[1].equals("s1+s2")) assertTrue(prev.get("s1").asDouble() + 0.5 * prev.get("s2").asDouble()
                        >= h.get("s1").asDouble() + 0.5 * h.get("s2").asDouble() - 1e-9, r.body());
            }
            assertEquals(c[1].equals("cascade"), hits.get(0).get("rescored").asBoolean());
        }
    }

    @Test
    void brokenPercentEncodingNamesTheParameter() throws Exception {
        String host = "127.0.0.1:" + URI.create(fx.base()).getPort();
        String[][] cases = {{"/api/search?q=%ZZ", "'q' is not valid percent-encoding"},
                {"/api/search?q=onion&k=%G1", "'k' is not valid percent-encoding"}};
        for (String[] c : cases) {
            String r = rawGet(c[0], host, "");
            assertEquals(400, status(r), c[0] + " → " + r);
            assertTrue(jsonBody(r).get("error").asText().contains(c[1]), c[0] + " → " + r);
        }
    }

    @Test
    void pagesAndGroupsByVideo() throws Exception {
        String q = "/api/search?q=" + enc("stir the sauce");
        JsonNode four = JSON.readTree(get(q + "&k=4").body());
        JsonNode second = JSON.readTree(get(q + "&k=2&offset=2").body());
        assertEquals(2, second.get("offset").asInt());
        assertEquals(4, second.get("nextOffset").asInt());
        for (int i = 0; i < 2; i++) {
            assertEquals(four.get("hits").get(2 + i).get("clipId").asText(),
                    second.get("hits").get(i).get("clipId").asText());
            assertEquals(3 + i, second.get("hits").get(i).get("rank").asInt(), "ranks stay those of the whole ranking");
        }
        JsonNode grouped = JSON.readTree(get(q + "&k=5&group=video").body());
        assertEquals("video", grouped.get("group").asText());
        Set<String> videos = new HashSet<>();
        int others = 0;
        for (JsonNode h : grouped.get("hits")) {
            assertTrue(videos.add(h.get("videoId").asText()), "one card per video: " + grouped);
            for (JsonNode o : h.get("otherClips")) {
                assertTrue(o.get("clipId").asText().startsWith(h.get("videoId").asText() + "#"), o.toString());
                assertTrue(o.get("rank").asInt() > h.get("rank").asInt(), "the video's best clip comes first");
                others++;
            }
        }
        assertEquals(5, videos.size());
        assertTrue(others > 0, "some video has more than one matching clip: " + grouped);
        HttpResponse<String> bad = get(q + "&group=clip");
        assertEquals(400, bad.statusCode());
        assertTrue(JSON.readTree(bad.body()).get("error").asText().contains("'group'"), bad.body());
    }

    @Test
    void hitsGiveTheirWordsAsWellAsTheirPieces() throws Exception {
        JsonNode b = JSON.readTree(get("/api/search?q=" + enc("stir the sauce") + "&k=3").body());
        JsonNode hit = b.get("hits").get(0);
        assertTrue(hit.get("words").size() >= 1 && hit.get("words").size() <= hit.get("tokens").size(), hit.toString());
        double pieces = 0;
        for (JsonNode t : hit.get("tokens")) pieces += t.get("weight").asDouble();
        double words = 0;
        for (JsonNode w : hit.get("words")) words += w.get("weight").asDouble();
        assertEquals(pieces, words, 1e-9, "the words' weights are their pieces'");
    }

    @Test
    void aClipHasItsOwnEndpointAndAnUnescapedHashIsNamed() throws Exception {
        HttpResponse<String> clip = get("/api/clips/" + enc("v3#1"));
        assertEquals(200, clip.statusCode(), clip.body());
        JsonNode c = JSON.readTree(clip.body());
        assertEquals("v3#1", c.get("clipId").asText());
        assertEquals("v3", c.get("videoId").asText());
        // "/api/clips/v3#1" typed as is: the client drops "#1", the server sees a video id
        HttpResponse<String> cut = get("/api/clips/v3#1");
        assertEquals(404, cut.statusCode(), cut.body());
        String error = JSON.readTree(cut.body()).get("error").asText();
        assertTrue(error.contains("is a video, not a clip") && error.contains("%23"), error);
        HttpResponse<String> none = get("/api/clips/" + enc("nope#4"));
        assertEquals(404, none.statusCode());
        assertTrue(JSON.readTree(none.body()).get("error").asText().contains("no clip with id 'nope#4'"), none.body());
    }

    @Test
    void pathsOutsideTheApiAndControlCharactersAreJsonErrors() throws Exception {
        for (String path : new String[] {"/nope", "/foo/bar.html"}) {
            HttpResponse<String> r = get(path);
            assertEquals(404, r.statusCode(), path);
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                    path + " → " + r.headers());
            assertTrue(JSON.readTree(r.body()).get("error").asText().contains(path), r.body());
        }
        for (String q : new String[] {"%00", "onion%01", "cut%0Athe%0Donion"}) {
            HttpResponse<String> r = get("/api/search?q=" + q);
            assertEquals(400, r.statusCode(), q + " → " + r.body());
            assertTrue(JSON.readTree(r.body()).get("error").asText().contains("control character"), r.body());
        }
    }

    @Test
    void healthNamesTheIndexAndCheckpointWithoutTheirPaths() throws Exception {
        JsonNode health = JSON.readTree(get("/api/health").body());
        for (String field : new String[] {"index", "checkpoint"}) {
            String v = health.get(field).asText();
            assertFalse(v.isEmpty() || v.contains("/") || v.contains(tmp.toString()), field + ": " + v);
        }
        assertTrue(health.get("checkpointSha256").asText().matches("[0-9a-f]{64}"), health.toString());
    }

    @Test
    void otherMethodsGet405WithAllow() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE"}) {
            for (String path : new String[] {"/api/search?q=onion", "/api/videos/v3", "/api/clips/v3%230",
                    "/api/health", "/api/metrics"}) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(fx.base() + path))
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(405, r.statusCode(), method + " " + path + " → " + r.body());
                assertEquals("GET", r.headers().firstValue("allow").orElse(""), method + " " + path);
                if (!method.equals("HEAD")) { // a HEAD answer has no body
                    assertTrue(JSON.readTree(r.body()).get("error").asText().contains(method), r.body());
                }
            }
        }
    }

    @Test
    void foreignHostHeadersAreRefusedAndEveryAnswerSaysNosniff() throws Exception {
        int port = URI.create(fx.base()).getPort();
        for (String good : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port}) {
            String r = rawGet("/api/health", good, "");
            assertEquals(200, status(r), good + " → " + r);
        }
        for (String bad : new String[] {"evil.example:" + port, "attacker.test", "127.0.0.1.evil.example"}) {
            String api = rawGet("/api/search?q=onion", bad, "");
            assertEquals(403, status(api), bad + " → " + api);
            assertTrue(jsonBody(api).get("error").asText().contains("not served here"), api);
            String page = rawGet("/", bad, "");
            assertEquals(403, status(page), "the page too: " + page);
        }
        HttpResponse<String> page = get("/");
        assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElse(""));
        String csp = page.headers().firstValue("content-security-policy").orElse("");
        assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), csp);
        HttpResponse<String> api = get("/api/search?q=onion&k=0");
        assertEquals("nosniff", api.headers().firstValue("x-content-type-options").orElse(""), "errors too");
    }

    @Test
    void refusedRequestsStayOutOfTheSearchLatencies() throws Exception {
        JsonNode before = JSON.readTree(get("/api/metrics").body()).get("endpoints").get("/api/search");
        long answeredBefore = before == null ? 0 : before.get("latencyWindow").asLong();
        for (int i = 0; i < 5; i++) {
            assertEquals(400, get("/api/search?q=onion&k=0").statusCode());
        }
        assertEquals(200, get("/api/search?q=onion").statusCode());
        JsonNode s = JSON.readTree(get("/api/metrics").body()).get("endpoints").get("/api/search");
        assertEquals(answeredBefore + 1, s.get("latencyWindow").asLong(), s.toString());
        assertTrue(s.get("errorLatencyMs").get("p50").asDouble() >= 0, s.toString());
        assertTrue(s.get("byStatus").get("400").asLong() >= 5, s.toString());
    }

    /** The hits without timing fields: clip ids and exact scores. */
    static String hitsOf(HttpResponse<String> r) throws Exception {
        JsonNode b = JSON.readTree(r.body());
        return b.get("hits").toString();
    }
}
