package io.tally.standalone;

import io.tally.aggregator.AggregatorConfig;
import io.tally.aggregator.LocalAggregator;
import io.tally.api.ApiConfig;
import io.tally.api.ApiServer;
import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import io.tally.core.Clock;
import io.tally.core.TallyException;
import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.ReconcilerConfig;
import io.tally.reconciler.ReconcilerService;
import io.tally.storage.CassandraAuditStore;
import io.tally.storage.CassandraSessions;
import io.tally.storage.LocalCassandraConfig;
import io.tally.storage.LocalCassandraNode;
import io.tally.storage.TallySchema;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Every role of Tally in one JVM, with Cassandra as its child process: the bundled broker, the aggregator's Flink
 * jobs on a MiniCluster, the reconciler and the API. Started in dependency order (Cassandra, Kafka, aggregator,
 * reconciler, API) and closed in the reverse order. Everything lives under one data folder, locked while it runs, so
 * that running again on it resumes: Kafka keeps its log and offsets, the aggregator its checkpoints, Cassandra the
 * verdicts and the alert state (nothing counted twice, no alert sent again).
 */
final class Standalone implements AutoCloseable {
    /**
     * What to run.
     *
     * @param settings extra settings by key, given to every role: each reads its own keys and the shared ones
     */
    record Options(
            Duration bucket,
            Duration grace,
            int kafkaPort,
            int apiPort,
            int cassandraPort,
            Path dataDir,
            List<String> apiTokens,
            Map<String, String> settings) {}

    /** Where everything listens, once started. */
    record Endpoints(String kafka, String cassandra, String api, Path dataDir) {}

    private record Part(String name, AutoCloseable part) {}

    private final Deque<Part> started = new ArrayDeque<>();
    private final PrintStream log;
    private Endpoints endpoints;
    private FileChannel lockChannel;
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

    /** Completes, with the cause, if a part fails by itself (the aggregator's job gave up restarting). */
    CompletableFuture<Throwable> failed() {
        return failed;
    }

    private void startAll(Options o) {
        lock(o.dataDir());
        requireFree("Kafka", o.kafkaPort());
        requireFree("the API", o.apiPort());
        requireFree("Cassandra", o.cassandraPort());

        log.println("Starting Cassandra (a child JVM, data in " + o.dataDir().resolve("cassandra") + ")...");
        LocalCassandraNode cassandra = new LocalCassandraNode(LocalCassandraConfig.builder()
                .dataDir(o.dataDir().resolve("cassandra"))
                .cqlPort(o.cassandraPort())
                .stopOnJvmExit(false) // closed last, by close(), after everything that uses it
                .build());
        started.push(new Part("Cassandra", cassandra));
        cassandra.start();
        String cql = cassandra.contactPoint().getHostString() + ":" + cassandra.cqlPort();

        log.println("Starting Kafka...");
        BundledBroker broker = BundledBroker.start(BrokerConfig.builder()
                .dataDir(o.dataDir().resolve("broker"))
                .listenerPort(o.kafkaPort())
                .build());
        started.push(new Part("Kafka", broker));

        log.println("Starting the aggregator (Flink MiniCluster)...");
        // one set of settings for every role: each reads its own keys and the shared ones
        Map<String, Object> settings = new LinkedHashMap<>(o.settings());
        settings.put(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        settings.put(SharedSettings.CASSANDRA_CONTACT_POINTS, cql);
        settings.put(SharedSettings.BUCKET_MS, o.bucket().toMillis());
        settings.putIfAbsent(
                AggregatorConfig.CHECKPOINT_DIR,
                o.dataDir().resolve("aggregator").resolve("checkpoints").toUri().toString());
        settings.put(ReconcilerConfig.GRACE_MS, o.grace().toMillis());
        // the log-tier job runs here, on the topics it reads: they wait for it rather than be judged without it
        settings.putIfAbsent(ReconcilerConfig.LOG_TIER, "expected");
        settings.put(ApiConfig.PORT, o.apiPort());
        if (!o.apiTokens().isEmpty()) {
            settings.put(ApiConfig.TOKENS, String.join(",", o.apiTokens()));
        }
        AggregatorConfig aggregatorConfig = AggregatorConfig.fromMap(settings);
        LocalAggregator jobs = LocalAggregator.start(aggregatorConfig);
        started.push(new Part("the aggregator", jobs));
        failed = jobs.failed();

        log.println("Starting the reconciler...");
        started.push(new Part(
                "the reconciler",
                ReconcilerService.builder(ReconcilerConfig.fromProperties(settings))
                        .build()
                        .start()));

        log.println("Starting the API...");
        CassandraAuditStore store = CassandraAuditStore.connect(
                CassandraSessions.parseContactPoints(cql),
                CassandraSessions.DEFAULT_LOCAL_DATACENTER,
                TallySchema.defaults());
        started.push(new Part("the API's store", store));
        ApiServer server = ApiServer.start(store, ApiConfig.fromProperties(settings), Clock.system());
        started.push(new Part("the API", server));
        endpoints = new Endpoints(broker.bootstrapServers(), cql, server.url().toString(), o.dataDir());
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
        if (lockChannel != null) {
            try {
                lockChannel.close(); // releases the lock
            } catch (IOException e) {
                log.println("tally: releasing the data folder lock failed: " + e);
            }
            lockChannel = null;
        }
    }

    /** One standalone per data folder: a second one would share Kafka's log and Cassandra's files. */
    private void lock(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Path lockFile = dataDir.resolve("standalone.lock");
            FileChannel channel = FileChannel.open(
                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).trim();
                channel.close();
                throw new TallyException("the data folder " + dataDir + " is in use by another tally standalone"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; stop it or pick another --data-dir");
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(
                    Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            lockChannel = channel;
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
