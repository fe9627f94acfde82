package io.github.taco.cli;

import java.util.List;

/** The list of subcommands, in the order {@code taco --help} shows them. */
final class Commands {
    private Commands() {}

    static List<Object> all() {
        return List.of(new TextCommand(), new IndexCommand(), new SearchCommand(), new ServeCommand(), new BenchCommand());
    }
}
