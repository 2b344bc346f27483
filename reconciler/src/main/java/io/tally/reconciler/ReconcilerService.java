package io.tally.reconciler;

import io.tally.core.Clock;
import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.internal.alert.AlertDispatcher;
import io.tally.reconciler.internal.alert.KafkaAlertSink;
import io.tally.reconciler.internal.alert.LogAlertSink;
import io.tally.reconciler.internal.alert.WebhookAlertSink;
import io.tally.reconciler.internal.kafka.AggregatesReader;
import io.tally.reconciler.internal.kafka.AuditReader;
import io.tally.reconciler.internal.kafka.GroupLagProbe;
import io.tally.reconciler.internal.kafka.KafkaClients;
import io.tally.reconciler.internal.kafka.TailCheck;
import io.tally.reconciler.internal.state.Reconciliation;
import io.tally.reconciler.internal.topology.TopicPolicy;
import io.tally.reconciler.internal.topology.Topology;
import io.tally.reconciler.internal.topology.TopologyFile;
import io.tally.reconciler.internal.verdict.AgentLiveness;
import io.tally.storage.AuditStore;
import io.tally.storage.AuditStores;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The reconciler: consumes {@code tally.aggregates} in a consumer group, stores every aggregate and progress, judges
 * each edge of the topology for each bucket, stores verdicts and discrepancies, and alerts. The entry point of
 * {@code ./tally reconciler}:
 *
 * <pre>{@code
 * try (ReconcilerService service = ReconcilerService.builder(ReconcilerConfig.fromProperties(props)).build().start()) {
 *     ... until shutdown
 * }
 * }</pre>
 *
 * <p>One thread does the work (poll, store, evaluate every {@code evaluate.interval.ms}, alert); {@link #start} and
 * {@link #close} may be called from any thread. Failures of Kafka or Cassandra are logged and retried, never fatal.
 */
public final class ReconcilerService implements AutoCloseable {
    private final ReconcilerConfig config;
    private final Clock clock;
    private final AuditStore givenStore;
    private ReconcilerLoop loop;
    private Thread thread;

    private ReconcilerService(Builder b) {
        this.config = b.config;
        this.clock = b.clock;
        this.givenStore = b.store;
    }

    /** @return a builder of a service with these settings */
    public static Builder builder(ReconcilerConfig config) {
        return new Builder(config);
    }

    /**
     * Connects to Cassandra (creating the schema if missing), loads known discrepancies and starts the work thread.
     *
     * @return this
     * @throws IllegalArgumentException for a bad setting or topology file, naming it
     * @throws io.tally.storage.StorageException if Cassandra cannot be reached
     * @throws IllegalStateException if already started
     */
    public synchronized ReconcilerService start() {
        if (loop != null) {
            throw new IllegalStateException("reconciler already started");
        }
        Topology topology = topology();
        AuditStore store = givenStore != null ? givenStore : openStore();
        boolean ownsStore = givenStore == null;
        List<AlertSink> sinks = new ArrayList<>();
        try {
            if (config.getBoolean(ReconcilerConfig.ALERT_LOG)) {
                sinks.add(new LogAlertSink());
            }
            String webhook = config.getString(ReconcilerConfig.WEBHOOK_URL);
            if (!webhook.isEmpty()) {
                sinks.add(new WebhookAlertSink(
                        parseUrl(webhook), Duration.ofMillis(config.getLong(ReconcilerConfig.WEBHOOK_TIMEOUT_MS))));
            }
            if (config.getBoolean(ReconcilerConfig.ALERT_KAFKA)) {
                sinks.add(new KafkaAlertSink(
                        new KafkaProducer<>(KafkaClients.producer(config, "tally-reconciler-alerts")),
                        config.getString(SharedSettings.ALERTS_TOPIC),
                        Duration.ofSeconds(10)));
            }
            long grace = config.getLong(ReconcilerConfig.GRACE_MS);
            long liveness = config.getLong(ReconcilerConfig.LIVENESS_MS);
            long window = config.getLong(ReconcilerConfig.WINDOW_MS);
            AgentLiveness agents =
                    new AgentLiveness(liveness, config.getLong(SharedSettings.FLUSH_INTERVAL_MS), 60_000);
            Reconciliation reconciliation = new Reconciliation(
                    topology,
                    new Reconciliation.Settings(
                            grace,
                            config.getLong(ReconcilerConfig.STALL_TIMEOUT_MS),
                            config.getLong(ReconcilerConfig.IDLE_AFTER_MS),
                            config.getLong(ReconcilerConfig.IDLE_LAG_MS),
                            liveness,
                            window,
                            config.getLong(ReconcilerConfig.ALERT_HOLD_MS),
                            config.getInt(ReconcilerConfig.MAX_IDS),
                            config.getLong(ReconcilerConfig.TIER_RETIRE_MS)),
                    agents);
            agents.restore(store.agents()); // which agents died or closed before this instance's look-back
            long hold = config.getLong(ReconcilerConfig.ALERT_HOLD_MS);
            AlertDispatcher dispatcher = new AlertDispatcher(
                    sinks,
                    store,
                    topology::policy,
                    grace + hold,
                    hold,
                    new AlertDispatcher.RetryPolicy(
                            config.getInt(ReconcilerConfig.ALERT_MAX_ATTEMPTS),
                            config.getLong(ReconcilerConfig.ALERT_BACKOFF_MS)));
            String auditTopic = config.getString(SharedSettings.AUDIT_TOPIC);
            loop = new ReconcilerLoop(
                    config,
                    clock,
                    store,
                    ownsStore,
                    sinks,
                    reconciliation,
                    agents,
                    dispatcher,
                    new AggregatesReader(
                            KafkaClients.consumer(
                                    config, "tally-reconciler", config.getString(ReconcilerConfig.GROUP_ID)),
                            config.getString(SharedSettings.AGGREGATES_TOPIC)),
                    !config.getBoolean(ReconcilerConfig.AGENT_LIVENESS)
                            ? null
                            : new AuditReader(
                                    KafkaClients.consumer(config, "tally-reconciler-liveness", null),
                                    auditTopic,
                                    Duration.ofMillis(Math.max(liveness * 4, 120_000))),
                    new GroupLagProbe(
                            KafkaClients.admin(config, "tally-reconciler-lag"),
                            Duration.ofSeconds(5),
                            new TailCheck(KafkaClients.consumer(config, "tally-reconciler-tail", null)),
                            Duration.ofMillis(config.getLong(ReconcilerConfig.IDLE_LAG_MS))));
        } catch (RuntimeException e) {
            sinks.forEach(AlertSink::close);
            if (ownsStore) {
                store.close();
            }
            throw e;
        }
        thread = new Thread(loop, "tally-reconciler");
        thread.start();
        return this;
    }

    /** @return counters of the work so far (zeros before start) */
    public ReconcilerStats stats() {
        ReconcilerLoop l = loop;
        return l == null ? new ReconcilerStats(0, 0, 0, 0, 0, 0, 0) : l.stats();
    }

    /** Stops the work thread and closes the clients, sinks and the store it opened. Idempotent. */
    @Override
    public synchronized void close() {
        if (loop == null) {
            return;
        }
        loop.stop();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop = null;
    }

    private Topology topology() {
        TopicPolicy defaults = new TopicPolicy(
                false,
                config.getLong(ReconcilerConfig.LATENCY_SLA_MS),
                config.getDouble(ReconcilerConfig.LATENCY_PERCENTILE),
                config.getLong(ReconcilerConfig.ALERT_MIN_MISSING),
                config.getLong(ReconcilerConfig.ALERT_MIN_DUPLICATED),
                TopicPolicy.DEFAULT_ALERT_KINDS);
        String file = config.getString(ReconcilerConfig.TOPOLOGY_FILE);
        Topology topology = file.isEmpty()
                ? Topology.defaults().withDefaultPolicy(defaults)
                : TopologyFile.read(Path.of(file), defaults);
        return topology.withLogTier(
                        Topology.LogTier.valueOf(
                                config.getString(ReconcilerConfig.LOG_TIER).toUpperCase(Locale.ROOT)),
                        Pattern.compile(config.getString(SharedSettings.LOG_TOPICS)))
                .withLogCommitted(Pattern.compile(config.getString(SharedSettings.LOG_COMMITTED_TOPICS)));
    }

    private AuditStore openStore() {
        return AuditStores.open(config, Duration.ofMillis(config.getLong(ReconcilerConfig.RETENTION_MS)));
    }

    private static URI parseUrl(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    ReconcilerConfig.WEBHOOK_URL + " must be an http(s) URL, was '" + url + "'", e);
        }
    }

    /** Builds a {@link ReconcilerService}; not thread-safe. */
    public static final class Builder {
        private final ReconcilerConfig config;
        private Clock clock = Clock.system();
        private AuditStore store;

        private Builder(ReconcilerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The clock (default {@link Clock#system()}). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** A store to use instead of the configured Cassandra; the caller keeps and closes it. */
        public Builder store(AuditStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        public ReconcilerService build() {
            return new ReconcilerService(this);
        }
    }
}
