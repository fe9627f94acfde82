package io.github.taco.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.taco.eval.CoinReader;
import io.github.taco.eval.CrossTaskReader;
import io.github.taco.eval.StepSegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-ins read back through the real readers give exactly the synthetic ground truth. */
class SyntheticTasksTest {

    @Test
    void crossTaskAndCoinRoundTripThroughTheReaders(@TempDir Path dir) throws Exception {
        Path synth = dir.resolve("synth");
        SyntheticBenchmark.generateTo(SynthConfig.defaults().withVideos(40).withDim(8), synth);
        SynthTruth truth = SynthTruth.read(synth);

        SyntheticTasks.writeCoin(synth, dir.resolve("coin"));
        Map<String, CoinReader.Video> coin = CoinReader.read(dir.resolve("coin").resolve("COIN.json"));
        int training = 0;
        int testing = 0;
        for (String v : truth.steps().keySet()) {
            String split = truth.split(v);
            if (split.equals("narration")) {
                assertFalse(coin.containsKey(v), "narration video " + v + " must be left out");
                continue;
            }
            CoinReader.Video cv = coin.get(v);
            assertEquals(split.equals("validation") ? "testing" : "training", cv.subset());
            training += cv.subset().equals("training") ? 1 : 0;
            testing += cv.subset().equals("testing") ? 1 : 0;
            int[] expected = truth.frameLabels(v);
            for (int k = 0; k < expected.length; k++) {
                Step s = expected[k] < 0 ? null : truth.steps().get(v).get(expected[k]);
                expected[k] = s == null ? 0 : SyntheticTasks.coinClass(s.verb(), s.object());
            }
            assertArrayEquals(expected, cv.frameLabels(expected.length, 1.0, 0), "video " + v);
        }
        assertTrue(training > 0 && testing > 0);

        Path root = dir.resolve("crosstask_release");
        SyntheticTasks.Summary sum = SyntheticTasks.writeCrossTask(synth, root, 5);
        CrossTaskReader reader = new CrossTaskReader(root);
        Map<String, CrossTaskReader.Task> tasks = reader.tasks();
        assertEquals(sum.tasks(), tasks.size());
        assertEquals(testing, reader.validationVideos().size());
        int annotated = 0;
        for (CrossTaskReader.VideoRef ref : reader.videos()) {
            List<Step> steps = truth.steps().get(ref.videoId());
            int task = SyntheticTasks.dominantObject(steps);
            assertEquals(Integer.toString(SyntheticTasks.TASK_ID_BASE + task), ref.taskId());
            CrossTaskReader.Task t = tasks.get(ref.taskId());
            assertTrue(t.steps().size() <= 5);
            Optional<List<StepSegment>> ann = reader.annotation(ref.taskId(), ref.videoId());
            if (ann.isEmpty()) continue;
            annotated++;
            for (StepSegment seg : ann.get()) {
                String name = t.steps().get(seg.step());
                // the segment covers exactly the frames of a truth step with that name
                boolean found = false;
                for (Step s : steps) {
                    if (!SyntheticTasks.stepName(s.verb(), s.object()).equals(name)) continue;
                    boolean exact = true;
                    for (int k = 0; k < truth.frames(ref.videoId()); k++) {
                        exact &= seg.containsFrame(k, 1.0) == (k >= s.start() && k <= s.end());
                    }
                    found |= exact;
                }
                assertTrue(found, "video " + ref.videoId() + " step " + name + " " + seg);
            }
        }
        assertEquals(sum.annotatedVideos(), annotated);
        assertTrue(annotated > 0);
    }
}
