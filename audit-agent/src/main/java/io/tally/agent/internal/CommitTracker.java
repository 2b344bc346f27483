package io.tally.agent.internal;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A consumer's counts that wait for a commit (DESIGN.md, "Consumer counts follow commits").
 *
 * <p>Each poll's records of one partition form a segment {@code [first, next)} of offsets, counted into its own
 * {@link BucketSet}. A commit of offset O for the partition releases every segment that begins below O into the
 * agent's counter — also one that O cuts in two: its tail is then <em>counted ahead</em>, and if those records come
 * back uncommitted (a retry that seeks to O) they are not counted again. A crash before a commit loses only
 * segments, never counts: their records are delivered again and counted then. Records re-read below the last
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
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private long firstPollAt = Long.MIN_VALUE;
    private boolean everCommitted;
    private boolean consumeMode;

    CommitTracker(TierCounter committed, TierCounter consumed, long commitWaitMs) {
        this.committed = committed;
        this.consumed = consumed;
        this.commitWaitMs = commitWaitMs;
    }

    /** @return where the partition's records of this poll must go, or records to skip: see {@link PartitionState} */
    PartitionState partition(TopicPartition tp) {
        return partitions.computeIfAbsent(tp, k -> new PartitionState());
    }

    /**
     * Files a poll's segment of one partition.
     *
     * @return messages discarded from earlier segments the consumer has just rewound over
     */
    long add(TopicPartition tp, long first, long next, BucketSet counts, long now) {
        if (firstPollAt == Long.MIN_VALUE) {
            firstPollAt = now;
        }
        PartitionState state = partition(tp);
        state.lastRecordsAt = now;
        state.startOffset = state.startOffset < 0 ? first : Math.min(state.startOffset, first);
        long discarded = state.rewindTo(first, tp.topic());
        if (consumeMode) {
            state.passed(counts);
            consumed.absorb(tp.topic(), counts);
        } else if (!counts.isEmpty()) {
            state.segments.addLast(new Segment(first, next, counts, now));
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
                released |= state.commit(e.getValue(), e.getKey().topic());
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
            for (Map.Entry<TopicPartition, PartitionState> e : partitions.entrySet()) {
                for (Segment s : e.getValue().segments) {
                    e.getValue().passed(s.counts);
                    consumed.absorb(e.getKey().topic(), s.counts);
                }
                e.getValue().segments.clear();
            }
            return 0;
        }
        long discarded = 0;
        if (everCommitted) {
            for (PartitionState state : partitions.values()) {
                for (Iterator<Segment> it = state.segments.iterator(); it.hasNext(); ) {
                    Segment s = it.next();
                    if (now - s.consumedAt >= commitWaitMs) {
                        discarded += s.counts.discard();
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
            for (Segment s : state.segments) {
                discarded += s.counts.discard();
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
    final class PartitionState {
        private final ArrayDeque<Segment> segments = new ArrayDeque<>();
        private long lastCommitted = -1;
        private long countedUpTo = -1;
        /** the highest event time among this partition's records counted into the agent's counters */
        private long watermark = EventTimeSource.NONE;
        private long lastRecordsAt = Long.MIN_VALUE;
        /** the lowest offset this consumer has read the partition from, -1 before its first records */
        private long startOffset = -1;

        private void passed(BucketSet counts) {
            watermark = Math.max(watermark, counts.maxEventTime());
        }

        /** @return whether the record at {@code offset} was counted ahead of a commit and must not be again */
        boolean countedAhead(long offset) {
            return offset < countedUpTo && offset >= lastCommitted;
        }

        private boolean commit(long offset, String topic) {
            lastCommitted = offset;
            boolean released = false;
            while (!segments.isEmpty() && segments.peekFirst().first < offset) {
                Segment s = segments.pollFirst();
                passed(s.counts);
                committed.absorb(topic, s.counts);
                countedUpTo = Math.max(countedUpTo, s.next);
                released = true;
            }
            return released;
        }

        /** The consumer went back to {@code first}: what it will read again is counted again. */
        private long rewindTo(long first, String topic) {
            long discarded = 0;
            while (!segments.isEmpty() && segments.peekLast().next > first) {
                Segment last = segments.peekLast();
                if (last.first >= first) {
                    discarded += last.counts.discard();
                    segments.pollLast();
                } else {
                    // cut in two by the rewind: the part before it was read; count it all, skip the repeat
                    segments.pollLast();
                    passed(last.counts);
                    committed.absorb(topic, last.counts);
                    countedUpTo = Math.max(countedUpTo, last.next);
                }
            }
            return discarded;
        }
    }

    private static final class Segment {
        final long first;
        final long next;
        final BucketSet counts;
        final long consumedAt;

        Segment(long first, long next, BucketSet counts, long consumedAt) {
            this.first = first;
            this.next = next;
            this.counts = counts;
            this.consumedAt = consumedAt;
        }
    }
}
