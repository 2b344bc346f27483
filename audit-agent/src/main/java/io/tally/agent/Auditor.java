package io.tally.agent;

import io.tally.agent.internal.AgentRuntime;
import io.tally.agent.internal.Callbacks;
import io.tally.agent.internal.TierCounter;
import io.tally.core.AuditedTopics;
import io.tally.core.Clock;
import io.tally.core.CountingMode;
import java.util.Map;

/**
 * Counts messages for a tier that is not a Kafka client — an HTTP ingest, a batch loader, a sink writing to a
 * database — with the same buckets, digest and emitter as the interceptors:
 *
 * <pre>{@code
 * try (Auditor auditor = Auditor.create(Map.of(
 *         "tally.tier", "warehouse-loader",
 *         "tally.kafka.bootstrap.servers", "kafka:9092"))) {
 *     auditor.record("orders", eventTimeMs, auditId, sizeBytes);
 * }
 * }</pre>
 *
 * The audit id is the one the producer agent stamped in the {@code tally.id} header; {@link #parseId} reads it.
 *
 * <p>Thread-safe. {@link #record} never blocks and never throws.
 */
public final class Auditor implements AutoCloseable {
    private final AgentRuntime runtime;
    private final TierCounter counter;
    private final Clock clock;
    private final Callbacks callbacks;

    private Auditor(AgentRuntime runtime) {
        this.runtime = runtime;
        this.counter = runtime.counter(CountingMode.DIRECT);
        this.clock = runtime.clock();
        this.callbacks = new Callbacks(runtime, Auditor.class);
    }

    /**
     * @param settings {@code tally.*} settings; {@code tally.tier} and {@code tally.kafka.bootstrap.servers} are
     *                 required
     * @throws org.apache.kafka.common.config.ConfigException if a setting is missing or wrong, naming it
     */
    public static Auditor create(Map<String, ?> settings) {
        return new Auditor(AgentRuntime.start(settings, null));
    }

    /**
     * Counts one message.
     *
     * @param topic       the topic (or stream name) it belongs to, as the other tiers name it
     * @param eventTimeMs its event time, epoch ms (the Kafka timestamp, if it came from Kafka)
     * @param id          its audit id
     * @param bytes       its size in bytes
     */
    public void record(String topic, long eventTimeMs, long id, long bytes) {
        try {
            if (AuditedTopics.audited(topic)) {
                counter.count(topic, eventTimeMs, clock.millis(), Math.max(0, bytes), id);
            }
        } catch (RuntimeException e) {
            callbacks.failed("record", e);
        }
    }

    /** @return the audit id in a {@code tally.id} header value */
    public static long parseId(byte[] headerValue) {
        return io.tally.core.AuditIds.fromHeader(headerValue);
    }

    /** Sends what was counted and a {@code closed} heartbeat, waiting at most {@code tally.close.timeout.ms}. */
    @Override
    public void close() {
        runtime.close();
    }
}
