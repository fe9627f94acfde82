package io.github.taco.data;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.SharedData;
import io.github.taco.cli.TacoCli;
import io.github.taco.data.synth.SynthConfig;
import io.github.taco.data.synth.SynthTruth;
import io.github.taco.data.synth.SyntheticBenchmark;
import io.github.taco.features.Npy;
import io.github.taco.features.NpyDirectoryStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCheckerTest {
    @TempDir Path dir;

    private Path synth() throws IOException {
        SyntheticBenchmark.generateTo(SynthConfig.defaults().withVideos(40).withDim(16), dir);
        return dir.resolve("features");
    }

    @Test
    void cleanSyntheticDatasetPasses() throws IOException {
        Path feats = synth();
        Dataset ds = YouCook2Reader.read(dir);
        CheckReport r = DatasetChecker.check(ds, new NpyDirectoryStore(feats, 1, 0), MissingPolicy.FAIL, 48);
        assertTrue(r.ok(), r.format());
        assertEquals(40, r.videos());
        assertEquals(3, r.clipsPerSplit().size());
        assertTrue(r.frames()[0] >= 1);
        assertTrue(r.frames()[2] <= 10 + 4, "narration jitter can stretch a clip a little: " + r.frames()[2]);
        assertTrue(r.format().contains("OK"));
    }

    @Test
    void missingBrokenAndMismatchedFeaturesAreProblems() throws IOException {
        Path feats = synth();
        Dataset ds = YouCook2Reader.read(dir);
        List<String> vids = List.copyOf(ds.videoIds());
        Files.delete(feats.resolve(vids.get(0) + ".npy"));
        Files.write(feats.resolve(vids.get(1) + ".npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        Npy.writeFloat32(feats.resolve(vids.get(2) + ".npy"), 500, 16, new float[500 * 16]);
        CheckReport fail = DatasetChecker.check(ds, new NpyDirectoryStore(feats, 1, 0), MissingPolicy.FAIL, 48);
        assertFalse(fail.ok());
        assertEquals(List.of(vids.get(0)), fail.missingVideos());
        assertTrue(fail.brokenVideos().containsKey(vids.get(1)));
        assertTrue(fail.durationMismatch().containsKey(vids.get(2)), fail.format());
        assertEquals(3, fail.problems().size(), fail.format());
        assertTrue(fail.problems().get(0).contains(vids.get(0)));
        CheckReport skip = DatasetChecker.check(ds, new NpyDirectoryStore(feats, 1, 0), MissingPolicy.SKIP, 48);
        assertEquals(2, skip.problems().size(), skip.format());
        assertTrue(skip.warnings().get(0).contains(vids.get(0)));
    }

    @Test
    void durationToleranceIsTwoSecondsOrFivePercent() {
        assertTrue(DatasetChecker.durationAgrees(100, 98, 1));
        assertTrue(DatasetChecker.durationAgrees(100, 105, 1));
        assertFalse(DatasetChecker.durationAgrees(100, 106, 1));
        assertTrue(DatasetChecker.durationAgrees(10, 12, 1));
        assertFalse(DatasetChecker.durationAgrees(10, 13, 1));
        assertTrue(DatasetChecker.durationAgrees(10, 24, 2));
    }

    @Test
    void realYouCook2AnnotationsWithFeaturesForSomeVideos() throws IOException {
        Dataset yc = YouCook2Reader.read(SharedData.dir().resolve("youcook2"));
        List<String> vids = List.copyOf(yc.videoIds(Split.VALIDATION)).subList(0, 5);
        for (String v : vids) {
            int frames = (int) Math.round(yc.durations().get(v));
            Npy.writeFloat32(dir.resolve(v + ".npy"), frames, 4, new float[frames * 4]);
        }
        Dataset val = yc.only(Set.of(Split.VALIDATION));
        CheckReport r = DatasetChecker.check(val, new NpyDirectoryStore(dir, 1, 0), MissingPolicy.SKIP, 48);
        assertEquals(457, r.videos());
        assertEquals(452, r.missingVideos().size());
        assertTrue(r.ok(), r.format());
        assertTrue(r.frames()[0] >= 1 && r.frames()[1] >= r.frames()[0] && r.frames()[2] >= r.frames()[1]);
        assertFalse(DatasetChecker.check(val, new NpyDirectoryStore(dir, 1, 0), MissingPolicy.FAIL, 48).ok());
    }

    @Test
    void howTo100MNarrationWithShortFeaturesWarnsAboutPastTheEndSegments() throws IOException {
        Dataset ht = HowTo100MReader.read(SharedData.dir().resolve("howto100m"));
        for (String v : ht.videoIds()) {
            double end = ht.clips().stream().filter(c -> c.videoId().equals(v)).mapToDouble(Clip::end).max()
                    .orElseThrow();
            int frames = v.equals("5VLwcVOLoFs") ? 20 : (int) Math.ceil(end) + 1; // one video's features are too short
            Npy.writeFloat32(dir.resolve(v + ".npy"), frames, 3, new float[frames * 3]);
        }
        // 20 s of features: the clip that starts at 12 s is cut (a named warning), the 12 that start after 20 s are
        // errors under --on-missing fail (they would train on one copy of the last frame) and left out under skip
        CheckReport r = DatasetChecker.check(ht, new NpyDirectoryStore(dir, 1, 0), MissingPolicy.FAIL, 48);
        assertEquals(12, r.problems().size(), r.format());
        assertTrue(r.problems().stream()
                .allMatch(p -> p.contains("5VLwcVOLoFs") && p.contains("starts after the features end")), r.format());
        assertEquals(Map.of(Split.NARRATION, ht.clips().size()), r.clipsPerSplit());
        assertTrue(r.warnings().stream()
                .anyMatch(w -> w.contains("past the end") && w.contains("5VLwcVOLoFs#1 of 5VLwcVOLoFs [12.01, 29.16]")),
                r.format());
        assertTrue(r.segmentFixups().contains(" 0 reversed") && !r.segmentFixups().contains(" 0 past the end"),
                r.segmentFixups());
        CheckReport skip = DatasetChecker.check(ht, new NpyDirectoryStore(dir, 1, 0), MissingPolicy.SKIP, 48);
        assertTrue(skip.ok(), skip.format()); // no durations in narration CSVs, so no mismatch
        assertEquals(12, skip.leftOut().size());
        assertFalse(skip.leftOut().contains("5VLwcVOLoFs#1"));
    }

    private int run(StringWriter out, String... args) {
        var cl = TacoCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(out));
        return cl.execute(args);
    }

    @Test
    void cliSynthThenCheck() throws IOException {
        Path out = dir.resolve("bench");
        StringWriter w = new StringWriter();
        assertEquals(0, run(w, "synth", "--captions", "template", "--out", out.toString(), "--videos", "20", "--dim",
                "8", "--seed", "3"));
        assertTrue(Files.exists(out.resolve("synth_truth.json")));
        assertEquals(20, YouCook2Reader.read(out).videoIds().size());
        assertEquals(0, run(w, "data", "check", "--dataset", "youcook2", "--annotations", out.toString(), "--features",
                out.resolve("features").toString()));
        assertTrue(w.toString().contains("wrote 20 videos") && w.toString().contains("OK"), w.toString());
        Files.delete(Files.list(out.resolve("features")).sorted().findFirst().orElseThrow());
        assertEquals(1, run(w, "data", "check", "--dataset", "youcook2", "--annotations", out.toString(), "--features",
                out.resolve("features").toString(), "--on-missing", "fail"));
        assertEquals(0, run(w, "data", "check", "--dataset", "youcook2", "--annotations", out.toString(), "--features",
                out.resolve("features").toString(), "--on-missing", "skip"));
        assertEquals(2, run(w, "data", "check", "--dataset", "nope", "--annotations", out.toString(), "--features",
                "x"));
    }

    /**
     * The modifier knobs: one attribute and amount, no tool or place, so captions name only verb and object as varying
     * content.
     */
    @Test
    void cliSynthModifierKnobs() throws IOException {
        Path out = dir.resolve("content");
        StringWriter w = new StringWriter();
        assertEquals(0, run(w, "synth", "--captions", "template", "--out", out.toString(), "--videos", "20", "--dim",
                "8", "--seed", "3", "--attributes", "1", "--amounts", "1", "--tools", "1", "--places", "1",
                "--tool-rate", "0", "--place-rate", "0"), w.toString());
        var truth = SynthTruth.read(out);
        Set<Integer> verbs = new HashSet<>();
        for (var steps : truth.steps().values()) {
            for (var s : steps) {
                assertEquals(0, s.attribute());
                assertEquals(0, s.amount());
                assertEquals(-1, s.tool());
                assertEquals(-1, s.place());
                verbs.add(s.verb());
            }
        }
        assertTrue(verbs.size() > 3, "verbs still vary: " + verbs);
        StringWriter bad = new StringWriter();
        assertEquals(1, run(bad, "synth", "--captions", "template", "--out", dir.resolve("bad").toString(), "--videos",
                "20", "--tools", "0"));
        assertTrue(bad.toString().contains("tools must be at least 1"), bad.toString());
        assertEquals(1, run(bad, "synth", "--captions", "template", "--out", dir.resolve("bad").toString(), "--videos",
                "20", "--place-rate", "1.5"));
        assertTrue(bad.toString().contains("placeRate must be in [0, 1]"), bad.toString());
    }

    @Test
    void synthRefusesOptionsOfTheOtherBenchmarkInsteadOfIgnoringThem(@TempDir Path dir) {
        StringWriter w = new StringWriter();
        assertEquals(2, run(w, "synth", "--out", dir.resolve("a").toString(), "--verbs", "3", "--zipf", "1"));
        assertTrue(w.toString().contains("--verbs, --zipf apply to --captions template only"), w.toString());
        StringWriter t = new StringWriter();
        assertEquals(2, run(t, "synth", "--captions", "template", "--out", dir.resolve("b").toString(), "--word-width",
                "0.2"));
        assertTrue(t.toString().contains("--word-width applies to --captions youcook2 only"), t.toString());
        assertFalse(Files.exists(dir.resolve("a")) || Files.exists(dir.resolve("b")), "nothing written");
    }
}
