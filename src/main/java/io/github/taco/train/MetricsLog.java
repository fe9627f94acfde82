package io.github.taco.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training metrics as JSON lines ({@code metrics.jsonl}), one object per logged step or
 * evaluation, flushed as written so a crash loses nothing already logged. On resume the file is
 * cut back to the checkpoint's step, so a resumed run's log reads like an uninterrupted one.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;
    private final List<Map<String, Object>> records = new ArrayList<>();

    /**
     * Opens (appending to) {@code file}. A run resumed from the checkpoint of step {@code fromStep}
     * keeps the records up to and including that step (the checkpoint holds that step's update) and
     * drops the later ones, which the resumed run writes again; a fresh run ({@code fromStep} 0) keeps none.
     */
    @SuppressWarnings("unchecked")
    public MetricsLog(Path file, long fromStep) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (Files.exists(file)) {
            List<String> keep = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                Map<String, Object> m;
                try {
                    m = JSON.readValue(line, Map.class);
                } catch (IOException e) {
                    continue; // a line cut short by a crash
                }
                if (fromStep > 0 && ((Number) m.getOrDefault("step", 0)).longValue() <= fromStep) {
                    keep.add(line);
                    records.add(m);
                }
            }
            Files.write(file, keep, StandardCharsets.UTF_8);
        }
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Appends one line and flushes it. */
    @SuppressWarnings("unchecked")
    public void write(MetricsRecord record) throws IOException {
        Map<String, Object> m = JSON.convertValue(record, LinkedHashMap.class);
        out.write(JSON.writeValueAsString(m));
        out.newLine();
        out.flush();
        records.add(m);
    }

    /** Everything logged so far (including records kept from before a resume). */
    public List<Map<String, Object>> records() {
        return records;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
