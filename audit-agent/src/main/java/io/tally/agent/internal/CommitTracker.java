package io.tally.agent.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

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
 * <p>Records wait for their commit however long it takes (Kafka Connect flushes offsets every minute, Flink commits
 * at checkpoints), within a bound on memory: past {@code maxPending} records waiting in all, the partition that
 * brings more counts on consume from then on (mode {@code consume} in its records). What counts on consume is
 * decided per partition: a consumer without a group cannot commit and counts on consume from the start; a
 * partition none of whose records was committed in {@code commitWaitMs} after its first poll, while the consumer
 * committed nothing else either, is read by a client that never commits through the consumer (offsets kept
 * elsewhere, transactions) and counts on consume until a commit for it comes. Records waiting in a partition that has
 * returned nothing for {@code pendingIdleMs} belong to a partition this
 * consumer lost in a rebalance: they are given up, since its next owner counts them. A partition that comes back
 * sooner (after {@link #RETURN_GAP_MS} of nothing, its records still waiting) may have had another owner meanwhile:
 * the group's committed offset, read before this consumer can commit there again, says so when it lies past what
 * waits here and past this consumer's own commits, and what waits below it is given up ({@link #committedWhileAway}).
 *
 * <p>Not thread-safe: the consumer calls it from its polling thread.
 */
final class CommitTracker {
    private final TierCounter committed;
    private final TierCounter consumed;
    private final long commitWaitMs;
    private final AgentCountingRules rules;
    private final Drops drops;
    private final long pendingIdleMs;
    private final boolean canCommit;
    private final long maxPending;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private long pending;
    /** emptied segments, whose arrays the next polls reuse */
    private final ArrayDeque<PendingRecords> spare = new ArrayDeque<>();
    /** when the consumer last committed anything, or {@link Long#MIN_VALUE} */
    private long lastCommitAt = Long.MIN_VALUE;
    /** partitions that returned records after a gap while records of theirs waited, not asked about yet */
    private final java.util.Set<TopicPartition> returned = new java.util.HashSet<>();
    /**
     * How long a partition with records waiting returns nothing before its next records may come after a rebalance
     * took it away and gave it back: another member may have committed past what waits here in between.
     */
    static final long RETURN_GAP_MS = 5_000;

    /**
     * @param pendingIdleMs how long a partition that returns nothing keeps its waiting records
     * @param canCommit  whether the consumer can commit at all (it has a group)
     * @param maxPending most records waiting for a commit, in all partitions
     */
    CommitTracker(
            TierCounter committed,
            TierCounter consumed,
            long commitWaitMs,
            long pendingIdleMs,
            AgentCountingRules rules,
            Drops drops,
            boolean canCommit,
            long maxPending) {
        this.pendingIdleMs = pendingIdleMs;
        this.committed = committed;
        this.consumed = consumed;
        this.commitWaitMs = commitWaitMs;
        this.rules = rules;
        this.drops = drops;
        this.canCommit = canCommit;
        this.maxPending = maxPending;
    }

    /**
     * Files a poll's records of one partition.
     *
     * @return messages given up from earlier segments the consumer has just gone back over
     */
    long add(TopicPartition tp, PendingRecords records, long now) {
        PartitionState state = partitions.computeIfAbsent(tp, k -> new PartitionState(k.topic(), now, !canCommit));
        boolean afterGap = state.lastRecordsAt != Long.MIN_VALUE && now - state.lastRecordsAt >= RETURN_GAP_MS;
        if (afterGap) {
            state.returnedAfter = state.lastRecordsAt;
        }
        state.lastRecordsAt = now;
        if (records.isEmpty()) {
            return 0;
        }
        long first = records.first();
        state.startOffset = state.startOffset < 0 ? first : Math.min(state.startOffset, first);
        long discarded = state.rewindTo(first);
        if (afterGap && !state.consumeMode && !state.segments.isEmpty()) {
            state.returnedAbove = state.segments.peekLast().next();
            returned.add(tp);
        }
        if (!state.consumeMode && pending + records.size() > maxPending) {
            state.overflowed = true;
            state.countOnConsume();
        }
        if (state.consumeMode) {
            state.countedUpTo = Math.max(state.countedUpTo, records.next());
            state.release(records, Long.MAX_VALUE, consumed);
            recycle(records);
        } else {
            state.segments.addLast(records);
            pending += records.size();
        }
        return discarded;
    }

    /** @return an empty segment for a poll of about {@code size} records of one partition */
    PendingRecords newSegment(long now, int size) {
        PendingRecords s = spare.pollFirst();
        if (s == null || s.capacity() < size) {
            return new PendingRecords(now, size);
        }
        s.reset(now);
        return s;
    }

    private void recycle(PendingRecords s) {
        if (spare.size() < 4) {
            spare.addFirst(s);
        }
    }

    /** Releases what the committed offsets cover. @return whether anything was released */
    boolean commit(Map<TopicPartition, Long> offsets, long now) {
        lastCommitAt = now;
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
     * Applies the time rules: a partition never committed for {@code commitWaitMs} counts on consume; the records
     * waiting in a partition that returned nothing for {@code pendingIdleMs} are given up (it moved away).
     *
     * @return messages given up
     */
    long expire(long now) {
        long discarded = 0;
        for (PartitionState state : partitions.values()) {
            if (state.consumeMode || state.segments.isEmpty()) {
                continue;
            }
            boolean neverCommits = !state.everCommitted && lastCommitAt < state.firstPollAt;
            if (neverCommits && now - state.firstPollAt >= commitWaitMs && commitWaitMs != Long.MAX_VALUE) {
                state.countOnConsume();
            } else if (!neverCommits && now - state.lastRecordsAt >= pendingIdleMs) {
                for (PendingRecords s : state.segments) {
                    discarded += s.size();
                    pending -= s.size();
                }
                state.segments.clear();
            }
        }
        return discarded;
    }

    /**
     * Gives up what waits in a partition another member owns now: its next owner counts what lies past the last
     * commit this consumer made there. That commit is not known here (it was made outside the client, and read too
     * late to tell it from the next owner's), so what it covered of these records is counted by no one: they are
     * reported as dropped, in their buckets, so that a difference they explain is an audit gap, not a loss.
     *
     * @return the messages given up
     */
    long giveUp(TopicPartition tp) {
        PartitionState state = partitions.get(tp);
        if (state == null || state.consumeMode) {
            return 0;
        }
        long discarded = 0;
        for (PendingRecords s : state.segments) {
            discarded += s.size();
            pending -= s.size();
            long at = s.consumedAt();
            s.dropAll(time -> drops.add(state.topic, Drops.bucketOf(rules, time, at), 1));
        }
        state.segments.clear();
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
        pending = 0;
        return discarded;
    }

    /** @return when the records waiting longest were consumed, or {@link Long#MAX_VALUE} when none waits */
    long oldestWaitingSince() {
        long oldest = Long.MAX_VALUE;
        for (PartitionState state : partitions.values()) {
            PendingRecords first = state.segments.peekFirst();
            if (first != null) {
                oldest = Math.min(oldest, first.consumedAt());
            }
        }
        return oldest;
    }

    /**
     * @return partition → how far this consumer has read it (the offset after its last record, or its position after
     *     its last poll, which is past the transaction markers that follow), for every partition where records wait
     */
    Map<TopicPartition, Long> waitingUpTo() {
        Map<TopicPartition, Long> out = new HashMap<>();
        partitions.forEach((tp, state) -> {
            PendingRecords last = state.segments.peekLast();
            if (last != null) {
                out.put(tp, Math.max(last.next(), state.position));
            }
        });
        return out;
    }

    /**
     * @return {@link #waitingUpTo()} of the partitions that returned records since {@code since} (epoch ms): those
     *     still read now, not ones a rebalance took away, whose next owner may have committed past what waits here
     */
    Map<TopicPartition, Long> waitingUpTo(long since) {
        Map<TopicPartition, Long> out = waitingUpTo();
        out.keySet().removeIf(tp -> partitions.get(tp).lastRecordsAt < since);
        return out;
    }

    /**
     * @return the partitions that returned records after {@link #RETURN_GAP_MS} of nothing while records of theirs
     *     waited, since last asked: the group's committed offsets must say whether another member committed past
     *     those records meanwhile ({@link #committedWhileAway})
     */
    java.util.Set<TopicPartition> returnedAfterGap() {
        if (returned.isEmpty()) {
            return java.util.Set.of(); // every poll asks: no allocation when nothing came back
        }
        java.util.Set<TopicPartition> out = java.util.Set.copyOf(returned);
        returned.clear();
        return out;
    }

    /**
     * The group's committed offset of {@code tp}, read when it returned after a gap (before this consumer could commit
     * there again): past the records that waited here, and past this consumer's own commits, it is another member's,
     * which read those records after a rebalance took the partition away and counted them; they are given up here
     * (rule: records below another owner's commit are not this consumer's to count). Else they wait as before.
     *
     * @param committed     the group's committed offset, or null when it has none
     * @param reportDropped whether what is given up is reported as dropped: where this consumer's own commits are read
     *                      from the group, late, the commit may be its own, and then no one counts those records
     * @return messages given up
     */
    long committedWhileAway(TopicPartition tp, Long committed, boolean reportDropped) {
        PartitionState state = partitions.get(tp);
        if (state == null || state.returnedAbove < 0) {
            return 0;
        }
        long above = state.returnedAbove;
        state.returnedAbove = -1;
        if (committed == null || committed < above || committed <= state.ownCommit) {
            return 0;
        }
        long discarded = 0;
        while (!state.segments.isEmpty() && state.segments.peekFirst().first() < above) {
            PendingRecords s = state.segments.peekFirst();
            long at = s.consumedAt();
            int removed = reportDropped
                    ? s.dropBelow(above, time -> drops.add(state.topic, Drops.bucketOf(rules, time, at), 1))
                    : s.removeBelow(above);
            discarded += removed;
            pending -= removed;
            if (!s.isEmpty()) {
                break;
            }
            recycle(state.segments.pollFirst());
        }
        return discarded;
    }

    /**
     * @return when the records of {@code tp} came last before it returned after a gap (its clock), or
     *     {@link Long#MIN_VALUE} when it did not return
     */
    long returnedAfter(TopicPartition tp) {
        PartitionState state = partitions.get(tp);
        return state == null ? Long.MIN_VALUE : state.returnedAfter;
    }

    /** @return whether this consumer has read records of {@code tp} since it started */
    boolean knows(TopicPartition tp) {
        return partitions.containsKey(tp);
    }

    /**
     * The group had committed {@code committed} for {@code tp} when this consumer started reading it: below where it
     * started, the records between were skipped, not started after, and its start there is the commit.
     *
     * @return whether that moved its start
     */
    boolean groupCommittedAtStart(TopicPartition tp, long committed) {
        PartitionState state = partitions.get(tp);
        if (state == null || state.startOffset < 0 || committed >= state.startOffset) {
            return false;
        }
        state.startOffset = committed;
        return true;
    }

    /** The consumer's position on {@code tp} after a poll (the next offset it fetches). */
    void position(TopicPartition tp, long offset) {
        PartitionState state = partitions.get(tp);
        if (state != null) {
            state.position = offset;
        }
    }

    /** @return the partitions that count on consume because the bound on waiting records was reached */
    java.util.List<TopicPartition> overflowed() {
        java.util.List<TopicPartition> out = new java.util.ArrayList<>();
        partitions.forEach((tp, state) -> {
            if (state.overflowed) {
                out.add(tp);
            }
        });
        return out;
    }

    /** @return what the agent must report of each partition this consumer has read, as of now */
    java.util.List<PartitionReport> report() {
        java.util.List<PartitionReport> out = new java.util.ArrayList<>(partitions.size());
        partitions.forEach((tp, state) -> {
            long waiting = 0;
            for (PendingRecords s : state.segments) {
                waiting += s.size();
            }
            out.add(new PartitionReport(
                    tp.topic(), tp.partition(), state.watermark, state.lastRecordsAt, state.startOffset, waiting));
        });
        return out;
    }

    /** What this consumer knows of one partition. */
    private final class PartitionState {
        private final String topic;
        private final long firstPollAt;
        private final ArrayDeque<PendingRecords> segments = new ArrayDeque<>();
        /** the highest event time among this partition's records counted into the agent's counters */
        private long watermark = EventTimeSource.NONE;

        private long lastRecordsAt = Long.MIN_VALUE;
        /** the lowest offset this consumer has read the partition from, -1 before its first records */
        private long startOffset = -1;
        /** its position after the last poll that returned it, -1 when not known (kafka-clients before 4.0) */
        private long position = -1;

        private boolean everCommitted;
        /** its records count when consumed, not when committed */
        private boolean consumeMode;
        /** it counts on consume because the bound on waiting records was reached */
        private boolean overflowed;
        /** the offset after the last record it counted on consume, -1 before any */
        private long countedUpTo = -1;
        /** the highest offset this consumer committed, -1 before any */
        private long ownCommit = -1;
        /** records below it waited when the partition returned after a gap, until the group says whose they are */
        private long returnedAbove = -1;
        /** when its records came last before they came again after a gap */
        private long returnedAfter = Long.MIN_VALUE;

        private PartitionState(String topic, long firstPollAt, boolean consumeMode) {
            this.topic = topic;
            this.firstPollAt = firstPollAt;
            this.consumeMode = consumeMode;
        }

        /** From now on its records count when consumed; those waiting count now. */
        private void countOnConsume() {
            consumeMode = true;
            for (PendingRecords s : segments) {
                pending -= s.size();
                countedUpTo = Math.max(countedUpTo, s.next());
                release(s, Long.MAX_VALUE, consumed);
            }
            segments.clear();
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
            everCommitted = true;
            ownCommit = Math.max(ownCommit, offset);
            if (overflowed && offset >= countedUpTo && pending <= maxPending / 2) {
                // the waiting records drained and this commit covers all it counted on consume: a re-read from
                // here counts nothing twice, so it waits for commits again (and may overflow again)
                overflowed = false;
            }
            if (!overflowed) {
                consumeMode = false; // it commits after all: what it reads from now on waits for its commits
            }
            boolean released = false;
            while (!segments.isEmpty() && segments.peekFirst().first() < offset) {
                PendingRecords s = segments.peekFirst();
                int before = s.size();
                release(s, offset, committed);
                pending -= before - s.size();
                released = true;
                if (!s.isEmpty()) {
                    break; // the commit cut it: the rest waits for the next one
                }
                recycle(segments.pollFirst());
            }
            return released;
        }

        /** The consumer went back to {@code first}: what it will read again is given up here. */
        private long rewindTo(long first) {
            long discarded = 0;
            while (!segments.isEmpty() && segments.peekLast().next() > first) {
                PendingRecords last = segments.peekLast();
                int removed = last.removeFrom(first);
                discarded += removed;
                pending -= removed;
                if (!last.isEmpty()) {
                    break;
                }
                segments.pollLast();
            }
            return discarded;
        }
    }
}
