package io.tally.agent.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a consumer agent knows of one partition it has read, for its heartbeat (DESIGN.md, "Lag is not loss":
 * watermarks are per partition).
 *
 * @param topic         the topic
 * @param partition     the partition
 * @param watermark     the highest event time among its records counted so far, or {@link EventTimeSource#NONE}
 * @param lastRecordsAt when a poll last returned records of it, agent clock
 * @param startOffset   the lowest offset this consumer has read it from (where it started, or rewound to), or its
 *                      group's committed offset there when it started past it (a skip, {@link StartCheck}), or -1
 *                      before its first records: what anchors NOT_OBSERVED to where the tier started
 * @param waiting       how many of its records wait for a commit
 */
record PartitionReport(
        String topic, int partition, long watermark, long lastRecordsAt, long startOffset, long waiting) {

    /**
     * A partition is read now while records of it wait for a commit or a poll returned some within {@code idleMs}.
     * One that was revoked, or is caught up, drops out after that: it must not hold the tier back, and a
     * partition's new owner reports it from its first poll.
     */
    boolean readNow(long now, long idleMs) {
        return waiting > 0 || (lastRecordsAt != Long.MIN_VALUE && now - lastRecordsAt < idleMs);
    }

    /** @return topic → partition → watermark of the partitions read now */
    static Map<String, Map<Integer, Long>> readNow(List<PartitionReport> reports, long now, long idleMs) {
        Map<String, Map<Integer, Long>> out = new TreeMap<>();
        for (PartitionReport r : reports) {
            if (r.readNow(now, idleMs)) {
                out.computeIfAbsent(r.topic, t -> new TreeMap<>()).put(r.partition, r.watermark);
            }
        }
        return out;
    }

    /**
     * @return topic → records waiting for a commit in the partitions a poll returned records of within
     *     {@code idleMs}, for the topics where some wait; a partition that returned nothing for longer was taken
     *     away in a rebalance (its records wait to be given up, and its next owner counts them)
     */
    static Map<String, Long> waiting(List<PartitionReport> reports, long now, long idleMs) {
        Map<String, Long> out = new TreeMap<>();
        for (PartitionReport r : reports) {
            if (r.waiting > 0 && r.lastRecordsAt != Long.MIN_VALUE && now - r.lastRecordsAt < idleMs) {
                out.merge(r.topic, r.waiting, Long::sum);
            }
        }
        return out;
    }

    /**
     * @return topic → partition → start offset of every partition read since the agent started, read now or not: a
     *         tier's start is the lowest over its agents' latest reports, so none may forget one
     */
    static Map<String, Map<Integer, Long>> startOffsets(List<PartitionReport> reports) {
        Map<String, Map<Integer, Long>> out = new TreeMap<>();
        for (PartitionReport r : reports) {
            if (r.startOffset >= 0) {
                out.computeIfAbsent(r.topic, t -> new TreeMap<>()).put(r.partition, r.startOffset);
            }
        }
        return out;
    }
}
