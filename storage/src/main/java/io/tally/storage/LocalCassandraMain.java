package io.tally.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a local node from the command line until the process is stopped (Ctrl-C stops the node cleanly), and
 * creates the default schema on it. Settings are the {@code tally.cassandra.*} system properties of
 * {@link LocalCassandraConfig#OPTIONS}; the data folder defaults to {@code data/cassandra} under the working folder,
 * kept between runs.
 *
 * <pre>
 * mvn -q -pl storage exec:java -Dexec.mainClass=io.tally.storage.LocalCassandraMain -Dtally.cassandra.cql.port=9042
 * </pre>
 */
public final class LocalCassandraMain {
    /** Data folder when {@value LocalCassandraConfig#DATA_DIR} is not set. */
    public static final Path DEFAULT_DATA_DIR = Path.of("data", "cassandra");

    private LocalCassandraMain() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(k.toString(), v.toString()));
        properties.putIfAbsent(LocalCassandraConfig.DATA_DIR, DEFAULT_DATA_DIR.toString());
        LocalCassandraNode node = new LocalCassandraNode(LocalCassandraConfig.fromProperties(properties));
        node.start();
        try (CqlSession session = CassandraSessions.open(node.contactPoint())) {
            TallySchema.defaults().apply(session);
        }
        System.out.printf("Cassandra %s is up on %s:%d (data %s, log %s). Ctrl-C stops it.%n", node.releaseVersion(),
                node.contactPoint().getHostString(), node.cqlPort(), node.dataDir(), node.logFile());
        new CountDownLatch(1).await();
    }
}
