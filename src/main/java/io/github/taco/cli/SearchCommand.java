package io.github.taco.cli;

import io.github.taco.index.CascadeSearcher;
import io.github.taco.index.ClipIndex;
import io.github.taco.index.SearchCalibration;
import io.github.taco.index.SearchHit;
import io.github.taco.index.SearchResult;
import io.github.taco.model.Checkpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taco search INDEX "query"}: the cascade from the command line. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {
            "Search an index with a text query and print the ranked clips.",
            "",
            "The cascade: HNSW top N by s1, exact s1 + 0.5·s2 on those, fusion s3 on the top R. Each clip "
                    + "is printed with its three scores, its confidence (the share of the index's own captions whose "
                    + "best match it reaches; 'NO GOOD MATCH' when the best clip is below 5 %%) and, per noun/verb of "
                    + "the query, the second it matched best.",
            "",
            "Examples:",
            "  taco search idx \"add the chopped onion to the pan\" -k 5 --top-n 200 --top-r 20",
            "  taco search --solr zk1:2181/solr --collection clips \"stir the sauce\""})
final class SearchCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "[INDEX] QUERY",
            description = {"INDEX: index folder built by 'taco index' (not with --solr).",
                    "QUERY: the text to search for; its words may be given unquoted (taco search idx cut the onion)."})
    List<String> positional;

    @CommandLine.Mixin SolrOptions solr;

    @Option(names = {"-k"}, defaultValue = "10", description = "Clips to print (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--top-n", defaultValue = "100",
            description = "N, HNSW candidates scored with s1 + 0.5·s2 (default: ${DEFAULT-VALUE}).")
    int topN;

    @Option(names = "--top-r", defaultValue = "20",
            description = "R, candidates re-scored with the fusion s3 (default: ${DEFAULT-VALUE}).")
    int topR;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Checkpoint to use (default: the one recorded in the index; it must be the same model).")
    Path checkpoint;

    @Option(names = "--order", paramLabel = "ORDER", description = "s1, s1+s2 or cascade (default: the index's "
            + "calibrated winner, else cascade; docs/search.md).")
    String order;

    @Option(names = "--no-tokens", description = "Do not print the per-token best seconds.")
    boolean noTokens;

    @Option(names = "--engine-threads", defaultValue = "1",
            description = "PyTorch intra-op threads, 0 for one per core (default: ${DEFAULT-VALUE}, fastest for one "
                    + "query on a busy machine).")
    int engineThreads;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        EngineThreads.forSearch(engineThreads);
        CascadeSearcher.Options o;
        try {
            o = new CascadeSearcher.Options(k, Math.max(k, topN), topR, Math.max(k, topN),
                    order == null ? null : CascadeSearcher.Order.parse(order));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // without --solr the first word is the index folder and the rest the query; with --solr the query is one
        // argument, so that a folder given as well is named rather than searched for
        if (solr.given() && positional.size() > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either INDEX or --solr, not both; with "
                    + "--solr the query is one argument: quote it (\"" + String.join(" ", positional) + "\")");
        }
        Path indexDir = solr.given() ? null : Path.of(positional.get(0));
        List<String> words = solr.given() ? positional : positional.subList(1, positional.size());
        if (words.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give a query after the index folder: taco "
                    + "search " + positional.get(0) + " \"slice the onion\"");
        }
        String query = String.join(" ", words);
        solr.check(spec.commandLine(), indexDir, "INDEX");
        var out = spec.commandLine().getOut();
        try (ClipIndex index = solr.openForSearch(spec.commandLine(), indexDir);
                Checkpoint ck = Checkpoint.open(checkpoint != null ? checkpoint
                        : Path.of(index.meta().checkpointPath))) {
            SearchResult r = new CascadeSearcher(index, ck).search(query, o);
            out.printf(Locale.ROOT, "query: %s   (%d clips indexed, %d candidates, order %s, %d re-scored, %.1f ms)%n",
                    r.query(), r.indexSize(), r.candidates(), r.order().label(), r.rescored(), r.millis().get("total"));
            SearchResult.Match match = r.match();
            if (match.confidence() == null) {
                out.println("(no calibration in this index: run 'taco index " + (indexDir != null ? indexDir
                        : "--solr " + solr.address + " --collection " + solr.collection)
                        + " --calibrate' for confidences)");
            }
            if (Boolean.TRUE.equals(match.noGoodMatch())) {
                String why = !match.unseenWords().isEmpty() && (match.confidence() == null
                        || match.confidence() >= SearchCalibration.NO_GOOD_MATCH)
                        ? "the model never saw " + String.join(", ", match.unseenWords()) + " in training"
                        : String.format(Locale.ROOT, "the best clip scores below %.0f%% of the best matches of this "
                                + "index's own captions (confidence %.0f%%)",
                                100 * (1 - SearchCalibration.NO_GOOD_MATCH), 100 * match.confidence());
                out.println("NO GOOD MATCH: " + why + "; the clips below are the nearest, not answers");
            }
            if (match.mostlyUnknownWords()) {
                out.println("note: most of these words never occurred in the training captions; the model knows "
                        + "English (cooking) captions only");
            }
            if (match.didYouMean() != null) {
                out.println("did you mean: " + match.didYouMean());
            }
            out.printf("%4s  %-24s %-16s %15s %9s %9s %9s %9s %5s%n", "rank", "clip", "video", "segment", "s1", "s2",
                    "s3", "final", "conf");
            for (SearchHit h : r.hits()) {
                out.printf(Locale.ROOT, "%4d  %-24s %-16s %7.1f-%-7.1f %9.4f %9.4f %9s %9.4f %5s  %s%n", h.rank(),
                        h.clipId(), h.videoId(), h.start(), h.end(), h.s1(), h.s2(),
                        h.s3() == null ? "-" : String.format(Locale.ROOT, "%.4f", h.s3()), h.score(),
                        h.confidence() == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * h.confidence()),
                        h.caption());
                if (h.url() != null) {
                    out.println("        watch: " + h.url());
                }
                if (!noTokens) {
                    for (SearchHit.WordMatch w : h.words()) {
                        // one line per word; its pieces when it has several ("whisk" is w ##his ##k), each weighted
                        // in s2
                        String label = w.pieces().size() == 1 ? w.word()
                                : w.word() + " [" + String.join(" ", w.pieces()) + "]";
                        out.printf(Locale.ROOT, "        %-14s %-5s w=%.2f best at %.0f s (s=%.3f)%n", label, w.tag(),
                                w.weight(), w.bestSecond(), w.score());
                    }
                }
            }
        }
        out.flush();
        return 0;
    }
}
