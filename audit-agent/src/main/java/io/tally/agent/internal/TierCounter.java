package io.tally.agent.internal;

import io.tally.core.CountingMode;
import io.tally.core.counting.BucketCounts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The counts of one agent in one counting mode, per topic, since the last {@link #drain()}. Thread-safe: each topic
 * is guarded by its own lock, held for a few instructions, so threads counting different topics never meet, and the
 * emitter's drain only swaps a reference under it. A producer's acknowledgements all come from its one I/O thread,
 * so the lock is almost never contended. (A spin lock of one compare-and-set measured within the noise of this one:
 * BENCHMARKS.md.)
 */
public final class TierCounter {
    private final AgentCountingRules rules;
    private final CountingMode mode;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private final Drops drops;
    /**
     * The topic counted last. Racy on purpose: a stale value is still a valid entry of {@link #topics} (entries are
     * never replaced), and it spares the map lookup for the common run of messages of one topic.
     */
    private Topic last;

    TierCounter(AgentCountingRules rules, CountingMode mode, Drops drops) {
        this.rules = rules;
        this.mode = mode;
        this.drops = drops;
    }

    CountingMode mode() {
        return mode;
    }

    /** Counts one message; if the bucket bound is reached it is dropped and counted as dropped. */
    public void count(String topic, long eventTime, long now, long bytes, long id) {
        count(topic, -1, -1, eventTime, now, bytes, id);
    }

    /** Counts one message at {@code offset} of {@code partition}, noting the offset in its bucket. */
    public void count(String topic, int partition, long offset, long eventTime, long now, long bytes, long id) {
        Topic t = topic(topic);
        boolean counted;
        t.lock();
        try {
            counted = t.current.count(eventTime, now, bytes, id, partition, offset);
        } finally {
            t.unlock();
        }
        if (!counted) {
            drops.add(topic, Drops.bucketOf(rules, eventTime, now), 1);
        }
    }

    public void countFailed(String topic, long now) {
        Topic t = topic(topic);
        boolean counted;
        t.lock();
        try {
            counted = t.current.countFailed(now);
        } finally {
            t.unlock();
        }
        if (!counted) {
            drops.add(topic, rules.bucketStart(now), 1);
        }
    }

    /** Adds a set counted elsewhere (a consumer's committed segment). */
    void absorb(String topic, BucketSet counted) {
        Topic t = topic(topic);
        t.lock();
        try {
            t.current.absorb(counted);
        } finally {
            t.unlock();
        }
    }

    /** @return per topic, the buckets counted since the last drain; the counter starts afresh */
    Map<String, List<BucketCounts>> drain() {
        Map<String, List<BucketCounts>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Topic> e : topics.entrySet()) {
            Topic t = e.getValue();
            BucketSet fresh = new BucketSet(rules);
            BucketSet taken = null;
            t.lock();
            try {
                if (!t.current.isEmpty()) { // an empty set stays in place: it is still being counted into
                    taken = t.current;
                    t.current = fresh;
                    t.watermark = Math.max(t.watermark, taken.maxEventTime());
                }
            } finally {
                t.unlock();
            }
            if (taken != null) {
                out.put(e.getKey(), taken.release());
            }
        }
        return out;
    }

    /** @return per topic, the highest event time counted so far (drained or not) */
    Map<String, Long> watermarks() {
        Map<String, Long> out = new LinkedHashMap<>();
        topics.forEach((name, t) -> {
            long mark;
            t.lock();
            try {
                mark = Math.max(t.watermark, t.current.maxEventTime());
            } finally {
                t.unlock();
            }
            if (mark != EventTimeSource.NONE) {
                out.put(name, mark);
            }
        });
        return out;
    }

    private Topic topic(String topic) {
        Topic t = last;
        if (t != null && t.name.equals(topic)) {
            return t;
        }
        t = topics.get(topic);
        if (t == null) {
            t = topics.computeIfAbsent(topic, k -> new Topic(k, new BucketSet(rules)));
        }
        last = t;
        return t;
    }

    /** One topic's counts, and the lock that guards them. */
    private static final class Topic {
        final String name;
        BucketSet current;
        long watermark = EventTimeSource.NONE;
        private final ReentrantLock lock = new ReentrantLock();

        Topic(String name, BucketSet current) {
            this.name = name;
            this.current = current;
        }

        void lock() {
            lock.lock();
        }

        void unlock() {
            lock.unlock();
        }
    }
}
