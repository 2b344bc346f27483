package io.tally.aggregator.internal.logtier;

/** One record of an audited topic as the log tier needs it; a Flink POJO. */
public final class LogObservation {
    public String topic;
    public int partition;
    public long offset;
    /** Event time, epoch ms, or {@link io.tally.core.EventTimes#NONE}. */
    public long eventTime;

    public long id;
    /** Serialized key + value size. */
    public long bytes;

    public LogObservation() {}

    public LogObservation(String topic, int partition, long offset, long eventTime, long id, long bytes) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.eventTime = eventTime;
        this.id = id;
        this.bytes = bytes;
    }
}
