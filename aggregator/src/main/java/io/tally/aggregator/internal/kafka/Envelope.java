package io.tally.aggregator.internal.kafka;

import java.nio.charset.StandardCharsets;

/**
 * One Kafka record to write: topic, key, value and, for dead letters, the reason. A Flink POJO (public fields,
 * no-arg constructor) so that it needs no Kryo.
 */
public final class Envelope {
    /** Header that carries why a record went to the dead-letter topic. */
    public static final String REASON_HEADER = "tally.dlq.reason";
    /** Header that says where a dead letter came from: {@code topic/partition@offset}. */
    public static final String ORIGIN_HEADER = "tally.dlq.origin";

    public String topic;
    public byte[] key;
    public byte[] value;
    /** Null except for dead letters. */
    public String reason;
    /** Null except for dead letters. */
    public String origin;
    /**
     * When set, the record's partition is chosen from this value instead of the key: the aggregator sets the audited
     * topic, so that every aggregate and the progress of one topic land in one partition of {@code tally.aggregates}
     * and one reconciler instance sees all the tiers it compares.
     */
    public String partitionBy;

    public Envelope() {}

    public Envelope(String topic, byte[] key, byte[] value) {
        this.topic = topic;
        this.key = key;
        this.value = value;
    }

    public static Envelope of(String topic, String key, byte[] value) {
        return new Envelope(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** @return an envelope placed by {@code partitionBy} rather than by its key; see {@link #partitionBy} */
    public static Envelope partitioned(String topic, String key, byte[] value, String partitionBy) {
        Envelope e = of(topic, key, value);
        e.partitionBy = partitionBy;
        return e;
    }

    public static Envelope deadLetter(String topic, byte[] key, byte[] value, String reason, String origin) {
        Envelope e = new Envelope(topic, key, value);
        e.reason = reason;
        e.origin = origin;
        return e;
    }
}
