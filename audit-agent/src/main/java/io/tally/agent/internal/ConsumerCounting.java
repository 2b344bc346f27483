package io.tally.agent.internal;

import io.tally.agent.AgentConfig;
import io.tally.core.AuditedTopics;
import io.tally.core.Clock;
import io.tally.core.CountingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer interceptor's work: file each poll's records per partition (their event time, id and size), count
 * them when a commit covers them.
 */
public final class ConsumerCounting {
    private final AgentRuntime runtime;
    private final Clock clock;
    private final EventTimeSource eventTime;
    private final AgentCountingRules rules;
    private final CommitTracker tracker;
    /** What was read of each partition, republished after every poll and commit for the agent's heartbeats. */
    private volatile List<PartitionReport> partitions = List.of();

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConsumerCounting.class);
    private int warnedOverflow;
    private final Map<String, ?> settings;
    private final String group;
    private boolean committedThroughClient;
    private GroupCommits groupCommits;
    private final StartCheck starts;
    private boolean learning;
    /**
     * A {@code read_committed} consumer may be an exactly-once one (Kafka Streams, Flink, consume-transform-produce),
     * whose commits the client never reports: it reads the group from its first records on, since its group
     * rebalances most just after it starts, and what it has not learned of its own commits when a partition moves
     * is counted by no one. One that commits through the client stops at its first commit.
     */
    private final boolean readCommitted;
    /**
     * When the group's commits are read (an exactly-once consumer): the consumer's count of completed rebalances as
     * last seen, -1 while unknown, and when it last changed (its clock) — what tells whether a partition that returns
     * after a gap could have had another owner meanwhile.
     */
    private volatile long rebalanceCount = -1;

    private volatile long rebalanceSeenAt = Long.MIN_VALUE;

    /** Whether the client gives each poll's positions ({@code ConsumerRecords.nextOffsets}, kafka-clients 4.0+). */
    private static final boolean NEXT_OFFSETS = nextOffsets();

    /** Records waiting this long without any commit through the client start reading the group's commits. */
    static final long LEARN_AFTER_MS = 5_000;
    /** How long a poll that returns a partition's first records waits to learn where the group had committed it. */
    static final long START_CHECK_WAIT_MS = 2_000;
    /** How often the group's commits are read while they are wanted. */
    static final long LEARN_INTERVAL_MS = 2_000;

    /**
     * @param settings the consumer's configuration: its group, client.id and cluster, for {@link GroupCommits}, and
     *                 its isolation level, which its heartbeats report
     */
    public ConsumerCounting(AgentRuntime runtime, Map<String, ?> settings) {
        this.settings = settings;
        Object group = settings.get("group.id");
        this.group = group == null || group.toString().isEmpty() ? null : group.toString();
        boolean canCommit = this.group != null;
        this.runtime = runtime;
        this.clock = runtime.clock();
        this.eventTime = runtime.eventTime();
        this.rules = runtime.agent().rules();
        this.tracker = new CommitTracker(
                runtime.counter(CountingMode.COMMIT),
                runtime.counter(CountingMode.CONSUME),
                runtime.commitWaitMs(),
                runtime.config().getLong(AgentConfig.PENDING_IDLE_MS),
                rules,
                runtime.agent().drops(),
                canCommit,
                runtime.config().getLong(AgentConfig.MAX_PENDING_RECORDS));
        // the consumer's own default when unset (read_uncommitted in every client version)
        this.readCommitted = "read_committed".equalsIgnoreCase(String.valueOf(settings.get("isolation.level")));
        this.starts =
                this.group == null ? null : new StartCheck(this::groupOffsets, this::startedAt, START_CHECK_WAIT_MS);
        runtime.agent().reportPartitions(() -> partitions, runtime.partitionIdleMs(), readCommitted);
    }

    // synchronized: a consumer calls these from its polling thread, but nothing forbids another one; the cost is
    // per poll, not per record
    public synchronized void onConsume(ConsumerRecords<?, ?> records) {
        long now = clock.millis();
        long discarded = 0;
        Set<TopicPartition> started = null;
        for (TopicPartition tp : records.partitions()) {
            if (!AuditedTopics.audited(tp.topic())) {
                continue;
            }
            List<? extends ConsumerRecord<?, ?>> batch = records.records(tp);
            if (batch.isEmpty()) {
                continue;
            }
            if (starts != null && !tracker.knows(tp)) {
                started = started == null ? new java.util.HashSet<>() : started;
                started.add(tp);
            }
            PendingRecords pending = tracker.newSegment(now, batch.size());
            boolean recordTime = eventTime.isRecordTimestamp();
            boolean readsValue = eventTime.readsValue();
            for (ConsumerRecord<?, ?> r : batch) {
                long time = recordTime
                        ? (r.timestamp() >= 0 ? r.timestamp() : EventTimeSource.NONE)
                        : eventTime.extract(r.timestamp(), r.headers(), readsValue ? r.value() : null);
                long id = IdHeaders.read(r.headers(), tp.topic(), tp.partition(), r.offset());
                long bytes = Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
                pending.add(r.offset(), time, id, bytes);
            }
            discarded += tracker.add(tp, pending, now);
        }
        if (NEXT_OFFSETS) {
            records.nextOffsets().forEach((tp, next) -> tracker.position(tp, next.offset()));
        }
        discarded += tracker.expire(now);
        if (started != null) {
            applyStarts(starts.committedAtStart(started));
        }
        Set<TopicPartition> returned = starts == null ? Set.of() : tracker.returnedAfterGap();
        if (!returned.isEmpty()) {
            // before the application can commit there: its own commit would hide another member's
            Map<TopicPartition, Long> committed = starts.committedAtStart(returned);
            Map<TopicPartition, Long> own = new HashMap<>();
            for (TopicPartition tp : returned) {
                Long offset = committed.get(tp);
                if (offset != null && groupCommits != null && !rebalancedSince(tracker.returnedAfter(tp))) {
                    // no rebalance while it returned nothing: no other member owned it, the commit is this one's
                    own.put(tp, offset);
                    tracker.committedWhileAway(tp, null, false);
                } else {
                    // whose commit it is cannot be told where this consumer's commits are read from the group:
                    // what it gives up is reported as dropped
                    discarded += tracker.committedWhileAway(tp, offset, groupCommits != null);
                }
            }
            if (!own.isEmpty() && tracker.commit(own, now)) {
                runtime.requestFlush();
            }
        }
        partitions = tracker.report();
        if (group != null && !committedThroughClient && groupCommits == null) {
            startLearningCommits();
        }
        List<TopicPartition> overflowed = tracker.overflowed();
        warnedOverflow = Math.min(warnedOverflow, overflowed.size()); // drained: warn again if it comes back
        if (overflowed.size() > warnedOverflow) {
            warnedOverflow = overflowed.size();
            LOG.warn(
                    "Tally agent: more than {} records wait for a commit; {} now count on consume, and a crash may "
                            + "count some of their records twice (tally.consumer.max.pending.records)",
                    runtime.config().getLong(AgentConfig.MAX_PENDING_RECORDS),
                    overflowed);
        }
        if (discarded > 0) {
            runtime.uncommittedDiscarded(discarded);
        }
    }

    private static boolean nextOffsets() {
        try {
            ConsumerRecords.class.getMethod("nextOffsets");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** @return a reader of the group's committed offsets: the one a test injects, else an admin client */
    private GroupCommits.Source groupOffsets() {
        Object injected = settings.get(InternalSettings.GROUP_COMMITS);
        Object clientId = settings.get("client.id");
        return injected instanceof GroupCommits.Source s
                ? s
                : GroupCommits.admin(settings, group, clientId == null ? "" : clientId.toString());
    }

    /** Where the group had committed partitions this consumer started reading, learned after the poll went on. */
    synchronized void startedAt(Map<TopicPartition, Long> committed) {
        // a commit below where it started is not its own, whenever it is learned
        if (applyStarts(committed)) {
            partitions = tracker.report();
        }
    }

    /** @return whether where the group had committed partitions this consumer started reading moved a start */
    private boolean applyStarts(Map<TopicPartition, Long> committed) {
        boolean moved = false;
        for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
            if (tracker.groupCommittedAtStart(e.getKey(), e.getValue())) {
                moved = true;
                LOG.info(
                        "Tally agent: {} started past its group's committed offset {}: what lies between was "
                                + "skipped (an offset reset or a seek forward), and is judged as not read",
                        e.getKey(),
                        e.getValue());
            }
        }
        return moved;
    }

    /**
     * @return whether the consumer may have rebalanced since {@code since} (its clock): a rebalance seen at or after
     *     it, with the step at which rebalances are looked for as margin, or no count of them known
     */
    private boolean rebalancedSince(long since) {
        return rebalanceCount < 0 || rebalanceSeenAt >= since - 2 * GroupCommits.WATCH_STEP_MS;
    }

    /** Commits made without the client (a transaction's offsets) are read from the group while none come. */
    private void startLearningCommits() {
        Object clientId = settings.get("client.id");
        Object injected = settings.get(InternalSettings.REBALANCES);
        java.util.function.LongSupplier rebalances = injected instanceof java.util.function.LongSupplier s
                ? s
                : RebalanceCount.of(clientId == null ? null : clientId.toString());
        groupCommits = new GroupCommits(
                this::groupOffsets,
                new GroupCommits.Waiting() {
                    @Override
                    public Set<TopicPartition> wanted() {
                        return wantsGroupCommits();
                    }

                    @Override
                    public Set<TopicPartition> waiting() {
                        return waitingPartitions();
                    }

                    @Override
                    public void learned(Map<TopicPartition, Long> offsets) {
                        ConsumerCounting.this.learned(offsets);
                    }

                    @Override
                    public void handedOver(Map<TopicPartition, Long> offsets, Set<TopicPartition> taken) {
                        ConsumerCounting.this.handedOver(offsets, taken);
                    }

                    @Override
                    public void rebalances(long count) {
                        if (count != rebalanceCount) {
                            // a count first known tells nothing of what came before: taken as a rebalance then
                            rebalanceSeenAt = clock.millis();
                            rebalanceCount = count;
                        }
                    }
                },
                LEARN_INTERVAL_MS,
                rebalances);
    }

    private synchronized Set<TopicPartition> waitingPartitions() {
        return committedThroughClient ? Set.of() : tracker.waitingUpTo().keySet();
    }

    /**
     * Offsets of partitions a rebalance may be taking away that no other member committed (the commit of their
     * tasks at revocation, which the client does not report): what they cover of this consumer's waiting records
     * counts, where they do not pass what it read. What still waits in a partition another member owns now is given
     * up: that member counts it, from the last commit made here on — and if the partition comes back, its records
     * below the other's commit are not read again here.
     */
    synchronized void handedOver(Map<TopicPartition, Long> offsets, Set<TopicPartition> taken) {
        Map<TopicPartition, Long> readUpTo = tracker.waitingUpTo();
        Map<TopicPartition, Long> mine = new HashMap<>();
        offsets.forEach((tp, offset) -> {
            Long upTo = readUpTo.get(tp);
            if (upTo != null && offset <= upTo) {
                mine.put(tp, offset);
            }
        });
        if (!mine.isEmpty()) {
            LOG.info("Tally agent: in a rebalance, the group's offsets {} cover what it read of {}", offsets, mine);
            learned(mine);
        }
        long discarded = 0;
        for (TopicPartition tp : taken) {
            discarded += tracker.giveUp(tp);
        }
        if (discarded > 0) {
            LOG.info(
                    "Tally agent: {} went to another member before its commits were read; the {} records waiting "
                            + "there are reported as dropped (what this member's last commit covered of them is "
                            + "counted by no one)",
                    taken,
                    discarded);
            partitions = tracker.report();
            runtime.uncommittedDiscarded(discarded);
        }
    }

    /**
     * @return the partitions where records wait for commits the client has not reported: once some waited
     *         {@code LEARN_AFTER_MS} (a consumer whose commits the client reports never gets there), or at once for a
     *         {@code read_committed} one, whenever any
     *         wait; else none
     */
    private synchronized Set<TopicPartition> wantsGroupCommits() {
        long oldest = tracker.oldestWaitingSince();
        if (committedThroughClient || oldest == Long.MAX_VALUE) {
            return Set.of();
        }
        learning |= readCommitted || oldest <= clock.millis() - LEARN_AFTER_MS;
        return learning ? tracker.waitingUpTo().keySet() : Set.of();
    }

    /** Offsets the group committed for this consumer's partitions outside the client (a transaction's). */
    synchronized void learned(Map<TopicPartition, Long> offsets) {
        boolean released = tracker.commit(offsets, clock.millis());
        partitions = tracker.report();
        if (released) {
            runtime.requestFlush();
        }
    }

    public synchronized void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        committedThroughClient = true;
        if (groupCommits != null) {
            groupCommits.close(); // it commits through the client after all
            groupCommits = null;
        }
        Map<TopicPartition, Long> committed = new HashMap<>(offsets.size() * 2);
        offsets.forEach((tp, meta) -> {
            if (meta != null) {
                committed.put(tp, meta.offset());
            }
        });
        boolean released = tracker.commit(committed, clock.millis());
        partitions = tracker.report();
        if (released) {
            runtime.requestFlush();
        }
    }

    /**
     * Before its records still waiting are given up, a closing consumer reads the group's offsets once more, where a
     * commit may cover them that the client did not report: a consumer whose commits the client never reports (a
     * transaction's: the last one committed just before the close), and a committing one with records of partitions
     * it read until now (a {@code commitSync} cut short by {@code wakeup()} on the way to {@code close}, as a SIGTERM
     * handler does, may have committed them). What the offsets cover of its waiting records counts, where the commit
     * does not pass what this consumer read (a commit beyond it was made by the partition's next owner, who counts
     * what lies below). The rest is given up (delivered again, to the next owner); then the agent closes.
     */
    public synchronized void close() {
        if (starts != null) {
            starts.close();
        }
        Map<TopicPartition, Long> readUpTo = Map.of();
        Map<TopicPartition, Long> committed = null;
        if (groupCommits != null) {
            readUpTo = tracker.waitingUpTo();
            committed = groupCommits.finalRead(readUpTo.keySet());
        } else if (group != null && committedThroughClient) {
            // partitions read until now only: one a rebalance took away may have a next owner that committed within
            // what waits here
            readUpTo = tracker.waitingUpTo(clock.millis() - runtime.partitionIdleMs());
            if (!readUpTo.isEmpty()) {
                try (GroupCommits.Source source = groupOffsets()) {
                    committed = GroupCommits.readAtClose(() -> source, readUpTo.keySet());
                }
            }
        }
        if (committed != null) {
            Map<TopicPartition, Long> mine = new HashMap<>();
            Map<TopicPartition, Long> read = readUpTo;
            committed.forEach((tp, offset) -> {
                Long upTo = read.get(tp);
                if (upTo != null && offset <= upTo) {
                    mine.put(tp, offset);
                }
            });
            tracker.commit(mine, clock.millis());
            LOG.debug(
                    "Tally agent: closing; the group's offsets {} cover what it read of {} (read up to {})",
                    committed,
                    mine.keySet(),
                    readUpTo);
        }
        long discarded = tracker.discardAll();
        partitions = tracker.report();
        if (discarded > 0) {
            runtime.uncommittedDiscarded(discarded);
        }
        runtime.close();
    }
}
