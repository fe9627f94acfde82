package io.github.taco.cli;

import io.github.taco.index.ClipIndex;
import io.github.taco.index.VideoIndex;
import io.github.taco.index.solr.SolrClipIndex;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options that point index, search and serve at a SolrCloud collection instead of an index folder. */
final class SolrOptions {
    /** Environment variable holding the basic-auth password (kept off the command line and out of `ps`). */
    static final String PASSWORD_ENV = "TACO_SOLR_PASSWORD";

    @Option(names = "--solr", paramLabel = "ZK_OR_URLS", description = {
        "A SolrCloud cluster instead of an index folder: its ZooKeeper ensemble (zk1:2181,zk2:2181/solr, the chroot "
                + "after the last host) or Solr base URLs (http://host:8983/solr, comma-separated). See README, 'More "
                + "than one machine'."})
    String address;

    @Option(names = "--collection", paramLabel = "NAME",
            description = "The collection (with --solr); 'taco index' creates it when missing.")
    String collection;

    @Option(names = "--solr-user", paramLabel = "USER",
            description = "Basic-auth user of a cluster with authentication; the password is read from the environment "
                    + "variable " + PASSWORD_ENV + ".")
    String user;

    boolean given() {
        return address != null;
    }

    SolrClipIndex.Connection connection(CommandLine cmd) {
        if (collection == null) {
            throw new CommandLine.ParameterException(cmd, "--solr needs --collection NAME");
        }
        String password = null;
        if (user != null) {
            password = System.getenv(PASSWORD_ENV);
            if (password == null) {
                throw new CommandLine.ParameterException(cmd,
                        "--solr-user " + user + ": set the password in the environment variable " + PASSWORD_ENV);
            }
        }
        try {
            return new SolrClipIndex.Connection(address, collection, user, password);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }

    /** Rejects --collection or --solr-user without --solr, and a folder given together with --solr. */
    void check(CommandLine cmd, Object folder, String folderName) {
        if (!given() && (collection != null || user != null)) {
            throw new CommandLine.ParameterException(cmd, "--collection and --solr-user need --solr");
        }
        if (given() && folder != null) {
            throw new CommandLine.ParameterException(cmd, "give either " + folderName + " or --solr, not both");
        }
        if (!given() && folder == null) {
            throw new CommandLine.ParameterException(cmd,
                    "give an index: " + folderName + ", or --solr ZK_OR_URLS --collection NAME");
        }
    }

    /** Opens the index the command names, read-only: the collection, else the folder. */
    ClipIndex openForSearch(CommandLine cmd, Path folder) throws IOException {
        return given() ? SolrClipIndex.open(connection(cmd)) : VideoIndex.open(folder, true);
    }
}
