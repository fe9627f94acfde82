package io.github.taco.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The annotation CSVs (RFC 4180: quoted fields, doubled quotes, commas and newlines inside quotes), read with Jackson's
 * CSV module.
 */
final class Csv {
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();

    private Csv() {}

    /**
     * Rows as maps from header name to value; every row must have as many fields as the header; blank lines are
     * skipped.
     */
    static List<Map<String, String>> read(Path file) throws IOException {
        List<List<String>> rows;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            rows = rows(in);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage(), e);
        }
        if (rows.isEmpty()) {
            throw new IOException(file + " is empty (expected a header row)");
        }
        List<String> header = rows.get(0).stream().map(String::trim).toList();
        List<Map<String, String>> out = new ArrayList<>(rows.size() - 1);
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.get(0).isEmpty()) {
                continue; // blank line
            }
            if (row.size() != header.size()) {
                throw new IOException(file + " row " + (r + 1) + ": " + row.size() + " fields, header has "
                        + header.size());
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                m.put(header.get(i), row.get(i));
            }
            out.add(m);
        }
        return out;
    }

    /** Every record as its list of fields (header included). */
    static List<List<String>> parse(String s) {
        try {
            return rows(new StringReader(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<List<String>> rows(Reader in) throws IOException {
        in.mark(1);
        if (in.markSupported() && in.read() != '\uFEFF') {
            in.reset(); // a byte-order mark is not part of the first column's name
        }
        List<List<String>> rows = new ArrayList<>();
        try (MappingIterator<List<String>> it = CSV.readerForListOf(String.class).readValues(in)) {
            while (it.hasNextValue()) {
                rows.add(it.nextValue());
            }
        }
        return rows;
    }
}
