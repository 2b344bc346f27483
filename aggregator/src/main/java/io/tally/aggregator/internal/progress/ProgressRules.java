package io.tally.aggregator.internal.progress;

import io.tally.core.Heartbeat;
import io.tally.core.TierProgress;
import io.tally.core.Tiers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a tier's progress follows from its agents' latest heartbeats:
 * <ul>
 *   <li>an agent is <em>live</em> while it has not sent {@code closed} and its latest heartbeat was emitted less
 *       than the liveness timeout ago;</li>
 *   <li>watermarks are per partition where the agents report partitions (consumers, the log tier): a partition's
 *       watermark is the highest any live agent reading it reports (after a rebalance, the new owner re-reads from
 *       the committed offset what the old one had not passed on, so the furthest report is covered); agents leave
 *       out partitions revoked from them and idle ones, so those hold nothing back;</li>
 *   <li>a reader without a group ({@link Tiers#isReader}) that died while reading a partition (its last heartbeat
 *       listed it, and it did not close) holds it at the watermark it reached there until a live agent reports it
 *       again: a group's committed offsets show where it stands, a reader's nothing does, and its records there are
 *       not read until it (or another instance, from its own checkpoint) comes back — never taken as caught up;</li>
 *   <li>{@code watermark} of a topic = the lowest over its partitions read now, and over the live agents that
 *       report the whole topic (a producer); when nothing is read now (every partition idle, the agents closed or
 *       gone), the highest watermark a live agent reached, or else any agent — nothing earlier is still coming
 *       from them;</li>
 *   <li>{@code lastHeartbeatAt} = the latest heartbeat emit time of any agent of the tier;</li>
 *   <li>{@code liveAgents} = live agents of the tier;</li>
 *   <li>{@code dropped} = per bucket, what the agents of the tier could not count there, summed over every agent
 *       (live or not: each reports its own cumulative figure), for the most recent buckets;</li>
 *   <li>{@code startOffsets} = per partition, the lowest offset any agent (live or not, for as long as its last
 *       heartbeat is kept) started reading at: where the tier started, which a restart or a rebalance (a new
 *       owner resumes from a commit, above it) does not move;</li>
 *   <li>{@code readCommitted} = whether any agent that read the topic (live or not) reads with
 *       {@code isolation.level=read_committed}: a group reads one way, and one such agent is enough to make the
 *       tier miss aborted records;</li>
 *   <li>{@code waiting} = the records the live agents have read and wait to count, summed over them: a tier with
 *       some is not at the end of what it processed, whatever its group's committed offsets say;</li>
 *   <li>{@code transactional} = whether any agent that wrote the topic (live or not) writes in transactions: its
 *       aborted records are in the log, and the topic's read_committed readers are compared with log.committed;</li>
 *   <li>{@code misconfigured} = why the counts of an agent that reported the topic were refused (its heartbeat says
 *       it; live or not, for as long as its last heartbeat is kept), and {@code misconfiguredUpTo} the highest
 *       watermark such an agent reached there: the tier is shown as misconfigured, not judged, in the buckets up to
 *       it — and judged again after it, once its clients count as the deployment does.</li>
 * </ul>
 * So one slow partition holds its topic back however far the others are, and an agent that no longer reads a
 * partition does not hold it back for ever. Stateless and thread-safe.
 */
public final class ProgressRules {
    /** Most buckets with drops a progress carries: the most recent ones. */
    static final int MAX_DROPPED_BUCKETS = 1_000;

    private ProgressRules() {}

    /** @return whether the agent of {@code latest} counts as live at {@code now} */
    public static boolean isLive(Heartbeat latest, long now, long livenessMs) {
        return !latest.closed() && now - latest.emittedAt() < livenessMs;
    }

    /** @return whether {@code candidate} should replace {@code current} as the agent's latest heartbeat */
    public static boolean supersedes(Heartbeat candidate, Heartbeat current) {
        if (current == null) {
            return true;
        }
        if (current.closed()) {
            return false;
        }
        return candidate.closed() || candidate.seq() > current.seq();
    }

    /** @return one progress per topic reported by any agent, sorted by topic */
    public static List<TierProgress> compute(String tier, Collection<Heartbeat> agents, long now, long livenessMs) {
        long lastHeartbeat = Long.MIN_VALUE;
        int live = 0;
        Map<String, TopicMarks> topics = new TreeMap<>();
        for (Heartbeat h : agents) {
            lastHeartbeat = Math.max(lastHeartbeat, h.emittedAt());
            boolean isLive = isLive(h, now, livenessMs);
            if (isLive) {
                live++;
            }
            for (Map.Entry<String, Long> e : h.watermarks().entrySet()) {
                TopicMarks t = topics.computeIfAbsent(e.getKey(), k -> new TopicMarks());
                t.transactional |= h.transactional();
                long mark = e.getValue();
                t.highest = Math.max(t.highest, mark);
                if (isLive) {
                    t.highestLive = Math.max(t.highestLive, mark);
                    if (h.partitions() == null) {
                        t.readNow = Math.min(t.readNow, mark);
                        t.anyReadNow = true;
                    }
                }
            }
            h.startOffsets().forEach((topic, starts) -> {
                TopicMarks t = topics.computeIfAbsent(topic, k -> new TopicMarks());
                starts.forEach((partition, offset) -> t.starts.merge(partition, offset, Math::min));
                t.readCommitted |= h.readCommitted();
            });
            h.droppedByBucket().forEach((topic, buckets) -> {
                TopicMarks t = topics.computeIfAbsent(topic, k -> new TopicMarks());
                buckets.forEach((bucket, n) -> t.dropped.merge(bucket, n, Long::sum));
            });
            if (isLive) {
                h.waiting().forEach((topic, n) -> topics.computeIfAbsent(topic, k -> new TopicMarks()).waiting += n);
            }
            if (!h.refused().isEmpty()) {
                h.watermarks().forEach((topic, mark) -> {
                    TopicMarks t = topics.computeIfAbsent(topic, k -> new TopicMarks());
                    t.misconfigured = t.misconfigured.isEmpty() ? h.refused() : t.misconfigured;
                    t.misconfiguredUpTo = Math.max(t.misconfiguredUpTo, mark);
                });
            }
            if (isLive && h.partitions() != null) {
                h.partitions().forEach((topic, marks) -> {
                    TopicMarks t = topics.computeIfAbsent(topic, k -> new TopicMarks());
                    marks.forEach((partition, mark) -> t.partitions.merge(partition, mark, Math::max));
                });
            } else if (!isLive && !h.closed() && h.partitions() != null && Tiers.isReader(tier)) {
                h.partitions().forEach((topic, marks) -> {
                    TopicMarks t = topics.computeIfAbsent(topic, k -> new TopicMarks());
                    marks.forEach((partition, mark) -> t.diedReading.merge(partition, mark, Math::max));
                });
            }
        }
        List<TierProgress> out = new ArrayList<>(topics.size());
        for (Map.Entry<String, TopicMarks> e : topics.entrySet()) {
            out.add(TierProgress.builder(tier, e.getKey())
                    .watermark(e.getValue().watermark())
                    .lastHeartbeatAt(lastHeartbeat)
                    .liveAgents(live)
                    .updatedAt(now)
                    .dropped(e.getValue().recentDrops())
                    .startOffsets(e.getValue().starts)
                    .readCommitted(e.getValue().readCommitted)
                    .waiting(e.getValue().waiting)
                    .transactional(e.getValue().transactional)
                    .misconfigured(e.getValue().misconfigured, e.getValue().misconfiguredUpTo)
                    .build());
        }
        return out;
    }

    /** What the agents of one tier report on one topic. */
    private static final class TopicMarks {
        /** bucket start → messages the agents dropped there, summed over them (each reports its own cumulative) */
        final TreeMap<Long, Long> dropped = new TreeMap<>();
        /** partition → the highest watermark a live agent reading it reports */
        final Map<Integer, Long> partitions = new HashMap<>();
        /**
         * partition → the highest watermark a reader without a group reached there before it died reading it (not
         * idle, not closed): nothing else holds it for such a tier, which has no committed offsets to show where it is
         */
        final Map<Integer, Long> diedReading = new HashMap<>();
        /** partition → the lowest offset an agent started reading it at */
        final Map<Integer, Long> starts = new HashMap<>();
        /** whether an agent that read the topic reads committed records only */
        boolean readCommitted;
        /** whether an agent that wrote the topic writes in transactions */
        boolean transactional;
        /** why an agent's counts were refused, or empty */
        String misconfigured = "";
        /** the highest watermark an agent whose counts were refused reached */
        long misconfiguredUpTo = Long.MIN_VALUE;
        /** records the live agents wait to count, summed */
        long waiting;
        /** the lowest watermark of the live agents that report the whole topic */
        long readNow = Long.MAX_VALUE;

        boolean anyReadNow;
        long highestLive = Long.MIN_VALUE;
        long highest = Long.MIN_VALUE;

        Map<Long, Long> recentDrops() {
            while (dropped.size() > MAX_DROPPED_BUCKETS) {
                dropped.pollFirstEntry();
            }
            return dropped;
        }

        long watermark() {
            long low = Long.MAX_VALUE;
            for (Map.Entry<Integer, Long> died : diedReading.entrySet()) {
                if (!partitions.containsKey(died.getKey())) {
                    low = Math.min(low, died.getValue()); // until a live reader reports it again
                }
            }
            if (anyReadNow || !partitions.isEmpty()) {
                low = Math.min(low, readNow);
                for (long mark : partitions.values()) {
                    low = Math.min(low, mark);
                }
                return low;
            }
            long reached = highestLive != Long.MIN_VALUE ? highestLive : highest;
            return Math.min(low, reached);
        }
    }

    /** @return when the next live agent stops being live if nothing more arrives, or {@link Long#MAX_VALUE} */
    public static long nextExpiry(Collection<Heartbeat> agents, long now, long livenessMs) {
        long next = Long.MAX_VALUE;
        for (Heartbeat h : agents) {
            if (isLive(h, now, livenessMs)) {
                next = Math.min(next, h.emittedAt() + livenessMs);
            }
        }
        return next;
    }
}
