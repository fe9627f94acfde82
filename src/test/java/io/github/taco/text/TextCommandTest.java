package io.github.taco.text;

import static org.junit.jupiter.api.Assertions.*;

import io.github.taco.cli.TacoCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The thin {@code taco text} command, run in-process. */
class TextCommandTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = TacoCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void printsOneRowPerPieceWithWeights() {
        Run r = run("text", "add the chopped tomatoes to the pan and stir");
        assertEquals(0, r.code(), r.err());
        List<String> rows = r.out().lines().filter(l -> l.matches("\\s*\\d+\\s+\\S.*")).toList();
        assertEquals(11, rows.size(), r.out()); // [CLS] + 9 words + [SEP]
        assertTrue(rows.get(0).contains("[CLS]") && rows.get(10).contains("[SEP]"));
        double sum = 0;
        for (String row : rows) {
            String[] cols = row.trim().split("\\s+");
            if (row.contains("yes")) {
                sum += Double.parseDouble(cols[cols.length - 1]);
            }
        }
        assertEquals(1.0, sum, 1e-3, r.out());
        assertTrue(r.out().contains("tomatoes") && r.out().contains("NOUN"));
    }

    @Test
    void optionsAreUsedAndBadValuesNamed(@TempDir Path tmp) throws IOException {
        Path idf = tmp.resolve("idf.json");
        Idf.fit(List.of(List.of("the"), List.of("the", "pan"))).save(idf);
        Run r = run("text", "--tag-set", "det+adp", "--max-length", "5", "--idf", idf.toString(),
                "put it on the pan please");
        assertEquals(0, r.code(), r.err());
        assertEquals(5, r.out().lines().filter(l -> l.matches("\\s*\\d+\\s+\\S.*")).count(), r.out());
        Run bad = run("text", "--tag-set", "adj", "x");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--tag-set"), bad.err());
        Run missing = run("text", "--vocab", tmp.resolve("none.txt").toString(), "x");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("none.txt"), missing.err());
        Run help = run("text", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--idf") && help.out().contains("noun+verb"), help.out());
    }
}
