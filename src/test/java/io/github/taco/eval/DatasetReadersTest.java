package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReadersTest {

    @TempDir
    Path dir;

    private Path crossTask() throws IOException {
        Path root = dir.resolve("crosstask_release");
        Files.createDirectories(root.resolve("annotations"));
        Files.writeString(root.resolve("tasks_primary.txt"), """
                23521
                Make Jello Shots
                http://www.wikihow.com/Make-Jello-Shots
                3
                pour water,pour juice,stir mixture

                59684
                Build Simple Floating Shelves
                http://www.wikihow.com/Build-Simple-Floating-Shelves
                2
                cut shelf,attach shelf
                """);
        Files.writeString(root.resolve("videos.csv"), """
                23521,nVbIUDjzWY4,https://www.youtube.com/watch?v=nVbIUDjzWY4
                23521,noAnnotation,https://www.youtube.com/watch?v=noAnnotation
                59684,abcDEF12345,https://www.youtube.com/watch?v=abcDEF12345
                """);
        Files.writeString(root.resolve("videos_val.csv"), """
                23521,valVideo001,https://www.youtube.com/watch?v=valVideo001
                """);
        Files.writeString(root.resolve("annotations/23521_nVbIUDjzWY4.csv"), "1,14.40,20.20\n3,30.00,33.50\n");
        Files.writeString(root.resolve("annotations/59684_abcDEF12345.csv"), "2,5.0,9.0\r\n");
        return root;
    }

    @Test
    void crossTaskRelease() throws IOException {
        CrossTaskReader r = new CrossTaskReader(crossTask());
        Map<String, CrossTaskReader.Task> tasks = r.tasks();
        assertEquals(List.of("23521", "59684"), List.copyOf(tasks.keySet()));
        CrossTaskReader.Task jello = tasks.get("23521");
        assertEquals("Make Jello Shots", jello.name());
        assertEquals(List.of("pour water", "pour juice", "stir mixture"), jello.steps());
        assertEquals("http://www.wikihow.com/Build-Simple-Floating-Shelves", tasks.get("59684").url());

        List<CrossTaskReader.VideoRef> videos = r.videos();
        assertEquals(3, videos.size());
        assertEquals(new CrossTaskReader.VideoRef("23521", "nVbIUDjzWY4",
                "https://www.youtube.com/watch?v=nVbIUDjzWY4"), videos.get(0));
        assertEquals("valVideo001", r.validationVideos().get(0).videoId());

        List<StepSegment> ann = r.annotation("23521", "nVbIUDjzWY4").orElseThrow();
        assertEquals(List.of(new StepSegment(0, 14.4, 20.2), new StepSegment(2, 30.0, 33.5)), ann);
        assertTrue(r.annotation("23521", "noAnnotation").isEmpty());

        Map<CrossTaskReader.VideoRef, List<StepSegment>> annotated = r.annotated(videos);
        assertEquals(2, annotated.size());
        assertEquals(List.of(new StepSegment(1, 5.0, 9.0)), annotated.get(videos.get(2)));
    }

    @Test
    void crossTaskEndToEndRecall() throws IOException {
        CrossTaskReader r = new CrossTaskReader(crossTask());
        Map<String, CrossTaskReader.Task> tasks = r.tasks();
        List<StepLocalization.VideoSteps> evaluated = new ArrayList<>();
        for (Map.Entry<CrossTaskReader.VideoRef, List<StepSegment>> e : r.annotated(r.videos()).entrySet()) {
            int steps = tasks.get(e.getKey().taskId()).steps().size();
            // a similarity that peaks for each step at the middle of its first interval, 40 frames at 1 fps
            float[][] sim = new float[40][steps];
            for (StepSegment seg : e.getValue()) {
                sim[(int) ((seg.startSec() + seg.endSec()) / 2)][seg.step()] = 1f;
            }
            evaluated.add(new StepLocalization.VideoSteps(e.getKey().taskId(), e.getKey().videoId(),
                    StepLocalization.align(sim), e.getValue()));
        }
        assertEquals(100.0, StepLocalization.recall(evaluated, 1.0).average(), 1e-9);
    }

    @Test
    void crossTaskBadStepCount() throws IOException {
        Path f = dir.resolve("tasks_primary.txt");
        Files.writeString(f, "1\nT\nu\n3\na,b\n\n");
        assertThrows(IllegalArgumentException.class, () -> CrossTaskReader.readTasks(f));
    }

    @Test
    void coinJson() throws IOException {
        Path f = dir.resolve("COIN.json");
        Files.writeString(f, """
                {"database": {
                  "-0og5JpUWzM": {"subset": "training", "recipe_type": 8, "class": "ReplaceAToiletSeat",
                     "duration": 40.5, "video_url": "https://www.youtube.com/embed/-0og5JpUWzM",
                     "annotation": [
                        {"id": "21", "segment": [2.0, 4.5], "label": "remove the old seat"},
                        {"id": "22", "segment": [6.0, 7.0], "label": "install the new seat"}]},
                  "zz9": {"subset": "testing", "recipe_type": 3, "duration": 12.0,
                     "annotation": [{"id": "5", "segment": [0.0, 1.2], "label": "cut"}]}
                }}
                """);
        Map<String, CoinReader.Video> vids = CoinReader.read(f);
        assertEquals(List.of("-0og5JpUWzM", "zz9"), List.copyOf(vids.keySet()));
        CoinReader.Video v = vids.get("-0og5JpUWzM");
        assertEquals("training", v.subset());
        assertEquals(8, v.recipeType());
        assertEquals("ReplaceAToiletSeat", v.className());
        assertEquals(40.5, v.durationSec());
        assertEquals(new CoinReader.Segment(21, 2.0, 4.5, "remove the old seat"), v.segments().get(0));
        assertEquals("", vids.get("zz9").className());
        assertEquals(List.of(vids.get("zz9")), CoinReader.subset(vids, "testing"));
        // frames at 1 fps: [2,4.5) -> 2,3,4 ; [6,7) -> 6 ; background 0 elsewhere
        assertArrayEquals(new int[]{0, 0, 21, 21, 21, 0, 22, 0}, v.frameLabels(8, 1.0, 0));
        // labels feed FrameAccuracy
        assertEquals(100.0, FrameAccuracy.accuracy(v.frameLabels(8, 1.0, 0), v.frameLabels(8, 1.0, 0)));
    }

    @Test
    void coinWithoutDatabaseRejected() throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"videos\": {}}");
        assertThrows(IllegalArgumentException.class, () -> CoinReader.read(f));
    }
}
