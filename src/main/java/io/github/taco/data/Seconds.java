package io.github.taco.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The time fields of every annotation reader, read by one rule: a number of seconds, or an error naming
 * the file, the video and the field (a string, null, NaN, ±Infinity; a duration of zero or less). A
 * negative segment start is left to the checks, which clamp it with a warning. The JSON readers parse
 * NaN and Infinity literals so that the field holding one is named here rather than by the parser.
 */
final class Seconds {
    /**
     * A JSON reader that lets NaN and Infinity through, for {@link #of(Path, String, String, JsonNode, boolean)} to
     * name.
     */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build());

    private Seconds() {}

    /** Reads a JSON annotation file, or an error naming it and the line and column where it is not JSON. */
    static JsonNode readJson(Path file, String what) throws IOException {
        try {
            return JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            var at = e.getLocation();
            throw new IOException(file + ": not " + what + " (not JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": "
                    + e.getOriginalMessage() + ")", e);
        }
    }

    /**
     * @param positive a duration: must be more than 0
     */
    static double of(Path file, String video, String field, JsonNode n, boolean positive) throws IOException {
        String what = file + ": video " + video + ", " + field + ": ";
        if (n == null || n.isMissingNode() || !n.isNumber()) {
            throw new IOException(what + "expected a number of seconds, got "
                    + (n == null || n.isMissingNode() ? "nothing" : n.toString()));
        }
        double v = n.asDouble();
        // Jackson quotes a NaN node
        return check(what, v, Double.isFinite(v) ? n.toString() : Double.toString(v), positive);
    }

    /** A CSV field: its text must be a number. */
    static double of(Path file, String video, String field, String text, boolean positive) throws IOException {
        String what = file + ": video " + video + ", " + field + ": ";
        double v;
        try {
            v = Double.parseDouble(text == null ? "" : text.trim());
        } catch (NumberFormatException e) {
            throw new IOException(what + "expected a number of seconds, got '" + text + "'");
        }
        return check(what, v, text, positive);
    }

    private static double check(String what, double v, String text, boolean positive) throws IOException {
        if (!Double.isFinite(v)) {
            throw new IOException(what + text.trim() + " is not a number of seconds");
        }
        if (positive && !(v > 0)) {
            throw new IOException(what + "must be more than 0 s, got " + text.trim());
        }
        return v;
    }
}
