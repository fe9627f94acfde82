package io.github.taco.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.data.synth.CaptionBenchmark;
import io.github.taco.data.synth.RenderConfig;
import io.github.taco.data.synth.SmallAnnotations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The commands the README shows cannot rot: every {@code taco} command of its code blocks parses, and
 * "your own data in four commands" runs as printed on a small rendering in the README's layout
 * ({@code data/youcookii_annotations_trainval.json}, {@code data/features}), training 3 steps instead of
 * the preset's 300. {@code ./taco demo} itself is run by nothing here (minutes); {@code mvn verify} is what
 * .ci/run runs.
 */
class ReadmeCommandsTest {
    @TempDir Path tmp;

    /** The taco commands of the README's code blocks, continuation lines joined, split at {@code &&}, comments cut. */
    static List<List<String>> readmeCommands() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        List<List<String>> out = new ArrayList<>();
        boolean code = false;
        StringBuilder cmd = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("```")) {
                code = !code;
                continue;
            }
            if (!code) {
                continue;
            }
            String l = line.replaceAll("\\s+#.*$", "").strip();
            if (cmd.length() > 0 || l.startsWith("taco ") || l.startsWith("./taco ")) {
                cmd.append(l.endsWith("\\") ? l.substring(0, l.length() - 1) : l).append(' ');
                if (!l.endsWith("\\")) {
                    for (String part : cmd.toString().split("&&")) {
                        out.add(words(part.strip().replaceFirst("^(\\./)?taco ", "")));
                    }
                    cmd.setLength(0);
                }
            }
        }
        return out;
    }

    /** Shell words: spaces split, single or double quotes group. */
    static List<String> words(String s) {
        List<String> w = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (cur.length() > 0 || any) {
                    w.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0 || any) {
            w.add(cur.toString());
        }
        return w;
    }

    @Test
    void everyCommandOfTheReadmeParses() throws Exception {
        List<List<String>> commands = readmeCommands();
        assertTrue(commands.size() >= 7, "the README's commands: " + commands);
        for (List<String> args : commands) {
            CommandLine cl = TacoCli.commandLine();
            try {
                cl.parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                fail("README: taco " + String.join(" ", args) + " → " + e.getMessage());
            }
        }
    }

    @Test
    void theJavaOfTheReadmeCompiles() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        StringBuilder snippet = new StringBuilder();
        boolean in = false;
        for (String line : lines) {
            if (line.startsWith("```java")) {
                in = true;
            } else if (in && line.startsWith("```")) {
                in = false;
            } else if (in) {
                snippet.append(line).append('\n');
            }
        }
        assertTrue(snippet.length() > 100, "the README shows Java");
        String source = "import io.github.taco.eval.*; import io.github.taco.model.*; import io.github.taco.text.*;\n"
                + "import io.github.taco.train.*; import java.nio.file.Path;\n"
                + "class ReadmeSnippet { void run() throws Exception {\n" + snippet + "} }\n";
        Path dir = Files.createDirectories(tmp.resolve("snippet"));
        Files.writeString(dir.resolve("ReadmeSnippet.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Assumptions.assumeTrue(javac != null, "a JDK's compiler is needed");
        // surefire runs the tests from a manifest-only jar: the real class path is in this property
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        StringWriter err = new StringWriter();
        int code = javac.run(null, null, new PrintStream(new ByteArrayOutputStream()) {
            @Override
            public void write(byte[] b, int off, int len) {
                err.write(new String(b, off, len, StandardCharsets.UTF_8));
            }
        }, "-proc:none", "-d", dir.toString(), "-cp", cp, dir.resolve("ReadmeSnippet.java").toString());
        assertEquals(0, code, "the README's Java does not compile:\n" + err + "\n" + source);
    }

    @Test
    void yourOwnDataInFourCommandsRunsAsPrinted() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        CaptionBenchmark.generateTo(RenderConfig.defaults().withDim(32),
                SmallAnnotations.write(tmp.resolve("small.json"), 30, 10), data);
        List<List<String>> commands = readmeCommands().stream()
                .filter(a -> a.get(0).equals("data") || a.get(0).equals("train") || a.get(0).equals("eval")
                        || a.get(0).equals("index") && !a.contains("--solr"))
                .toList();
        assertEquals(4, commands.size(), commands.toString());
        for (List<String> printed : commands) {
            List<String> args = new ArrayList<>();
            for (String a : printed) {
                args.add(a.startsWith("data/") || a.startsWith("runs/") ? tmp.resolve(a).toString() : a);
            }
            if (args.get(0).equals("train")) {
                args.addAll(List.of("--steps", "3")); // the preset's 300 take minutes
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = TacoCli.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args.toArray(String[]::new));
            assertEquals(0, code, "taco " + String.join(" ", printed) + "\n" + out + err);
            if (args.get(0).equals("eval")) {
                StringWriter dslOut = new StringWriter();
                CommandLine dsl = TacoCli.commandLine();
                dsl.setOut(new PrintWriter(dslOut, true));
                List<String> withDsl = new ArrayList<>(args);
                withDsl.add("--dsl");
                assertEquals(0, dsl.execute(withDsl.toArray(String[]::new)));
                assertTrue(dslOut.toString().contains("dual softmax (every query at once)"), dslOut.toString());
                assertFalse(out.toString().contains("dual softmax"), "only with --dsl");
                // the table names its protocol: 10 validation videos of the real file, every clip, first captions, ties
                assertTrue(out.toString().matches("(?s).*protocol: youcook2 validation, \\d+ of its \\d+ clips; one "
                        + "query per clip, its first caption, against every clip; a tie with the true candidate counts "
                        + "against the model.*"), out.toString());
                // MIL-NCE's subset: the 10 validation videos are all among its 436
                StringWriter milOut = new StringWriter();
                CommandLine mil = TacoCli.commandLine();
                mil.setOut(new PrintWriter(milOut, true));
                List<String> withProtocol = new ArrayList<>(args);
                withProtocol.addAll(List.of("--protocol", "milnce"));
                assertEquals(0, mil.execute(withProtocol.toArray(String[]::new)));
                assertTrue(milOut.toString().contains("protocol: youcook2 validation (MIL-NCE's subset "
                        + "(validation_youcook.csv: 436 videos, 3,350 clips, the ones not in HowTo100M)), 81 "
                        + "of its 81 clips"), milOut.toString());
            }
        }
        assertTrue(Files.isDirectory(tmp.resolve("runs/yc2/checkpoint")));
        assertTrue(Files.isDirectory(tmp.resolve("runs/yc2/index")));
    }
}
