package io.tally.standalone;

import io.tally.aggregator.AggregatorConfig;
import io.tally.aggregator.LocalAggregator;
import io.tally.api.ApiConfig;
import io.tally.api.ApiServer;
import io.tally.broker.BrokerConfig;
import io.tally.broker.BrokerSasl;
import io.tally.broker.BundledBroker;
import io.tally.core.Clock;
import io.tally.core.TallyException;
import io.tally.core.local.FolderLock;
import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.ReconcilerConfig;
import io.tally.reconciler.ReconcilerService;
import io.tally.storage.AuditStore;
import io.tally.storage.AuditStores;
import io.tally.storage.LocalCassandraConfig;
import io.tally.storage.LocalCassandraNode;
import io.tally.storage.TallySchema;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.types.Password;

/**
 * Every role of Tally in one JVM, with Cassandra as its child process: the bundled broker, the aggregator's Flink
 * jobs on a MiniCluster, the reconciler and the API. Started in dependency order (Cassandra, Kafka, aggregator,
 * reconciler, API) and closed in the reverse order. Everything lives under one data folder, locked while it runs, so
 * that running again on it resumes: Kafka keeps its log and offsets, the aggregator its checkpoints, Cassandra the
 * verdicts and the alert state (nothing counted twice, no alert sent again).
 *
 * <p>With {@value BrokerConfig#SASL_MECHANISM} set, the broker requires SASL/SCRAM and every role's Kafka clients log
 * in as the broker's own user ({@value BrokerConfig#SASL_USERNAME}), unless the settings give them
 * {@code tally.kafka.*} credentials of their own.
 */
final class Standalone implements AutoCloseable {
    /**
     * What to run.
     *
     * @param dataDir where everything is kept, across restarts
     * @param settings settings by key, given to every role: each reads its own keys and the shared ones. The bucket
     *     size, the grace period and the ports are settings too ({@link SharedSettings#BUCKET_MS},
     *     {@link ReconcilerConfig#GRACE_MS}, {@link BrokerConfig#LISTENER_PORT}, {@link ApiConfig#PORT},
     *     {@link LocalCassandraConfig#CQL_PORT}); a key left out takes the default of its table
     */
    record Options(Path dataDir, Map<String, String> settings) {}

    /** Where everything listens, once started. */
    record Endpoints(String kafka, String cassandra, String api, Path dataDir) {}

    private record Part(String name, AutoCloseable part) {}

    private final Deque<Part> started = new ArrayDeque<>();
    private final PrintStream log;
    private Endpoints endpoints;
    private BrokerSasl kafkaSasl;
    /** what the roles were started with, for a role started again */
    private RoleConfigs roles;

    private FolderLock folderLock;
    private CompletableFuture<Throwable> failed = new CompletableFuture<>();

    private Standalone(PrintStream log) {
        this.log = log;
    }

    /**
     * Starts everything, or nothing: a part that fails to start closes those already started.
     *
     * @throws TallyException naming what failed: a port in use, a data folder in use, a part that did not start
     */
    static Standalone start(Options o, PrintStream log) {
        Standalone s = new Standalone(log);
        try {
            s.startAll(o);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    Endpoints endpoints() {
        return endpoints;
    }

    /** The bucket size every part runs with, in ms: what the agents' {@code tally.bucket.ms} must be. */
    long bucketMs() {
        return roles.bucketMs();
    }

    /** Whether the broker requires SASL, and its users: what an audited client must log in as. */
    BrokerSasl kafkaSasl() {
        return kafkaSasl;
    }

    /** Completes, with the cause, if a part fails by itself (the aggregator's job gave up restarting). */
    CompletableFuture<Throwable> failed() {
        return failed;
    }

    private void startAll(Options o) {
        // every setting is read, and refused if wrong, before anything starts
        Map<String, String> given = new LinkedHashMap<>(o.settings());
        given.putIfAbsent(BrokerConfig.DATA_DIR, o.dataDir().resolve("broker").toString());
        given.putIfAbsent(
                LocalCassandraConfig.DATA_DIR, o.dataDir().resolve("cassandra").toString());
        BrokerConfig brokerConfig = BrokerConfig.fromProperties(given);
        kafkaSasl = brokerConfig.sasl();
        LocalCassandraConfig cassandraConfig = LocalCassandraConfig.fromProperties(given).toBuilder()
                .stopOnJvmExit(false) // closed last, by close(), after everything that uses it
                .build();
        ApiConfig apiSettings = ApiConfig.fromProperties(given);
        int apiPort = apiSettings.getInt(ApiConfig.PORT);
        AuditStores.schema(apiSettings, TallySchema.DEFAULT_TTL); // a bad keyspace or replication, named now
        // the addresses are not known yet: those the parts will have are stood in for
        RoleConfigs.of(roleSettings(o, "localhost:" + brokerConfig.listenerPort(), "localhost:9042"));

        lock(o.dataDir());
        requireFree("Kafka", brokerConfig.listenerPort());
        requireFree("the API", apiPort);
        requireFree("Cassandra", cassandraConfig.cqlPort());

        log.println("Starting Cassandra (a child JVM, data in "
                + cassandraConfig.dataDir().orElseThrow() + ")...");
        LocalCassandraNode cassandra = new LocalCassandraNode(cassandraConfig);
        started.push(new Part("Cassandra", cassandra));
        cassandra.start();
        String cql = cassandra.contactPoint().getHostString() + ":" + cassandra.cqlPort();

        log.println("Starting Kafka...");
        BundledBroker broker = BundledBroker.start(brokerConfig);
        started.push(new Part("Kafka", broker));

        roles = RoleConfigs.of(roleSettings(o, broker.bootstrapServers(), cql));
        // once, here, before the roles that only check it: rows live as long as the reconciler keeps them
        AuditStores.applySchema(
                roles.reconciler(), Duration.ofMillis(roles.reconciler().getLong(ReconcilerConfig.RETENTION_MS)));

        log.println("Starting the aggregator (Flink MiniCluster)...");
        started.push(new Part(AGGREGATOR, startRole(AGGREGATOR)));

        log.println("Starting the reconciler...");
        started.push(new Part(RECONCILER, startRole(RECONCILER)));

        log.println("Starting the API...");
        AuditStore store = AuditStores.open(roles.api());
        started.push(new Part("the API's store", store));
        ApiServer server = ApiServer.start(store, roles.api(), Clock.system());
        started.push(new Part("the API", server));
        endpoints = new Endpoints(broker.bootstrapServers(), cql, server.url().toString(), o.dataDir());
    }

    private static final String AGGREGATOR = "the aggregator";
    private static final String RECONCILER = "the reconciler";

    private AutoCloseable startRole(String name) {
        if (name.equals(AGGREGATOR)) {
            LocalAggregator jobs = LocalAggregator.start(roles.aggregator());
            failed = jobs.failed();
            return jobs;
        }
        return ReconcilerService.builder(roles.reconciler()).build().start();
    }

    /**
     * Stops the aggregator or the reconciler and starts it again, as an operator's restart does: the aggregator
     * resumes from its newest checkpoint, the reconciler from what the aggregates topic and Cassandra hold. For tests
     * that prove a restart costs no false alarm.
     *
     * @param aggregator the aggregator if true, else the reconciler
     */
    synchronized void restartRole(boolean aggregator) throws Exception {
        String name = aggregator ? AGGREGATOR : RECONCILER;
        java.util.List<Part> parts = new java.util.ArrayList<>(started);
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).name().equals(name)) {
                parts.get(i).part().close();
                log.println("Stopped " + name + "; starting it again...");
                parts.set(i, new Part(name, startRole(name)));
            }
        }
        started.clear();
        started.addAll(parts); // the same order: newest first
    }

    /**
     * @return the settings every role reads: the given ones, Tally's Kafka cluster and Cassandra node (those
     *     started here), the broker's own SASL user for the roles' Kafka clients when it requires SASL, and what a
     *     standalone has of its own (checkpoints in the data folder, the log tier expected)
     */
    static Map<String, Object> roleSettings(Options o, String kafka, String cql) {
        Map<String, Object> settings = new LinkedHashMap<>(o.settings());
        settings.put(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, kafka);
        // tally.kafka.* given by the settings win: the roles may log in as a user of their own
        BrokerConfig.fromProperties(o.settings())
                .sasl()
                .clientProperties()
                .forEach((key, value) -> settings.putIfAbsent(
                        SharedSettings.KAFKA_PREFIX + key, value instanceof Password p ? p.value() : value));
        settings.put(SharedSettings.CASSANDRA_CONTACT_POINTS, cql);
        settings.putIfAbsent(
                AggregatorConfig.CHECKPOINT_DIR,
                o.dataDir().resolve("aggregator").resolve("checkpoints").toUri().toString());
        // the log-tier job runs here, on the topics it reads: they wait for it rather than be judged without it
        settings.putIfAbsent(ReconcilerConfig.LOG_TIER, "expected");
        return settings;
    }

    /** Closes what was started, newest first; every part is closed even if one fails. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            Part p = started.pop();
            long begin = System.nanoTime();
            try {
                p.part().close();
                log.printf("Stopped %s (%d ms)%n", p.name(), (System.nanoTime() - begin) / 1_000_000);
            } catch (Exception e) {
                log.println("tally: stopping " + p.name() + " failed: " + e);
            }
        }
        if (folderLock != null) {
            try {
                folderLock.close();
            } catch (IOException e) {
                log.println("tally: releasing the data folder lock failed: " + e);
            }
            folderLock = null;
        }
    }

    /** One standalone per data folder: a second one would share Kafka's log and Cassandra's files. */
    private void lock(Path dataDir) {
        try {
            folderLock = FolderLock.acquire(
                    dataDir.resolve("standalone.lock"),
                    holder -> new TallyException("the data folder " + dataDir + " is in use by another tally standalone"
                            + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                            + "; stop it or pick another --data-dir"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the data folder " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static void requireFree(String what, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new TallyException(
                    "port " + port + " (" + what + ") is in use; stop what holds it or pick " + "another port");
        }
    }
}
