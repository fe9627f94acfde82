package io.github.taco.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the {@code taco} command. Subcommands are thin: they parse flags, call the
 * library API and print. Exit codes: 0 ok, 1 failure, 2 usage error.
 */
@Command(
        name = "taco",
        mixinStandardHelpOptions = true,
        version = "taco 0.1.0",
        description = "Token-Aware Cascade contrastive learning (TACo) for video-text alignment.",
        subcommands = {CommandLine.HelpCommand.class})
public final class TacoCli implements Runnable {

    @Option(names = {"-v", "--verbose"}, description = "Show debug logs, including DJL, jhdf and Jetty.",
            scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: try 'taco --help'.");
    }

    /** Offline settings must be in place before any DJL class loads (DJL calls home otherwise). */
    static void configureEnvironment(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        for (String a : args) {
            if (a.equals("-v") || a.equals("--verbose")) {
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
                for (String noisy : new String[] {"ai.djl", "io.jhdf", "org.eclipse.jetty", "io.javalin", "opennlp"}) {
                    System.setProperty("org.slf4j.simpleLogger.log." + noisy, "debug");
                }
            }
        }
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TacoCli());
        for (Object sub : Commands.all()) {
            cl.addSubcommand(sub);
        }
        // A wrong value or a missing argument is one line and where to read more, not the whole usage
        // (forty lines for taco search) above a message the user then has to find.
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            String name = c == cl ? "taco" : "taco " + c.getCommandName();
            c.getErr().println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
            return c.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean verbose = Boolean.getBoolean("taco.verbose")
                    || "debug".equals(System.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
            commandLine.getErr().println("taco: error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (verbose) {
                ex.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        configureEnvironment(args);
        int code;
        try {
            code = commandLine().execute(args);
        } catch (Throwable t) {
            // picocli reports exceptions, not Errors. An Error (a class missing from a classpath) must still
            // end the JVM: library threads (ZooKeeper's client) would otherwise keep it alive, hung.
            System.err.println("taco: fatal: " + t);
            t.printStackTrace();
            code = 70;
        }
        System.exit(code);
    }
}
