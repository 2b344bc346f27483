package io.tally.agent.internal;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditMessage;
import io.tally.core.Clock;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.counting.BucketCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One running agent: its identity, its counters (one per counting mode it uses) and its message sequence. The
 * emitter calls {@link #drain} to turn what was counted into numbered audit messages.
 */
public final class Agent {
    private final AgentIdentity identity;
    private final String tier;
    private final Clock clock;
    private final AgentCountingRules rules;
    private final List<TierCounter> counters = new ArrayList<>();
    private final AtomicLong nextSeq = new AtomicLong();
    private final Drops drops = new Drops();
    private final AgentMetrics metrics;
    /** For a consumer: what it read of each partition, published after each poll and commit; else null. */
    private volatile Supplier<List<PartitionReport>> partitions;

    private long partitionIdleMs;
    private volatile boolean readCommitted;
    private volatile boolean transactional;

    Agent(AgentIdentity identity, String tier, Clock clock, AgentCountingRules rules) {
        this.identity = identity;
        this.tier = tier;
        this.clock = clock;
        this.rules = rules;
        this.metrics = new AgentMetrics(this);
    }

    /** @return a new counter of this agent for messages counted in {@code mode} */
    TierCounter counter(CountingMode mode) {
        synchronized (counters) {
            TierCounter counter = new TierCounter(rules, mode, drops);
            counters.add(counter);
            return counter;
        }
    }

    public AgentIdentity identity() {
        return identity;
    }

    public String tier() {
        return tier;
    }

    Clock clock() {
        return clock;
    }

    AgentCountingRules rules() {
        return rules;
    }

    AgentMetrics metrics() {
        return metrics;
    }

    /**
     * Makes the heartbeats report per partition: {@code source} gives what the agent's client read of each one. It
     * must not block: the emitter calls it while the client may be waiting for the emitter.
     *
     * @param readCommitted whether the client reads with {@code isolation.level=read_committed}
     */
    void reportPartitions(Supplier<List<PartitionReport>> source, long idleMs, boolean readCommitted) {
        this.partitionIdleMs = idleMs;
        this.readCommitted = readCommitted;
        this.partitions = source;
    }

    /** Makes the heartbeats say that the agent's producer writes in transactions. */
    void writesInTransactions() {
        this.transactional = true;
    }

    /** What could not be counted (bounds, or an audit record that was dropped), by topic and bucket. */
    Drops drops() {
        return drops;
    }

    long dropped() {
        return drops.total();
    }

    /**
     * @param closing whether this is the agent's last drain (its heartbeat then says {@code closed})
     * @return the audit records of everything counted since the last drain, then a heartbeat
     */
    List<AuditMessage> drain(boolean closing) {
        long now = clock.millis();
        List<AuditMessage> out = new ArrayList<>();
        Map<String, Long> watermarks = new TreeMap<>();
        // read before the counters are drained: whatever a partition's watermark covers was counted before it was
        // published, so it is in this drain, never in a later message than the heartbeat that claims it
        Supplier<List<PartitionReport>> source = partitions;
        List<PartitionReport> reports = source == null ? null : source.get();
        Map<String, Map<Integer, Long>> read =
                reports == null ? null : PartitionReport.readNow(reports, now, partitionIdleMs);
        Map<String, Map<Integer, Long>> starts = reports == null ? Map.of() : PartitionReport.startOffsets(reports);
        Map<String, Long> waiting = reports == null ? Map.of() : PartitionReport.waiting(reports, now, partitionIdleMs);
        List<TierCounter> snapshot;
        synchronized (counters) {
            snapshot = new ArrayList<>(counters);
        }
        for (TierCounter counter : snapshot) {
            counter.drain().forEach((topic, buckets) -> {
                for (BucketCounts b : buckets) {
                    out.add(b.toRecord(
                            identity, nextSeq.getAndIncrement(), now, tier, topic, rules.bucketMs, counter.mode()));
                    metrics.counted(b.count());
                }
            });
            counter.watermarks().forEach((topic, mark) -> watermarks.merge(topic, mark, Math::max));
        }
        out.add(Heartbeat.builder(identity, tier)
                .seq(nextSeq.getAndIncrement())
                .emittedAt(now)
                .watermarks(watermarks)
                .partitions(read)
                .closed(closing)
                .dropped(drops.total())
                .droppedByBucket(drops.byBucket())
                .startOffsets(starts)
                .readCommitted(readCommitted)
                .waiting(waiting)
                .transactional(transactional)
                .build());
        return out;
    }
}
