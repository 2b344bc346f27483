package io.tally.standalone;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tally.storage.CassandraSessions;
import io.tally.storage.LocalCassandraConfig;
import io.tally.storage.LocalCassandraNode;
import io.tally.storage.TallySchema;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally cassandra}: a local Cassandra node (a child JVM) in the foreground until Ctrl-C. */
@Command(
        name = "cassandra",
        mixinStandardHelpOptions = true,
        description = "Run a local Cassandra 5 node (a child JVM that exits with this one) with Tally's schema, "
                + "until Ctrl-C.")
final class CassandraCommand implements Callable<Integer> {

    @Option(
            names = "--cql-port",
            defaultValue = "9042",
            paramLabel = "PORT",
            description = "CQL port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int cqlPort;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where the node keeps its data, commit log and log file; kept across restarts "
                    + "(default: ~/.tally/cassandra).")
    Path dataDir;

    @Option(
            names = "--heap-mb",
            defaultValue = "512",
            paramLabel = "MB",
            description = "Heap of the Cassandra JVM in MiB (default: ${DEFAULT-VALUE}).")
    int heapMb;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : DataDirs.defaultFor("cassandra");
        LocalCassandraConfig config = LocalCassandraConfig.builder()
                .dataDir(dir)
                .cqlPort(cqlPort)
                .heapMb(heapMb)
                .build();
        System.out.println("Starting Cassandra 5 in a child JVM (data in " + dir + "), this takes a few seconds...");
        LocalCassandraNode node = new LocalCassandraNode(config).start();
        try (CqlSession session = CassandraSessions.open(node.contactPoint())) {
            TallySchema.defaults().apply(session);
        }
        System.out.printf(
                "Cassandra %s ready: CQL at %s:%d, keyspace tally created (data in %s, log %s)%n",
                node.releaseVersion(),
                node.contactPoint().getHostString(),
                node.cqlPort(),
                node.dataDir(),
                node.logFile());
        ForegroundService.runUntilStopped("Cassandra", node);
        return 0;
    }
}
