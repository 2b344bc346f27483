package io.tally.reconciler.internal.kafka;

import io.tally.core.AuditMessage;
import io.tally.core.CodecException;
import io.tally.core.codec.AuditCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;

/**
 * Reads every partition of {@code tally.audit} (no group: every reconciler instance needs every agent's liveness),
 * starting {@code lookback} before the clock, and hands each agent message to the liveness tracker. Records and
 * heartbeats are small and there are a few per agent per flush interval, so this costs O(agents), not messages.
 * Used by one thread.
 */
public final class AuditReader implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final long lookbackMs;
    private boolean assigned;
    private boolean absent;
    /** Per partition, the end offset it had when assigned: the look-back is read once this is reached. */
    private final ReplayTarget replayTo = new ReplayTarget();

    public AuditReader(Map<String, Object> consumerConfig, String topic, Duration lookback) {
        this.consumer = new KafkaConsumer<>(consumerConfig);
        this.topic = topic;
        this.lookbackMs = lookback.toMillis();
    }

    /**
     * Polls once (assigning the partitions first, once the topic exists).
     *
     * @param handler takes each message and when it arrived: the brokers' append time where the topic stamps records
     *     so ({@code LogAppendTime}, as the aggregator creates it), else the agent's own emission time
     */
    public void poll(Duration timeout, long now, ObjLongConsumer<AuditMessage> handler) {
        if (!assigned && !assign(now)) {
            return;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.value() == null) {
                continue;
            }
            try {
                AuditMessage m = AuditCodec.decodeAuditMessage(r.value());
                handler.accept(m, r.timestampType() == TimestampType.LOG_APPEND_TIME ? r.timestamp() : m.emittedAt());
            } catch (CodecException e) {
                // the aggregator counts and dead-letters malformed records; liveness just skips them
            }
        }
    }

    private boolean assign(long now) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (infos == null || infos.isEmpty()) {
            absent = true; // no agent has written yet: there is no liveness to read
            return false;
        }
        absent = false;
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        consumer.assign(partitions);
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, now - lookbackMs));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times, Duration.ofSeconds(5));
        List<TopicPartition> toEnd = new ArrayList<>();
        offsets.forEach((p, o) -> {
            if (o == null) {
                toEnd.add(p);
            } else {
                consumer.seek(p, o.offset());
            }
        });
        consumer.seekToEnd(toEnd);
        replayTo.add(consumer, partitions);
        assigned = true;
        return true;
    }

    /**
     * Whether the look-back has been read up to the end offsets seen at assignment (true while the topic is absent).
     */
    public boolean replayed() {
        if (!assigned) {
            return absent;
        }
        return replayTo.reached(consumer);
    }

    /** Interrupts a blocked poll from another thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
