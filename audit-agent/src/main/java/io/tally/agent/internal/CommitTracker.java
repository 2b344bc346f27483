package io.tally.agent.internal;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A consumer's counts that wait for a commit (DESIGN.md, "Consumer counts follow commits").
 *
 * <p>Each poll's records of one partition wait as a segment ({@link PendingRecords}). A commit of offset O for the
 * partition counts exactly the records below O into the agent's counter — also when O cuts a poll's batch (Kafka
 * Streams, Connect, the Parallel Consumer commit inside a batch): the records from O on keep waiting, so that a new
 * owner after a rebalance, which reads again from O, is the only one to count them. A crash before a commit loses
 * only waiting records, never counts: they are delivered again and counted then. A consumer that goes back before
 * its waiting records (a retry that seeks back) gives up the ones it will read again. Records re-read below the last
 * commit (an offset reset) are counted again: that is a true duplicate.
 *
 * <p>A consumer that has committed nothing for {@code commitWaitMs} after its first poll never commits through the
 * client (manual assignment, offsets kept elsewhere, transactions): it switches to counting on consume. In commit
 * mode, a segment left uncommitted for {@code commitWaitMs} belongs to a partition this consumer lost in a
 * rebalance; it is discarded, since the partition's next owner counts those records.
 *
 * <p>Not thread-safe: the consumer calls it from its polling thread.
 */
final class CommitTracker {
    private final TierCounter committed;
    private final TierCounter consumed;
    private final long commitWaitMs;
    private final CountingRules rules;
    private final Drops drops;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private long firstPollAt = Long.MIN_VALUE;
    private boolean everCommitted;
    private boolean consumeMode;

    CommitTracker(TierCounter committed, TierCounter consumed, long commitWaitMs, CountingRules rules, Drops drops) {
        this.committed = committed;
        this.consumed = consumed;
        this.commitWaitMs = commitWaitMs;
        this.rules = rules;
        this.drops = drops;
    }

    /**
     * Files a poll's records of one partition.
     *
     * @return messages given up from earlier segments the consumer has just gone back over
     */
    long add(TopicPartition tp, PendingRecords records, long now) {
        if (firstPollAt == Long.MIN_VALUE) {
            firstPollAt = now;
        }
        PartitionState state = partitions.computeIfAbsent(tp, k -> new PartitionState(k.topic()));
        state.lastRecordsAt = now;
        if (records.isEmpty()) {
            return 0;
        }
        long first = records.first();
        state.startOffset = state.startOffset < 0 ? first : Math.min(state.startOffset, first);
        long discarded = state.rewindTo(first);
        if (consumeMode) {
            state.release(records, Long.MAX_VALUE, consumed);
        } else {
            state.segments.addLast(records);
        }
        return discarded;
    }

    /** Releases what the committed offsets cover. @return whether anything was released */
    boolean commit(Map<TopicPartition, Long> offsets) {
        everCommitted = true;
        consumeMode = false;
        boolean released = false;
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            PartitionState state = partitions.get(e.getKey());
            if (state != null) {
                released |= state.commit(e.getValue());
            }
        }
        return released;
    }

    /**
     * Applies the time rules: the switch to consume mode, and discarding segments that waited too long.
     *
     * @return messages discarded
     */
    long expire(long now) {
        if (firstPollAt == Long.MIN_VALUE || commitWaitMs == Long.MAX_VALUE) {
            return 0;
        }
        if (!everCommitted && !consumeMode && now - firstPollAt >= commitWaitMs) {
            consumeMode = true;
            for (PartitionState state : partitions.values()) {
                for (PendingRecords s : state.segments) {
                    state.release(s, Long.MAX_VALUE, consumed);
                }
                state.segments.clear();
            }
            return 0;
        }
        long discarded = 0;
        if (everCommitted) {
            for (PartitionState state : partitions.values()) {
                for (Iterator<PendingRecords> it = state.segments.iterator(); it.hasNext(); ) {
                    PendingRecords s = it.next();
                    if (now - s.consumedAt() >= commitWaitMs) {
                        discarded += s.size();
                        it.remove();
                    }
                }
            }
        }
        return discarded;
    }

    /** Gives up every pending segment (the consumer is closing; uncommitted records will be delivered again). */
    long discardAll() {
        long discarded = 0;
        for (PartitionState state : partitions.values()) {
            for (PendingRecords s : state.segments) {
                discarded += s.size();
            }
            state.segments.clear();
        }
        return discarded;
    }

    boolean consumeMode() {
        return consumeMode;
    }

    /** @return what the agent must report of each partition this consumer has read, as of now */
    java.util.List<PartitionReport> report() {
        java.util.List<PartitionReport> out = new java.util.ArrayList<>(partitions.size());
        partitions.forEach((tp, state) -> out.add(new PartitionReport(tp.topic(), tp.partition(), state.watermark,
                state.lastRecordsAt, !state.segments.isEmpty(), state.startOffset)));
        return out;
    }

    /** What this consumer knows of one partition. */
    private final class PartitionState {
        private final String topic;
        private final ArrayDeque<PendingRecords> segments = new ArrayDeque<>();
        /** the highest event time among this partition's records counted into the agent's counters */
        private long watermark = EventTimeSource.NONE;
        private long lastRecordsAt = Long.MIN_VALUE;
        /** the lowest offset this consumer has read the partition from, -1 before its first records */
        private long startOffset = -1;

        private PartitionState(String topic) {
            this.topic = topic;
        }

        /** Counts the records of {@code s} below {@code upTo} into {@code counter}. */
        private void release(PendingRecords s, long upTo, TierCounter counter) {
            BucketSet counts = new BucketSet(rules);
            long at = s.consumedAt();
            s.releaseBelow(upTo, counts, time -> drops.add(topic, Drops.bucketOf(rules, time, at), 1));
            watermark = Math.max(watermark, counts.maxEventTime());
            counter.absorb(topic, counts);
        }

        private boolean commit(long offset) {
            boolean released = false;
            while (!segments.isEmpty() && segments.peekFirst().first() < offset) {
                PendingRecords s = segments.peekFirst();
                release(s, offset, committed);
                released = true;
                if (!s.isEmpty()) {
                    break; // the commit cut it: the rest waits for the next one
                }
                segments.pollFirst();
            }
            return released;
        }

        /** The consumer went back to {@code first}: what it will read again is given up here. */
        private long rewindTo(long first) {
            long discarded = 0;
            while (!segments.isEmpty() && segments.peekLast().next() > first) {
                PendingRecords last = segments.peekLast();
                discarded += last.removeFrom(first);
                if (!last.isEmpty()) {
                    break;
                }
                segments.pollLast();
            }
            return discarded;
        }
    }
}
