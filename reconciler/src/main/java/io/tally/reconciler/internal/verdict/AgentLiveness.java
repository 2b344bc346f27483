package io.tally.reconciler.internal.verdict;

import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.Heartbeat;
import io.tally.storage.AgentSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each agent's liveness and recent rate, from the messages agents send on {@code tally.audit}: memory is
 * O(agents × topics they report), and a question costs O(agents of the tier).
 *
 * <p>An agent is <em>dead</em> when it has not sent anything for {@code death.after} and its last message was not
 * {@code closed}. A dead agent can have left up to one flush interval of counts unsent: its recent rate on the topic
 * (messages per ms, over the last two rate windows) × its flush interval (the larger of the configured one and
 * the spacing observed between its messages), for buckets around its death; and a consumer agent, the records it
 * had read and was waiting to count as its last heartbeat said (an exactly-once consumer learns of its transactions'
 * commits seconds after they are made: what it processed in those seconds is committed, and uncounted, when it is
 * killed; its waiting records lie past what it counted of each partition, so an instance that died working through a
 * backlog is allowed them in those older buckets too). An agent killed before it flushed
 * counts of the topic (it announced itself with its first heartbeat, which agents send within a second of starting,
 * but no rate of its own tells what it was counting), or whose own rate covers less than one flush interval, is
 * allowed the highest rate among its tier's agents on the topic instead: one agent's share, for one flush interval.
 * Not thread-safe.
 */
public final class AgentLiveness {
    private final long deathAfterMs;
    private final long flushIntervalMs;
    private final long rateWindowMs;
    private final Map<String, AgentState> agents = new HashMap<>();
    /** Agents whose state changed since the last {@link #drainChanged()}. */
    private final Set<String> changed = new HashSet<>();

    private static final class Rate {
        long windowStart;
        long current;
        long previous;
        long previousStart;
    }

    private static final class AgentState {
        final String tier;
        long lastSeenAt = Long.MIN_VALUE;
        long intervalEwma;
        boolean closed;
        /** Messages up to this emit time are already in the state restored from the store. */
        long restoredUpTo = Long.MIN_VALUE;

        final Map<String, Long> watermarks = new HashMap<>();
        final Map<String, Rate> rates = new HashMap<>();
        /** topic → records waiting to be counted, as its latest heartbeat said */
        Map<String, Long> waiting = Map.of();
        /**
         * topic → the earliest event time its waiting records may have: the lowest watermark (what it counted) among
         * the partitions it read with records waiting, or {@link Long#MIN_VALUE} where one had counted nothing yet
         */
        Map<String, Long> waitingFrom = Map.of();

        AgentState(String tier) {
            this.tier = tier;
        }
    }

    /**
     * @param deathAfterMs    silence after which an unclosed agent counts as dead
     * @param flushIntervalMs the agents' flush interval (the smallest window a death can leave uncounted)
     * @param rateWindowMs    length of a rate window
     */
    public AgentLiveness(long deathAfterMs, long flushIntervalMs, long rateWindowMs) {
        this.deathAfterMs = deathAfterMs;
        this.flushIntervalMs = flushIntervalMs;
        this.rateWindowMs = rateWindowMs;
    }

    /** Takes any message of an agent into account, as sent at its own clock's time. */
    public void on(AuditMessage message) {
        on(message, message.emittedAt());
    }

    /**
     * Takes any message of an agent into account.
     *
     * @param arrivedAt when it reached the audit topic (the brokers' append time), epoch ms: liveness is judged by
     *     arrival, so that an agent whose host clock is off is neither dead while it reports nor alive after it died
     */
    public void on(AuditMessage message, long arrivedAt) {
        AgentState a = agents.computeIfAbsent(message.agent().instanceId(), k -> new AgentState(message.tier()));
        long t = arrivedAt;
        if (t <= a.restoredUpTo) {
            return; // counted before the restart
        }
        changed.add(message.agent().instanceId());
        if (a.lastSeenAt != Long.MIN_VALUE && t > a.lastSeenAt) {
            long gap = t - a.lastSeenAt;
            a.intervalEwma = a.intervalEwma == 0 ? gap : (a.intervalEwma * 3 + gap) / 4;
        }
        a.lastSeenAt = Math.max(a.lastSeenAt, t);
        if (message instanceof Heartbeat h) {
            a.closed |= h.closed();
            a.watermarks.putAll(h.watermarks());
            if (t >= a.lastSeenAt) {
                a.waiting = h.waiting();
                a.waitingFrom = waitingFrom(h);
            }
        } else if (message instanceof AuditRecord r) {
            Rate rate = a.rates.computeIfAbsent(r.topic(), k -> {
                Rate fresh = new Rate();
                fresh.windowStart = t;
                fresh.previousStart = t;
                return fresh;
            });
            if (t - rate.windowStart >= rateWindowMs) {
                rate.previous = rate.current;
                rate.previousStart = rate.windowStart;
                rate.current = 0;
                rate.windowStart = t;
            }
            rate.current += r.count();
        }
    }

    /**
     * @return how many messages of {@code bucket} dead agents of {@code tier} could have left uncounted on
     *         {@code topic}; 0 when every agent closed or is alive
     */
    public long gapAllowance(String tier, String topic, Bucket bucket, long now) {
        long total = 0;
        double peerRate = -1; // computed once, when an agent without a rate of its own needs it
        for (AgentState a : agents.values()) {
            if (!a.tier.equals(tier) || a.closed || now - a.lastSeenAt < deathAfterMs) {
                continue;
            }
            Rate rate = a.rates.get(topic);
            boolean knewNothing = a.rates.isEmpty() && a.watermarks.isEmpty();
            if (rate == null && !knewNothing && !a.watermarks.containsKey(topic)) {
                continue; // it reported other topics, never this one
            }
            long flush = Math.max(flushIntervalMs, a.intervalEwma);
            long lo = Math.min(a.lastSeenAt, a.watermarks.getOrDefault(topic, a.lastSeenAt)) - flush;
            // what it read and waited to count lies past what it counted of each partition: an instance working
            // through a backlog when it died leaves older buckets uncounted than those around its death
            lo = Math.min(lo, a.waitingFrom.getOrDefault(topic, Long.MAX_VALUE));
            long hi = a.lastSeenAt + flush;
            if (bucket.end() <= lo || bucket.start() > hi) {
                continue;
            }
            double perMs = rate == null ? 0 : ownRate(rate, a.lastSeenAt, flush);
            if (rate == null || a.lastSeenAt - rate.previousStart < flush) {
                if (peerRate < 0) {
                    peerRate = peerRate(tier, topic);
                }
                perMs = Math.max(perMs, peerRate);
            }
            total += (long) Math.ceil(perMs * flush) + a.waiting.getOrDefault(topic, 0L);
        }
        return total;
    }

    /** @return per topic with records waiting, the earliest event time they may have (see {@code waitingFrom}) */
    private static Map<String, Long> waitingFrom(Heartbeat h) {
        if (h.waiting().isEmpty()) {
            return Map.of();
        }
        Map<String, Long> out = new HashMap<>();
        h.waiting().forEach((topic, n) -> {
            if (n <= 0) {
                return;
            }
            Map<Integer, Long> read =
                    h.partitions() == null ? null : h.partitions().get(topic);
            long from = Long.MAX_VALUE;
            if (read == null || read.isEmpty()) {
                from = Long.MIN_VALUE;
            } else {
                for (long mark : read.values()) {
                    from = Math.min(from, mark); // EventTimes.NONE (nothing counted there yet) is Long.MIN_VALUE
                }
            }
            out.put(topic, from);
        });
        return out;
    }

    /** @return messages per ms over the agent's last two rate windows, at least one flush interval long */
    private static double ownRate(Rate rate, long lastSeenAt, long flush) {
        long span = Math.max(1, lastSeenAt - rate.previousStart);
        return (double) (rate.previous + rate.current) / Math.max(span, flush);
    }

    /** @return the highest rate on the topic among the tier's agents whose rate covers a flush interval */
    private double peerRate(String tier, String topic) {
        double highest = 0;
        for (AgentState p : agents.values()) {
            Rate r = p.tier.equals(tier) ? p.rates.get(topic) : null;
            long flush = Math.max(flushIntervalMs, p.intervalEwma);
            if (r != null && p.lastSeenAt - r.previousStart >= flush) {
                highest = Math.max(highest, ownRate(r, p.lastSeenAt, flush));
            }
        }
        return highest;
    }

    /**
     * @return whether {@code tier} has agents that reported {@code topic} and every one of them closed cleanly
     *         (false when none is known: a restarted reconciler knows only its look-back)
     */
    public boolean allClosed(String tier, String topic) {
        boolean any = false;
        for (AgentState a : agents.values()) {
            if (a.tier.equals(tier) && (a.watermarks.containsKey(topic) || a.rates.containsKey(topic))) {
                if (!a.closed) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /**
     * Takes back what a previous reconciler knew (from the store), for agents this one has not heard from since it
     * started: a restarted reconciler then knows which agents died or closed before its look-back began.
     */
    public void restore(Collection<AgentSnapshot> snapshots) {
        for (AgentSnapshot s : snapshots) {
            AgentState known = agents.get(s.instanceId());
            if (known != null && known.lastSeenAt >= s.lastSeenAt()) {
                continue;
            }
            AgentState a = new AgentState(s.tier());
            a.lastSeenAt = s.lastSeenAt();
            a.intervalEwma = s.intervalMs();
            a.closed = s.closed() || (known != null && known.closed);
            a.restoredUpTo = s.lastSeenAt();
            a.watermarks.putAll(s.watermarks());
            s.rates().forEach((topic, r) -> {
                Rate rate = new Rate();
                rate.windowStart = r.get(0);
                rate.current = r.get(1);
                rate.previous = r.get(2);
                rate.previousStart = r.get(3);
                a.rates.put(topic, rate);
            });
            agents.put(s.instanceId(), a);
        }
    }

    /** @return the agents whose state changed since the last call, to keep in the store */
    public List<AgentSnapshot> drainChanged() {
        List<AgentSnapshot> out = new ArrayList<>(changed.size());
        for (String id : changed) {
            AgentState a = agents.get(id);
            if (a == null) {
                continue;
            }
            Map<String, List<Long>> rates = new HashMap<>();
            a.rates.forEach(
                    (topic, r) -> rates.put(topic, List.of(r.windowStart, r.current, r.previous, r.previousStart)));
            out.add(new AgentSnapshot(id, a.tier, a.lastSeenAt, a.intervalEwma, a.closed, a.watermarks, rates));
        }
        changed.clear();
        return out;
    }

    /** Forgets agents silent since before {@code cutoff}. */
    public void evictSilentSince(long cutoff) {
        for (Iterator<AgentState> it = agents.values().iterator(); it.hasNext(); ) {
            if (it.next().lastSeenAt < cutoff) {
                it.remove();
            }
        }
    }

    /** @return agents tracked */
    public int size() {
        return agents.size();
    }
}
