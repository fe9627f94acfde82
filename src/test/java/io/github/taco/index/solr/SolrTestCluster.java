package io.github.taco.index.solr;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A real SolrCloud cluster for tests: Solr's {@link MiniSolrCloudCluster} (an embedded ZooKeeper
 * and N Jetty nodes) in a child JVM, driven over stdin/stdout.
 *
 * <p>Why a child JVM: Solr 9's servlets are javax.servlet on Jetty 10, while this project serves on
 * Javalin's Jetty 11 (jakarta.servlet); one classpath cannot hold both. The child gets the test
 * classpath with every Jetty jar swapped for the Jetty 10 ones Maven copies to
 * {@code target/solr-test-jetty}; the tests talk to it over loopback with the SolrJ client the CLI
 * ships, on Jetty 11, which is also what runs in production.
 */
final class SolrTestCluster implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final String zkAddress;
    private final List<String> nodeUrls = new ArrayList<>();
    /** The child's lines read by the last {@link #expect}. */
    private final List<String> lines = new ArrayList<>();

    private SolrTestCluster(Process process) throws IOException {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        expect("READY");
        String zk = null;
        for (String l : lines) {
            if (l.startsWith("ZK ")) zk = l.substring(3).strip();
            if (l.startsWith("NODE ")) nodeUrls.add(l.split(" ")[2]);
        }
        this.zkAddress = zk;
    }

    /** Reads the child's protocol lines up to one starting with {@code word}; fails with its log if it dies. */
    private String expect(String word) throws IOException {
        lines.clear();
        for (String line; (line = out.readLine()) != null; ) {
            lines.add(line);
            if (line.startsWith(word)) {
                return line;
            }
            if (line.startsWith("ERROR")) {
                throw new IOException("the Solr test cluster failed: " + line);
            }
        }
        throw new IOException("the Solr test cluster exited (code " + waitQuietly() + ") before '" + word
                + "'; its log: " + String.join("\n", lines));
    }

    private int waitQuietly() {
        try {
            return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Starts a cluster of {@code nodes} Solr nodes under {@code baseDir}. */
    static SolrTestCluster start(Path baseDir, int nodes) throws IOException {
        Files.createDirectories(baseDir);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Djava.net.preferIPv4Stack=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dsolr.log.dir=" + baseDir.resolve("logs"), "-Dhost=127.0.0.1", "-Djetty.host=127.0.0.1",
                "-cp", childClasspath(), Main.class.getName(), baseDir.toString(), Integer.toString(nodes)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(baseDir.resolve("cluster.err").toFile());
        return new SolrTestCluster(pb.start());
    }

    /** The test classpath with Jetty 11 (and Javalin on it) replaced by Solr's Jetty 10. */
    static String childClasspath() throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path jetty10 = Path.of(System.getProperty("taco.solr.jetty", "target/solr-test-jetty"));
        if (!Files.isDirectory(jetty10)) {
            throw new IOException(jetty10.toAbsolutePath()
                    + " is missing: run the tests through Maven (it copies Solr's Jetty 10 there)");
        }
        String sep = File.separator;
        List<String> kept = Arrays.stream(cp.split(File.pathSeparator))
                .filter(e -> !(e.contains(sep + "org" + sep + "eclipse" + sep + "jetty" + sep)
                        && !e.contains(sep + "toolchain" + sep)))
                .filter(e -> !e.contains(sep + "io" + sep + "javalin" + sep))
                .collect(Collectors.toCollection(ArrayList::new));
        try (Stream<Path> jars = Files.list(jetty10)) {
            jars.filter(p -> p.toString().endsWith(".jar")).sorted()
                    .forEach(p -> kept.add(p.toAbsolutePath().toString()));
        }
        return String.join(File.pathSeparator, kept);
    }

    /** The embedded ZooKeeper, host:port. */
    String zkAddress() {
        return zkAddress;
    }

    /** Base URLs of the nodes ({@code http://127.0.0.1:port/solr}). */
    List<String> nodeUrls() {
        return List.copyOf(nodeUrls);
    }

    /** Stops node {@code i} (its Jetty goes down; ZooKeeper sees it leave). */
    void stopNode(int i) throws IOException {
        in.println("stop " + i);
        expect("STOPPED");
    }

    /** Starts node {@code i} again. */
    void startNode(int i) throws IOException {
        in.println("start " + i);
        expect("STARTED");
    }

    @Override
    public void close() {
        in.println("quit");
        if (waitQuietly() == -1) {
            process.destroyForcibly();
        }
    }

    /** The child JVM: starts the cluster, prints its addresses, then obeys stop/start/quit. */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            Path base = Path.of(args[0]);
            int nodes = Integer.parseInt(args[1]);
            MiniSolrCloudCluster cluster;
            try {
                cluster = new MiniSolrCloudCluster.Builder(nodes, base.resolve("cluster")).configure();
            } catch (Exception e) {
                System.out.println("ERROR " + e);
                e.printStackTrace();
                System.exit(2);
                return;
            }
            System.out.println("ZK " + cluster.getZkServer().getZkAddress());
            // stopping one removes it from the cluster's list
            List<JettySolrRunner> jettys = new ArrayList<>(cluster.getJettySolrRunners());
            for (int i = 0; i < jettys.size(); i++) {
                System.out.println("NODE " + i + " " + jettys.get(i).getBaseUrl());
            }
            System.out.println("READY");
            System.out.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = commands.readLine()) != null; ) {
                String[] w = line.strip().split(" ");
                try {
                    switch (w[0]) {
                        case "stop" -> {
                            JettySolrRunner j = jettys.get(Integer.parseInt(w[1]));
                            cluster.stopJettySolrRunner(j);
                            cluster.waitForJettyToStop(j);
                            System.out.println("STOPPED " + w[1]);
                        }
                        case "start" -> {
                            cluster.startJettySolrRunner(jettys.get(Integer.parseInt(w[1])), true);
                            System.out.println("STARTED " + w[1]);
                        }
                        case "quit" -> {
                            cluster.shutdown();
                            System.out.println("BYE");
                            System.exit(0);
                        }
                        default -> System.out.println("ERROR unknown command " + line);
                    }
                } catch (Exception e) {
                    System.out.println("ERROR " + e);
                }
                System.out.flush();
            }
            cluster.shutdown(); // the parent went away
            System.exit(0);
        }
    }
}
