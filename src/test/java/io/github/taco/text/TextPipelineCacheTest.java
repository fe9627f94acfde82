package io.github.taco.text;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextPipelineCacheTest {
    static List<String> captions;

    @BeforeAll
    static void load() throws IOException {
        captions = SharedCaptions.youCook2("validation");
    }

    static TextPipeline pipeline(Path cache, TagSet tags, int maxLength) throws IOException {
        return TextPipeline.builder().cacheDir(cache).tagSet(tags).maxLength(maxLength).build();
    }

    static List<Path> cacheFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".bin")).sorted().toList();
        }
    }

    @Test
    void secondRunHitsTheCacheAndChangedOptionsMiss(@TempDir Path cache) throws IOException {
        List<EncodedText> first;
        try (TextPipeline p = pipeline(cache, TagSet.NOUN_VERB, 30)) {
            first = p.encodeAll(captions);
            assertEquals(captions.size(), p.computedCount());
            assertFalse(p.lastCacheHit());
        }
        assertEquals(1, cacheFiles(cache).size());
        try (TextPipeline p = pipeline(cache, TagSet.NOUN_VERB, 30)) {
            List<EncodedText> second = p.encodeAll(captions);
            assertEquals(0, p.computedCount(), "served from the cache, nothing recomputed");
            assertTrue(p.lastCacheHit());
            for (int i = 0; i < first.size(); i++) {
                assertTrue(EncodingCache.sameContent(first.get(i), second.get(i)));
            }
        }
        try (TextPipeline p = pipeline(cache, TagSet.NOUN, 30)) {
            p.encodeAll(captions);
            assertEquals(captions.size(), p.computedCount(), "other tag set: miss");
        }
        try (TextPipeline p = pipeline(cache, TagSet.NOUN_VERB, 40)) {
            p.encodeAll(captions);
            assertEquals(captions.size(), p.computedCount(), "other max length: miss");
        }
        try (TextPipeline p = TextPipeline.builder().cacheDir(cache).idf(Idf.fit(List.of(List.of("add")))).build()) {
            p.encodeAll(captions);
            assertEquals(captions.size(), p.computedCount(), "other idf: miss");
        }
        try (TextPipeline p = pipeline(cache, TagSet.NOUN_VERB, 30)) {
            p.encodeAll(captions.subList(1, captions.size()));
            assertEquals(captions.size() - 1, p.computedCount(), "other captions: miss");
        }
        assertEquals(5, cacheFiles(cache).size()); // the first run's file plus four misses
    }

    @Test
    void corruptCacheIsRecomputed(@TempDir Path cache) throws IOException {
        List<String> few = captions.subList(0, 50);
        try (TextPipeline p = pipeline(cache, TagSet.NOUN_VERB, 30)) {
            p.encodeAll(few);
        }
        Path file = cacheFiles(cache).get(0);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a; // flip bits in the middle: the checksum must catch it
        Files.write(file, bytes);
        try (TextPipeline p = pipeline(cache, TagSet.NOUN_VERB, 30)) {
            List<EncodedText> out = p.encodeAll(few);
            assertEquals(few.size(), p.computedCount());
            assertEquals(few.get(7), out.get(7).text());
        }
        Files.write(file, new byte[] {1, 2, 3}, StandardOpenOption.TRUNCATE_EXISTING);
        try (TextPipeline p = pipeline(cache, TagSet.NOUN_VERB, 30)) {
            p.encodeAll(few);
            assertEquals(few.size(), p.computedCount());
        }
        // the recomputed file replaced the bad one and is used again
        try (TextPipeline p = pipeline(cache, TagSet.NOUN_VERB, 30)) {
            p.encodeAll(few);
            assertEquals(0, p.computedCount());
        }
    }
}
