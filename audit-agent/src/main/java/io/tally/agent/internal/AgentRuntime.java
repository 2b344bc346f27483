package io.tally.agent.internal;

import io.tally.agent.AgentConfig;
import io.tally.core.AgentIdentity;
import io.tally.core.Clock;
import io.tally.core.CountingMode;
import io.tally.core.EventTimeSpec;
import io.tally.core.settings.DeploymentSettings;
import io.tally.core.settings.SharedSettings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Everything one interceptor or Auditor instance runs on: its {@link Agent}, the clock, the event-time source
 * and a share of an {@link Emitter}. Agents of one JVM that send to the same audit cluster and topic with the same
 * settings share one emitter and so one producer.
 */
public final class AgentRuntime implements AutoCloseable {
    private static final Map<EmitterKey, SharedEmitter> EMITTERS = new HashMap<>();
    private static volatile String localHost;

    private final Agent agent;
    private final Emitter emitter;
    private final EmitterKey emitterKey;
    private final EventTimeSource eventTime;
    private final Duration closeTimeout;
    private final long commitWaitMs;
    private final long partitionIdleMs;
    private final AgentConfig config;
    private boolean epochAcquired;

    private AgentRuntime(
            Agent agent,
            Emitter emitter,
            EmitterKey emitterKey,
            EventTimeSource eventTime,
            Duration closeTimeout,
            long commitWaitMs,
            long partitionIdleMs,
            AgentConfig config) {
        this.config = config;
        this.agent = agent;
        this.emitter = emitter;
        this.emitterKey = emitterKey;
        this.eventTime = eventTime;
        this.closeTimeout = closeTimeout;
        this.commitWaitMs = commitWaitMs;
        this.partitionIdleMs = partitionIdleMs;
    }

    /**
     * Starts an agent for a client configured with {@code settings}.
     *
     * @param defaultTier the tier when {@code tally.tier} is not set
     * @throws org.apache.kafka.common.config.ConfigException on a bad setting, naming it
     */
    public static AgentRuntime start(Map<String, ?> settings, String defaultTier) {
        AgentConfig config = AgentConfig.fromProperties(settings);
        String tier = config.getString(AgentConfig.TIER) != null ? config.getString(AgentConfig.TIER) : defaultTier;
        if (tier == null || tier.isEmpty()) {
            throw new org.apache.kafka.common.config.ConfigException(AgentConfig.TIER, tier, "a tier name is required");
        }
        if (!(settings.get(InternalSettings.SINK) instanceof AuditSink)) {
            config = withDeploymentSettings(config, settings, tier);
        }
        AgentCountingRules rules = new AgentCountingRules(
                config.getLong(SharedSettings.BUCKET_MS),
                config.getInt(SharedSettings.DIGEST_CELLS),
                config.getLong(SharedSettings.SKEW_FUTURE_MS),
                config.getLong(SharedSettings.SKEW_PAST_MS),
                config.getInt(AgentConfig.MAX_OPEN_BUCKETS));
        // the system clock, read where messages are counted: a consumer once per poll, a producer through an
        // AcknowledgementClock
        Object injectedClock = settings.get(InternalSettings.CLOCK);
        Clock clock = injectedClock instanceof Clock c ? c : Clock.system();
        String host = config.getString(AgentConfig.HOST) != null ? config.getString(AgentConfig.HOST) : localHost();
        Agent agent = new Agent(new AgentIdentity(UUID.randomUUID().toString(), host), tier, clock, rules);

        Object injectedSink = settings.get(InternalSettings.SINK);
        EmitterKey key;
        Emitter emitter;
        long flushMs = config.getLong(SharedSettings.FLUSH_INTERVAL_MS);
        int maxBuffered = config.getInt(AgentConfig.MAX_BUFFERED_RECORDS);
        if (injectedSink instanceof AuditSink sink) {
            key = null;
            emitter = new Emitter(sink, flushMs, maxBuffered, tier);
        } else {
            Map<String, Object> producer = ownProducerSettings(config, settings, tier);
            key = new EmitterKey(
                    config.getString(SharedSettings.AUDIT_TOPIC), flushMs, maxBuffered, new TreeMap<>(producer));
            emitter = acquireEmitter(key, config.getString(SharedSettings.AUDIT_TOPIC), producer, flushMs, maxBuffered);
        }
        emitter.register(agent);
        agent.metrics().register();
        return new AgentRuntime(
                agent,
                emitter,
                key,
                EventTimeSource.of(EventTimeSpec.parse(config.getString(AgentConfig.EVENT_TIME))),
                Duration.ofMillis(config.getLong(AgentConfig.CLOSE_TIMEOUT_MS)),
                config.getLong(AgentConfig.COMMIT_WAIT_MS),
                config.getLong(AgentConfig.PARTITION_IDLE_MS),
                config);
    }

    public Agent agent() {
        return agent;
    }

    public Clock clock() {
        return agent.clock();
    }

    public EventTimeSource eventTime() {
        return eventTime;
    }

    public long commitWaitMs() {
        return commitWaitMs;
    }

    /** @return the agent's settings */
    public AgentConfig config() {
        return config;
    }

    /**
     * @return how long a consumer's partition stays in its reports after its last records: see {@link PartitionReport}
     */
    public long partitionIdleMs() {
        return partitionIdleMs;
    }

    /**
     * @return the clock for a producer's acknowledgements: the system clock read once per run of them
     *         ({@link AcknowledgementClock}), or the clock a test injected, read every time
     */
    public LongSupplier acknowledgementClock() {
        Clock clock = agent.clock();
        if (clock != Clock.system()) {
            return clock::millis;
        }
        if (!epochAcquired) {
            epochAcquired = true;
            return new AcknowledgementClock(clock, AcknowledgementClock.Epoch.acquire());
        }
        throw new IllegalStateException("one acknowledgement clock per agent");
    }

    /** @return a new counter of this agent for {@code mode} */
    public TierCounter counter(CountingMode mode) {
        return agent.counter(mode);
    }

    /**
     * Says, in every heartbeat from now on, that the agent's producer writes in transactions: the topics it writes are
     * then judged as {@code log.committed} for their read_committed readers from the first record.
     */
    public void writesInTransactions() {
        agent.writesInTransactions();
    }

    public void requestFlush() {
        emitter.requestFlush();
    }

    /** @return the counter of the producer's send attempts, incremented once per audited record on its way out */
    public AttemptCounter attempts() {
        return agent.metrics().attempted();
    }

    /** Notes a send the producer reported as failed (besides counting it in its bucket). */
    public void failedSend() {
        agent.metrics().failedSend();
    }

    public void callbackError() {
        agent.metrics().callbackError();
    }

    public void uncommittedDiscarded(long messages) {
        agent.metrics().uncommittedDiscarded(messages);
    }

    /** Sends the last counts and the closed heartbeat (bounded wait), then releases the shared resources. */
    @Override
    public void close() {
        emitter.close(agent, closeTimeout);
        agent.metrics().unregister();
        if (emitterKey == null) {
            emitter.shutdown(closeTimeout);
        } else {
            releaseEmitter(emitterKey, closeTimeout);
        }
        if (epochAcquired) {
            AcknowledgementClock.Epoch.release();
        }
    }

    /**
     * @return {@code config} with the deployment's bucket size, digest cells and skew bounds where the client does
     *     not set them, as the aggregator published them ({@link DeploymentSettingsReader}); a client that sets one
     *     keeps its own (and if it disagrees with Tally, its tier is shown as misconfigured)
     */
    private static AgentConfig withDeploymentSettings(AgentConfig config, Map<String, ?> settings, String tier) {
        long waitMs = config.getLong(AgentConfig.SETTINGS_WAIT_MS);
        List<String> unset = DeploymentSettings.KEYS.stream()
                .filter(k -> !settings.containsKey(k))
                .toList();
        if (waitMs == 0 || unset.isEmpty()) {
            return config;
        }
        Map<String, String> published = DeploymentSettingsReader.read(
                ownProducerSettings(config, settings, tier), config.getString(SharedSettings.SETTINGS_TOPIC), waitMs);
        Map<String, Object> learned = new HashMap<>();
        for (String key : unset) {
            if (published.containsKey(key)) {
                learned.put(key, published.get(key));
            }
        }
        if (learned.isEmpty()) {
            return config;
        }
        Map<String, Object> merged = new HashMap<>(settings);
        merged.putAll(learned);
        org.slf4j.LoggerFactory.getLogger(AgentRuntime.class)
                .debug("Tally agent ({}): the deployment's settings {}", tier, learned);
        return AgentConfig.fromProperties(merged);
    }

    static Map<String, Object> ownProducerSettings(AgentConfig config, Map<String, ?> settings, String tier) {
        List<String> bootstrap = config.auditBootstrapServers();
        Map<String, Object> inherited = new HashMap<>();
        String servers;
        if (bootstrap == null || bootstrap.isEmpty()) {
            Object own = settings.get("bootstrap.servers");
            if (own == null) {
                throw new org.apache.kafka.common.config.ConfigException(
                        SharedSettings.KAFKA_BOOTSTRAP_SERVERS, null, "no audit cluster: set it, or bootstrap.servers");
            }
            servers = own instanceof List<?> list
                    ? String.join(",", list.stream().map(String::valueOf).toList())
                    : own.toString();
            // the same cluster: the same credentials
            settings.forEach((k, v) -> {
                if (k.equals("security.protocol") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                    inherited.put(k, v);
                }
            });
        } else {
            servers = String.join(",", bootstrap);
        }
        Object compression = settings.get(ProducerConfig.COMPRESSION_TYPE_CONFIG);
        if (compression != null) {
            inherited.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression); // see KafkaAuditSink.producerSettings
        }
        Map<String, Object> overrides = new HashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith(SharedSettings.KAFKA_PREFIX)) {
                overrides.put(k.substring(SharedSettings.KAFKA_PREFIX.length()), v);
            }
        });
        return KafkaAuditSink.producerSettings(servers, "tally-agent-" + tier, inherited, overrides);
    }

    /**
     * Agents whose own producers would be configured alike share one emitter. Compared by value, passwords included
     * ({@code Password} compares its value; its text is {@code [hidden]}, so a key built from text would make
     * agents with different credentials share one producer).
     */
    record EmitterKey(String topic, long flushMs, int maxBuffered, Map<String, Object> producer) {
        @Override
        public String toString() {
            return "EmitterKey[" + topic + ", " + flushMs + " ms, " + maxBuffered + ", " + producer.keySet() + "]";
        }
    }

    /** @return the emitter this agent sends through */
    Emitter emitter() {
        return emitter;
    }

    private static Emitter acquireEmitter(
            EmitterKey key, String topic, Map<String, Object> producer, long flushMs, int maxBuffered) {
        synchronized (EMITTERS) {
            SharedEmitter shared = EMITTERS.get(key);
            if (shared == null) {
                shared = new SharedEmitter(new Emitter(
                        new KafkaAuditSink(topic, producer), flushMs, maxBuffered, String.valueOf(EMITTERS.size())));
                EMITTERS.put(key, shared);
            }
            shared.users++;
            return shared.emitter;
        }
    }

    private static void releaseEmitter(EmitterKey key, Duration timeout) {
        Emitter toShutdown = null;
        synchronized (EMITTERS) {
            SharedEmitter shared = EMITTERS.get(key);
            if (shared != null && --shared.users == 0) {
                EMITTERS.remove(key);
                toShutdown = shared.emitter;
            }
        }
        if (toShutdown != null) {
            toShutdown.shutdown(timeout);
        }
    }

    private static String localHost() {
        String host = localHost;
        if (host == null) {
            host = System.getenv("HOSTNAME");
            if (host == null || host.isEmpty()) {
                try {
                    host = InetAddress.getLocalHost().getHostName();
                } catch (Exception e) {
                    host = "unknown";
                }
            }
            localHost = host;
        }
        return host;
    }

    private static final class SharedEmitter {
        final Emitter emitter;
        int users;

        SharedEmitter(Emitter emitter) {
            this.emitter = emitter;
        }
    }
}
