package io.github.taco.index;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** A hit's link: the index's template filled with the video, the clip and the matched second. */
class VideoUrlTest {
    @Test
    void theTemplateIsFilledWithEncodedIdsAndTheWholeSecond() {
        IndexMeta m = new IndexMeta();
        assertNull(m.videoUrl("v", "v#1", 3), "no template, no link");
        m.videoUrl = IndexMeta.YOUTUBE_URL;
        assertEquals("https://www.youtube.com/watch?v=RqgN6iWMkb0&t=42s",
                m.videoUrl("RqgN6iWMkb0", "RqgN6iWMkb0#2", 42.9));
        m.videoUrl = IndexMeta.checkVideoUrl("file:///data/videos/{video}.mp4?clip={clip}#t={start}");
        assertEquals("file:///data/videos/a%20b.mp4?clip=a%20b%232#t=0", m.videoUrl("a b", "a b#2", -1));
    }

    @Test
    void aTemplateThatGivesNoUsableLinkIsRefused() {
        for (String[] c : new String[][] {{"javascript:alert(1)//{video}", "must start with"},
                {"https://media.example/clip.mp4", "must hold {video}"},
                {"https://media.example/{video}/{vid}.mp4", "placeholders are"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> IndexMeta.checkVideoUrl(c[0]));
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("--video-url"), e.getMessage());
        }
    }
}
