package io.tally.aggregator.internal.kafka;

/** A record as read from {@code tally.audit}, undecoded; a Flink POJO. */
public final class RawRecord {
    public String topic;
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;
    /** The agent instance id the record is routed by (not yet checked). */
    public String agent;
    /**
     * When the brokers appended it, epoch ms, on a topic that stamps records so ({@code LogAppendTime}); -1 on one
     * that keeps the producer's time, which is the agent's clock
     */
    public long appendedAt = -1;

    public RawRecord() {}

    public RawRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.key = key;
        this.value = value;
    }

    /** @return {@code topic/partition@offset} */
    public String origin() {
        return topic + '/' + partition + '@' + offset;
    }
}
