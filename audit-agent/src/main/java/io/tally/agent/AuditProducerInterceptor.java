package io.tally.agent;

import io.tally.agent.internal.AgentRuntime;
import io.tally.agent.internal.AttemptCounter;
import io.tally.agent.internal.Callbacks;
import io.tally.agent.internal.EventTimeSource;
import io.tally.agent.internal.IdHeaders;
import io.tally.agent.internal.TierCounter;
import io.tally.core.AuditedTopics;
import io.tally.core.Clock;
import io.tally.core.CountingMode;
import io.tally.core.EventTimes;
import io.tally.core.settings.SharedSettings;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Audits a producer: set {@code interceptor.classes=io.tally.agent.AuditProducerInterceptor}.
 *
 * <p>{@link #onSend} stamps a {@code tally.id} header (a random 64-bit id in hex) on every record that has none,
 * and counts the attempt (JMX {@code Attempted}).
 * {@link #onAcknowledgement} counts each acknowledged record into the bucket of the timestamp the broker stored
 * ({@link RecordMetadata#timestamp()}, the broker's own on a {@code LogAppendTime} topic), so that every tier buckets
 * the same value; failed sends are counted apart. Tier: {@code producer} unless {@code tally.tier} says otherwise.
 *
 * <p>On a client that does not hand the acknowledged record's headers to interceptors (kafka-clients 3.x), the
 * agent cannot read back the id it stamped: it then counts without ids (no digest in its records, so the
 * reconciler compares this tier by counts only) and says so once in the log.
 *
 * <p>Thread-safe. Exceptions never reach the producer: they are counted and logged (rate-limited).
 */
public class AuditProducerInterceptor implements ProducerInterceptor<Object, Object> {
    /** Whether the client calls {@code onAcknowledgement} with the record's headers (kafka-clients 4.x). */
    static final boolean HEADERS_ON_ACKNOWLEDGEMENT = headersOnAcknowledgement();

    private static volatile boolean warnedNoHeaders;

    private AgentRuntime runtime;
    private TierCounter counter;
    private Clock clock;
    private LongSupplier acknowledgementClock;
    private EventTimeSource eventTime;
    private Callbacks callbacks;
    private AttemptCounter attempts;

    /**
     * @throws org.apache.kafka.common.config.ConfigException if a {@code tally.*} setting is wrong (the producer
     *                                                        then fails to start, naming it)
     */
    @Override
    public void configure(Map<String, ?> configs) {
        if (!HEADERS_ON_ACKNOWLEDGEMENT) {
            Map<String, Object> withoutIds = new java.util.HashMap<>(configs);
            withoutIds.put(SharedSettings.DIGEST_CELLS, "0");
            configs = withoutIds;
            if (!warnedNoHeaders) {
                warnedNoHeaders = true;
                org.slf4j.LoggerFactory.getLogger(AuditProducerInterceptor.class)
                        .warn("Tally agent: this kafka-clients version does not give interceptors the headers of "
                                + "acknowledged records; the producer tier is counted without ids (compared by counts "
                                + "only)");
            }
        }
        runtime = AgentRuntime.start(configs, "producer");
        counter = runtime.counter(CountingMode.ACK);
        Object transactionalId = configs.get("transactional.id");
        if (transactionalId != null && !transactionalId.toString().isEmpty()) {
            runtime.writesInTransactions();
        }
        clock = runtime.clock();
        acknowledgementClock = runtime.acknowledgementClock();
        eventTime = runtime.eventTime();
        callbacks = new Callbacks(runtime, AuditProducerInterceptor.class);
        attempts = runtime.attempts();
    }

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        try {
            if (runtime != null && AuditedTopics.audited(record.topic())) {
                Headers headers = record.headers();
                IdHeaders.stamp(headers);
                attempts.increment();
                if (eventTime.readsValue() && headers.lastHeader(EventTimes.HEADER) == null) {
                    long time = eventTime.extract(-1, headers, record.value());
                    if (time != EventTimeSource.NONE) {
                        headers.add(new RecordHeader(
                                EventTimes.HEADER,
                                ByteBuffer.allocate(8).putLong(time).array()));
                    }
                }
            }
        } catch (RuntimeException e) {
            callbacks.failed("onSend", e);
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        onAcknowledgement(metadata, exception, null);
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception, Headers headers) {
        try {
            if (runtime == null || metadata == null || !AuditedTopics.audited(metadata.topic())) {
                return;
            }
            if (exception != null) {
                // failures may be reported on application threads: the shared clock, read each time
                counter.countFailed(metadata.topic(), clock.millis());
                runtime.failedSend();
                return;
            }
            long now = acknowledgementClock.getAsLong();
            long time;
            if (eventTime.isRecordTimestamp()) {
                time = metadata.hasTimestamp() ? metadata.timestamp() : EventTimeSource.NONE;
            } else if (eventTime.readsValue()) {
                Header stamped = headers == null ? null : headers.lastHeader(EventTimes.HEADER);
                time = stamped == null ? EventTimeSource.NONE : EventTimes.fromHeader(stamped.value());
            } else {
                time = eventTime.extract(-1, headers, null);
            }
            long id = IdHeaders.read(headers, metadata.topic(), metadata.partition(), metadata.offset());
            long bytes = Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize());
            counter.count(metadata.topic(), metadata.partition(), metadata.offset(), time, now, bytes, id);
        } catch (RuntimeException e) {
            callbacks.failed("onAcknowledgement", e);
        }
    }

    /** Sends the last counts and a {@code closed} heartbeat, waiting at most {@code tally.close.timeout.ms}. */
    @Override
    public void close() {
        try {
            if (runtime != null) {
                runtime.close();
            }
        } catch (RuntimeException e) {
            callbacks.failed("close", e);
        }
    }

    private static boolean headersOnAcknowledgement() {
        try {
            ProducerInterceptor.class.getMethod(
                    "onAcknowledgement", RecordMetadata.class, Exception.class, Headers.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
