package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameAccuracyTest {

    @Test
    void withAndWithoutBackground() {
        int[] truth = {0, 0, 3, 3, 5, 0};
        int[] pred = {0, 3, 3, 0, 5, 0};
        // correct: frames 0,2,4,5 -> 4/6 ; foreground frames 2,3,4 -> 2/3
        assertEquals(400.0 / 6, FrameAccuracy.accuracy(pred, truth), 1e-9);
        assertEquals(200.0 / 3, FrameAccuracy.accuracyWithoutBackground(pred, truth, 0), 1e-9);
        // with background label 3 instead: non-background frames 0,1,4,5 -> correct 0,4,5 = 3/4
        assertEquals(75.0, FrameAccuracy.accuracyWithoutBackground(pred, truth, 3), 1e-9);
    }

    @Test
    void pooledOverVideos() {
        FrameAccuracy acc = new FrameAccuracy()
                .add(new int[]{1, 1}, new int[]{1, 1})
                .add(new int[]{0, 0, 0, 0, 0, 0}, new int[]{2, 2, 0, 0, 0, 0});
        // pooled over frames: 6 of 8 and 2 of 4 foreground (a per-video mean would give 83.3 and 50)
        assertEquals(75.0, acc.accuracy(), 1e-9);
        assertEquals(50.0, acc.accuracyWithoutBackground(), 1e-9);
        assertEquals(8, acc.frames());
        assertEquals(4, acc.foregroundFrames());
        assertEquals(75.0, new ObjectMapper().convertValue(acc.summary(), Map.class).get("frameAccuracy"));
        // taco coin --json: the accuracy's figures, then the probe's, as it has always written them
        CoinSegmentation.Report report = new CoinSegmentation.Report(acc, 3, 10, 2, 100, 1, 1.5, 0.5);
        Map<?, ?> written = new ObjectMapper().convertValue(report.summary(), Map.class);
        assertEquals(List.of("frameAccuracy", "frameAccuracyNoBackground", "frames", "foregroundFrames",
                "classes", "trainVideos", "testVideos", "trainFrames", "missingSkipped", "firstEpochLoss",
                "lastEpochLoss"), List.copyOf(written.keySet()));
        assertEquals(1, written.get("missingSkipped"));
    }

    @Test
    void emptyAndMismatch() {
        assertTrue(Double.isNaN(new FrameAccuracy().accuracy()));
        assertTrue(Double.isNaN(FrameAccuracy.accuracyWithoutBackground(new int[]{0}, new int[]{0}, 0)));
        assertThrows(IllegalArgumentException.class, () -> FrameAccuracy.accuracy(new int[]{1}, new int[]{1, 2}));
    }
}
