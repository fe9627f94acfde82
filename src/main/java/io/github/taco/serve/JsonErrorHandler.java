package io.github.taco.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.taco.index.CascadeSearcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The errors Jetty answers itself, before any of the server's handlers runs: a request line or
 * headers too long (414, 431), a URI it refuses (400, e.g. {@code /%2e%2e/}), come back as the API's
 * JSON {@code {"error": "..."}} instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CONTENT_TYPE = "application/json;charset=utf-8";

    /** Errors found while parsing the request (no request object exists yet). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        fields.put(SearchServer.NOSNIFF_HEADER, "nosniff");
        return ByteBuffer.wrap(body(status, reason).getBytes(StandardCharsets.UTF_8));
    }

    /** Errors of a parsed request that Jetty's servlet layer refuses. */
    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
            HttpServletResponse response, int code, String message) throws IOException {
        baseRequest.setHandled(true);
        response.setContentType(CONTENT_TYPE);
        response.setHeader(SearchServer.NOSNIFF_HEADER, "nosniff");
        response.getWriter().write(body(code, message));
    }

    static String body(int status, String reason) {
        String what = switch (status) {
            case 414 -> "request URI too long: the query 'q' takes at most " + CascadeSearcher.MAX_QUERY_CHARS
                    + " characters";
            case 431 -> "request headers too large";
            // Jetty's own reason for a refused URI is only "Bad Request": say what it refuses
            case 400 -> reason == null || reason.isBlank() || reason.equalsIgnoreCase("Bad Request")
                    ? "the request was refused before it reached the API: its URI or headers are not valid (an encoded "
                            + "'..' segment such as /%2e%2e/, a malformed escape, a bad header)"
                    : "the request was refused before it reached the API: " + reason;
            default -> HttpStatus.getMessage(status) + (reason == null || reason.isBlank() ? "" : ": " + reason);
        };
        try {
            return JSON.writeValueAsString(Map.of("error", what));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
