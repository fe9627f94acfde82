package io.github.taco.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal RFC 4180 reader (quoted fields, doubled quotes, commas and newlines inside quotes).
 * Hand-written because the pom has no CSV library and the annotation CSVs need nothing more.
 */
final class Csv {
    private Csv() {}

    /** Rows as maps from header name to value; every row must have as many fields as the header. */
    static List<Map<String, String>> read(Path file) throws IOException {
        List<List<String>> rows = parse(Files.readString(file, StandardCharsets.UTF_8));
        if (rows.isEmpty()) {
            throw new IOException(file + " is empty (expected a header row)");
        }
        List<String> header = rows.get(0);
        List<Map<String, String>> out = new ArrayList<>(rows.size() - 1);
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.get(0).isEmpty()) {
                continue; // blank line
            }
            if (row.size() != header.size()) {
                throw new IOException(file + " line " + (r + 1) + ": " + row.size() + " fields, header has " + header.size());
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                m.put(header.get(i).trim(), row.get(i));
            }
            out.add(m);
        }
        return out;
    }

    /** The header's column names. */
    static List<String> header(Path file) throws IOException {
        List<List<String>> rows = parse(Files.readString(file, StandardCharsets.UTF_8));
        return rows.isEmpty() ? List.of() : rows.get(0).stream().map(String::trim).toList();
    }

    static List<List<String>> parse(String s) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = s.startsWith("\uFEFF") ? 1 : 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
