package io.github.taco.cli;

import java.util.List;

/** The list of subcommands, in the order {@code taco --help} shows them. */
final class Commands {
    private Commands() {}

    static List<Object> all() {
        return List.of(new DemoCommand(), new SynthCommand(), new SynthTasksCommand(), new DataCommand(),
                new TrainCommand(), new EvalCommand(), new AblateCommand(), new PretrainTextCommand(),
                new BertCommand(), new IndexCommand(), new SearchCommand(), new ServeCommand(),
                new CrossTaskCommand(), new CoinCommand(), new TextCommand(), new BenchCommand());
    }
}
