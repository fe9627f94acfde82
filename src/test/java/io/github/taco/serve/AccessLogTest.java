package io.github.taco.serve;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The access log's line: one request, key=value fields, the query only when asked for, nothing that breaks a line. */
class AccessLogTest {
    private static final Instant T = Instant.parse("2026-12-05T21:30:00Z");

    @Test
    void aRequestIsOneLineOfFields() {
        assertEquals("time=2026-12-05T21:30:00Z method=GET path=/api/search status=200 ms=12.3",
                SearchServer.accessLine(T, "GET", "/api/search", null, 200, 12.34f));
        assertEquals("time=2026-12-05T21:30:00Z method=GET path=/api/search query=q=onion&k=5 status=200 ms=3.0",
                SearchServer.accessLine(T, "GET", "/api/search", "q=onion&k=5", 200, 3f));
    }

    @Test
    void spacesQuotesAndControlCharactersCannotForgeALine() {
        String line = SearchServer.accessLine(T, "GET", "/api/videos/a b\"\n", "q=x\r\ntime=forged", 404, 1f);
        assertFalse(line.contains("\n") || line.contains("\r"), line);
        assertTrue(line.contains("path=\"/api/videos/a b\\\"\\u000a\""), line);
        assertTrue(line.contains("query=\"q=x\\u000d\\u000atime=forged\""), line);
    }
}
