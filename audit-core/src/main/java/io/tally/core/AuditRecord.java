package io.tally.core;

import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.util.Map;
import java.util.Objects;

/**
 * The delta one agent observed for one (tier, topic, bucket) since its previous record for it.
 *
 * <p>The sketches belong to the record: do not change them after construction.
 *
 * @param agent       who observed it
 * @param seq         the agent's message sequence number
 * @param emittedAt   when the agent emitted this record, epoch ms
 * @param tier        the tier observed, for example {@code producer} or {@code consumer.billing}
 * @param topic       the audited topic
 * @param bucket      the event-time bucket the counted messages fall in
 * @param mode        how the agent decided a message counts
 * @param count       messages counted in the bucket
 * @param bytes       their serialized size (key + value), bytes
 * @param noTimestamp messages seen in this interval with no usable event time; not in {@code count}, not bucketed
 *                    by event time (the agent puts them in the bucket of its own clock)
 * @param skewed      messages with an event time beyond the agent's skew bound; not in {@code count}, bucketed by
 *                    the agent's clock like {@code noTimestamp}
 * @param failed      sends that failed (producer tiers); not in {@code count}
 * @param latency     observation time − event time of the counted messages, ms
 * @param digest      the audit ids of the counted messages that had one, or null when the digest is turned off
 * @param firstOffsets for an agent that knows the offsets of what it counts (the log tier): partition → lowest offset
 *                    among the counted messages; unmodifiable, sorted; empty otherwise
 * @param lastOffsets with {@code firstOffsets}: partition → highest offset among the counted messages
 */
public record AuditRecord(
        AgentIdentity agent,
        long seq,
        long emittedAt,
        String tier,
        String topic,
        Bucket bucket,
        CountingMode mode,
        long count,
        long bytes,
        long noTimestamp,
        long skewed,
        long failed,
        LatencySketch latency,
        IdDigest digest,
        Map<Integer, Long> firstOffsets,
        Map<Integer, Long> lastOffsets)
        implements AuditMessage {

    /** @throws IllegalArgumentException if a name is empty or too long, or a count is negative */
    public AuditRecord {
        Objects.requireNonNull(agent, "agent");
        Names.nonNegative("seq", seq);
        Names.tier(tier);
        Names.topic(topic);
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(mode, "mode");
        Names.nonNegative("count", count);
        Names.nonNegative("bytes", bytes);
        Names.nonNegative("noTimestamp", noTimestamp);
        Names.nonNegative("skewed", skewed);
        Names.nonNegative("failed", failed);
        Objects.requireNonNull(latency, "latency");
        firstOffsets = PartitionOffsets.copyOf(firstOffsets);
        lastOffsets = PartitionOffsets.copyOf(lastOffsets);
    }

    /** A record of an agent that knows the lowest offset of what it counts per partition, not the highest. */
    public AuditRecord(
            AgentIdentity agent,
            long seq,
            long emittedAt,
            String tier,
            String topic,
            Bucket bucket,
            CountingMode mode,
            long count,
            long bytes,
            long noTimestamp,
            long skewed,
            long failed,
            LatencySketch latency,
            IdDigest digest,
            Map<Integer, Long> firstOffsets) {
        this(
                agent,
                seq,
                emittedAt,
                tier,
                topic,
                bucket,
                mode,
                count,
                bytes,
                noTimestamp,
                skewed,
                failed,
                latency,
                digest,
                firstOffsets,
                Map.of());
    }

    /** A record of an agent that does not know the offsets of what it counts. */
    public AuditRecord(
            AgentIdentity agent,
            long seq,
            long emittedAt,
            String tier,
            String topic,
            Bucket bucket,
            CountingMode mode,
            long count,
            long bytes,
            long noTimestamp,
            long skewed,
            long failed,
            LatencySketch latency,
            IdDigest digest) {
        this(
                agent,
                seq,
                emittedAt,
                tier,
                topic,
                bucket,
                mode,
                count,
                bytes,
                noTimestamp,
                skewed,
                failed,
                latency,
                digest,
                Map.of(),
                Map.of());
    }
}
