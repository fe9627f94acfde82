package io.github.taco.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code taco data}: dataset utilities (currently {@code check}). */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Dataset utilities.",
        subcommands = {DataCheckCommand.class, CommandLine.HelpCommand.class})
final class DataCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: try 'taco data check --help'.");
    }
}
