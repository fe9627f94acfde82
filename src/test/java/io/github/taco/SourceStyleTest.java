package io.github.taco;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The source reads as Java engineers write it: lines of at most 120 columns, JDK classes imported rather than
 * spelt out in code, and one import block (static imports, a blank line, the rest, each sorted).
 */
class SourceStyleTest {
    static final int MAX_COLUMNS = 120;
    /** A JDK class named in full in code, e.g. {@code new java.util.ArrayList<>()}. */
    private static final Pattern JDK_NAME_IN_CODE = Pattern.compile("(?<![\\w.\"])java\\.[a-z.]+\\.[A-Z]\\w*");

    @Test
    void everyJavaFileKeepsTheStyle() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("src/test/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    problems.addAll(problems(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theCheckCanFail() {
        String bad = "import java.util.List;\nimport static a.B.c;\n\nclass A {\n    java.util.Map<String, String> m;\n"
                + "    String s = \"" + "x".repeat(MAX_COLUMNS) + "\";\n}\n";
        assertEquals(List.of("A.java:5: java.util.Map named in full (import it)", "A.java:6: 138 columns",
                "A.java: imports not in one sorted block (static imports first)"), problems("A.java", bad));
    }

    static List<String> problems(String name, String text) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        List<String> imports = new ArrayList<>();
        int first = -1;
        int last = -1;
        boolean inComment = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int columns = line.codePointCount(0, line.length());
            String code = line.strip();
            if (code.startsWith("import ")) {
                imports.add(code);
                first = first < 0 ? i : first;
                last = i;
            } else if (inComment || code.startsWith("/*") || code.startsWith("*") || code.startsWith("//")) {
                inComment = !code.contains("*/") && (inComment || code.startsWith("/*"));
            } else {
                var m = JDK_NAME_IN_CODE.matcher(code.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\""));
                if (m.find()) {
                    out.add(name + ":" + (i + 1) + ": " + m.group() + " named in full (import it)");
                }
            }
            if (columns > MAX_COLUMNS) {
                out.add(name + ":" + (i + 1) + ": " + columns + " columns");
            }
        }
        if (first >= 0) {
            List<String> block = List.of(lines).subList(first, last + 1).stream().map(String::strip).toList();
            // sorted by the imported name, so that a.B comes before a.B.C
            Comparator<String> byName = Comparator.comparing(s -> s.replaceFirst("^import (static )?", "")
                    .replace(";", ""));
            List<String> statics = imports.stream().filter(s -> s.startsWith("import static ")).sorted(byName).toList();
            List<String> others = imports.stream().filter(s -> !s.startsWith("import static ")).sorted(byName).toList();
            List<String> expected = new ArrayList<>(statics);
            if (!statics.isEmpty() && !others.isEmpty()) {
                expected.add("");
            }
            expected.addAll(others);
            if (!expected.equals(block)) {
                out.add(name + ": imports not in one sorted block (static imports first)");
            }
        }
        return out;
    }
}
