package io.github.taco.cli;

import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.ClipIndex;
import io.github.taco.model.Checkpoint;
import io.github.taco.serve.SearchServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taco serve --index DIR}: the HTTP API and search page. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {
            "Serve an index over HTTP: the search page at /, and a JSON API.",
            "  GET /api/search?q=TEXT&k=10[&n=100&r=20]  ranked clips, scores, heat strips",
            "  GET /api/videos/{id}     a clip (clip id) or the clips of a video",
            "  GET /api/health          status",
            "  GET /api/metrics         request counts and latency percentiles",
            "",
            "Binds to 127.0.0.1 unless --host says otherwise. Stop with Ctrl-C.",
            "",
            "Example:",
            "  taco serve --index idx --port 8080",
            "  taco serve --solr zk1:2181,zk2:2181/solr --collection clips --checkpoint run/best"})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--index", paramLabel = "DIR", description = "Index folder built by 'taco index' (or --solr).")
    Path indexDir;

    @CommandLine.Mixin SolrOptions solr;

    @Option(names = "--port", defaultValue = "8080",
            description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--allow-host", paramLabel = "NAME", description = {"A further host name that requests may carry "
            + "in their Host header (repeatable), e.g. the machine's name when serving a LAN with --host 0.0.0.0.",
            "Loopback names and the --host address are always allowed; any other Host gets 403, so that a web page "
            + "elsewhere cannot reach this API through DNS rebinding."})
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--log-queries", description = "Write each request's query string (what users searched for) into "
            + "the access log too. Without it the log (logger taco.access: time, method, path, status, "
            + "latency) has none.")
    boolean logQueries;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Checkpoint (default: the one recorded in the index).")
    Path checkpoint;

    @Option(names = "--top-n", defaultValue = "100",
            description = "Default N when a request gives no n (default: ${DEFAULT-VALUE}).")
    int topN;

    @Option(names = "--top-r", defaultValue = "20",
            description = "Default R when a request gives no r (default: ${DEFAULT-VALUE}).")
    int topR;

    @Option(names = "--engine-threads", defaultValue = "0",
            description = "PyTorch intra-op threads per query, 0 for PyTorch's default of one per core (default: "
                    + "${DEFAULT-VALUE}).")
    int engineThreads;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        EngineThreads.forSearch(engineThreads);
        if (topN < 1 || topN > SearchServer.MAX_N || topR < 0 || topR > SearchServer.MAX_R) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--top-n must be 1.." + SearchServer.MAX_N + " and --top-r 0.." + SearchServer.MAX_R);
        }
        solr.check(spec.commandLine(), indexDir, "--index DIR");
        try (ClipIndex index = solr.openForSearch(spec.commandLine(), indexDir);
                Checkpoint ck = Checkpoint.open(checkpoint != null ? checkpoint : Path.of(index.meta().checkpointPath));
                SearchServer server = new SearchServer(new CascadeSearcher(index, ck),
                        new SearchServer.Options(topN, topR, topN, allowHosts, logQueries))) {
            server.start(host, port);
            var out = spec.commandLine().getOut();
            out.printf("serving %d clips of %s at http://%s:%d/  (Ctrl-C to stop)%n", index.size(), index.location(),
                    host, server.port());
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
