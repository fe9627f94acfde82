package io.github.taco.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Exit codes of the CLI: 0 ok, 1 failure, 2 usage; every subcommand has --help. */
class CliExitCodesTest {

    private static int run(StringWriter err, String... args) {
        CommandLine cl = TacoCli.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    @Test
    void usageErrorsExitWith2() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "--no-such-flag"));
        assertEquals(2, run(err, "train", "--annotations", "a.json"));  // --features and --out missing
        assertEquals(2, run(err));                                         // no subcommand
    }

    @Test
    void aBenchmarkVariantFixesItsSettings(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "synth", "--out", tmp.resolve("w").toString(), "--variant", "wide", "--dim", "64"));
        assertTrue(err.toString().contains("--variant wide fixes its own settings") && err.toString().contains("--dim"),
                err.toString());
        StringWriter unknown = new StringWriter();
        assertEquals(1, run(unknown, "synth", "--out", tmp.resolve("n").toString(), "--variant", "noisy"));
        assertTrue(unknown.toString().contains("noisy") && unknown.toString().contains("lowersnr"), unknown.toString());
        StringWriter ablate = new StringWriter();
        assertEquals(1,
                run(ablate, "ablate", "--out", tmp.resolve("a").toString(), "--variant", "lowsnr", "--noise", "3"));
        assertTrue(ablate.toString().contains("leave out --captions and --noise"), ablate.toString());
        assertTrue(Files.notExists(tmp.resolve("w")) && Files.notExists(tmp.resolve("a")), "nothing written");
    }

    @Test
    void failuresExitWith1AndNameTheProblem(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        int code = run(err, "eval", "--checkpoint", tmp.resolve("missing").toString(),
                "--annotations", tmp.resolve("nothing.json").toString(), "--features", tmp.toString());
        assertEquals(1, code);
        assertTrue(err.toString().contains("nothing.json"), err.toString());
    }

    @Test
    void aTemperatureWithDotProductsIsRefusedNotIgnored(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        assertEquals(1, run(err, "train", "--annotations", "a.json", "--features", tmp.toString(), "--out",
                tmp.resolve("o").toString(), "--similarity", "dot", "--temperature", "0.1"));
        assertTrue(err.toString().contains("--temperature applies to cosine similarity only"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(1, run(err2, "ablate", "--out", tmp.resolve("a").toString(), "--similarity", "dot",
                "--temperature", "0.1"));
        assertTrue(err2.toString().contains("--temperature applies to cosine similarity only"), err2.toString());
    }

    @Test
    void ablateMergeOfAFolderWithoutResultsFailsNamingIt(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        assertEquals(1,
                run(err, "ablate", "--out", tmp.resolve("all").toString(), "--merge", tmp.resolve("empty").toString()));
        assertTrue(err.toString().contains("empty: no results.json"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(1, run(err2, "ablate", "--out", tmp.resolve("all").toString(), "--merge",
                tmp.resolve("empty").toString(), "--batch", "256"));
        assertTrue(err2.toString().contains("--merge trains nothing"), err2.toString());
    }

    @Test
    void everySubcommandHasHelp() {
        CommandLine cl = TacoCli.commandLine();
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine fresh = TacoCli.commandLine();
            fresh.setErr(new PrintWriter(err));
            fresh.setOut(new PrintWriter(out));
            assertEquals(0, fresh.execute(e.getKey(), "--help"), e.getKey() + ": " + err);
            assertTrue(out.toString().contains("Usage"), e.getKey());
        }
    }
}
