package io.github.taco;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layers drawn in docs/architecture.md are the rule: every reference from one package of
 * src/main/java to another (imports and fully qualified names, comments excluded) must point to a
 * lower layer. The layers are read from the document, so the drawing and the code cannot drift.
 */
class ArchitectureTest {
    static final Path DOC = Path.of("docs/architecture.md");
    static final Path SOURCES = Path.of("src/main/java/io/github/taco");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.github\\.taco\\.([a-z]+)\\b");
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    /** Package → layer (0 = bottom), from the fenced block under the layers marker of the document. */
    static Map<String, Integer> layers() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int marker = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("<!-- layers")) marker = i;
        }
        assertTrue(marker >= 0, DOC + " has no '<!-- layers' marker");
        List<List<String>> top = new ArrayList<>();
        int i = marker + 2; // marker, opening fence
        for (; !lines.get(i).startsWith("```"); i++) {
            top.add(List.of(lines.get(i).strip().split("\\s*,\\s*")));
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int l = 0; l < top.size(); l++) {
            for (String p : top.get(l)) out.put(p, top.size() - 1 - l);
        }
        return out;
    }

    /** Package → packages it references, from the code with comments stripped. */
    static Map<String, TreeSet<String>> references() throws IOException {
        Map<String, TreeSet<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(f).getName(0).toString();
                if (pkg.endsWith(".java")) continue; // none at the top level today
                String code = COMMENTS.matcher(Files.readString(f)).replaceAll(" ");
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) out.computeIfAbsent(pkg, k -> new TreeSet<>()).add(m.group(1));
                }
            }
        }
        return out;
    }

    @Test
    void everyPackageIsDrawnAndUsesOnlyLowerLayers() throws IOException {
        Map<String, Integer> layer = layers();
        assertTrue(layer.size() >= 10, "layers read from " + DOC + ": " + layer);
        List<String> packages;
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            packages = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        for (String p : packages) {
            assertTrue(layer.containsKey(p), "package " + p + " is not drawn in " + DOC);
        }
        List<String> violations = new ArrayList<>();
        references().forEach((from, tos) -> {
            System.out.println(from + " -> " + tos);
            for (String to : tos) {
                Integer a = layer.get(from);
                Integer b = layer.get(to);
                if (a == null || b == null || b >= a) violations.add(from + " -> " + to);
            }
        });
        assertEquals(List.of(), violations, "references against the layers of " + DOC);
    }

    @Test
    void theCheckCatchesAnUpwardReference() throws IOException {
        // the rule must be able to fail: model sits below loss, so model -> loss breaks it
        Map<String, Integer> layer = layers();
        assertTrue(layer.get("loss") > layer.get("model"));
        assertTrue(layer.get("cli") > layer.get("bench") && layer.get("io") == 0, layer.toString());
        String code = COMMENTS.matcher("/** {@link io.github.taco.loss.X} */ class A { io.github.taco.loss.Y y; }")
                .replaceAll(" ");
        Matcher m = REFERENCE.matcher(code);
        assertTrue(m.find());
        assertEquals("loss", m.group(1));
        assertFalse(m.find(), "the javadoc reference is stripped, the code one counted once");
    }
}
