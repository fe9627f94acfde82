package io.github.taco.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lines of metrics.jsonl: their keys, in a fixed order, and nothing that is not a finite number. */
class MetricsRecordTest {
    @Test
    void aStepLineKeepsItsKeysInOrderAndLeavesOutWhatIsOff(@TempDir Path dir) throws Exception {
        Map<String, Double> val = new LinkedHashMap<>();
        val.put("r1_s1", 12.5);
        val.put("r1_s12", Double.NaN);
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file, 0)) {
            log.write(new MetricsRecord.Header(10, 5, 2, 1, 0));
            log.write(new MetricsRecord.Step(20, 4.0, 3.5, Double.NaN, 0.5, 1e-3, null, 2.0, 0.25, val));
            log.write(new MetricsRecord.Step(21, 4.0, 3.5, Double.NaN, 0.5, 1e-3, true, null, null, null));
            log.write(new MetricsRecord.L3Gate(22, 23));
            log.write(new MetricsRecord.Calibration(30, "s1 alone", 399));
            assertEquals(List.of("step", "loss", "l1", "l3", "lr", "grad_norm", "clipped", "val_r1_s1"),
                    List.copyOf(log.records().get(1).keySet()), "the record kept in memory is the line written");
        }
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(file);
        assertEquals(5, lines.size());
        assertEquals(List.of("header", "train_clips", "validation_clips", "segment_repairs", "clips_left_out",
                "captions_cut_to_max_tokens"), keys(json, lines.get(0)));
        assertEquals(List.of("step", "loss", "l1", "l3", "lr", "grad_norm", "clipped", "val_r1_s1"),
                keys(json, lines.get(1)), "L2 (off) and the NaN metric are left out; validation comes last");
        assertEquals(List.of("step", "loss", "l1", "l3", "lr", "skipped"), keys(json, lines.get(2)));
        assertEquals(List.of("step", "l3_from"), keys(json, lines.get(3)));
        assertEquals(List.of("step", "calibration", "rejoined_clips"), keys(json, lines.get(4)));
        assertEquals(12.5, json.readTree(lines.get(1)).get("val_r1_s1").asDouble());
    }

    private static List<String> keys(ObjectMapper json, String line) throws Exception {
        return List.copyOf(json.readValue(line, LinkedHashMap.class).keySet());
    }
}
