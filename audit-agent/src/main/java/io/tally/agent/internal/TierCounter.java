package io.tally.agent.internal;

import io.tally.core.CountingMode;
import io.tally.core.counting.BucketCounts;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counts of one agent in one counting mode, per topic, since the last {@link #drain()}. Thread-safe: each topic
 * is guarded by its own short critical section, so threads counting different topics never meet, and the
 * emitter's drain only swaps a reference under the lock. The lock is a spin lock of one compare-and-set: a
 * producer's acknowledgements all come from its one I/O thread, so it is almost never contended, and entering and
 * leaving a monitor costs two atomic instructions per message where this costs one.
 */
public final class TierCounter {
    private final CountingRules rules;
    private final CountingMode mode;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private final Drops drops;
    /**
     * The topic counted last. Racy on purpose: a stale value is still a valid entry of {@link #topics} (entries are
     * never replaced), and it spares the map lookup for the common run of messages of one topic.
     */
    private Topic last;

    TierCounter(CountingRules rules, CountingMode mode, Drops drops) {
        this.rules = rules;
        this.mode = mode;
        this.drops = drops;
    }

    CountingMode mode() {
        return mode;
    }

    /** Counts one message; if the bucket bound is reached it is dropped and counted as dropped. */
    public void count(String topic, long eventTime, long now, long bytes, long id) {
        Topic t = topic(topic);
        boolean counted;
        t.lock();
        try {
            counted = t.current.count(eventTime, now, bytes, id);
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
                if (!t.current.isEmpty()) {   // an empty set stays in place: it is still being counted into
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

    /** One topic's counts, and the spin lock that guards them. */
    private static final class Topic {
        private static final VarHandle LOCKED;
        private static final int SPINS_BEFORE_YIELD = 64;

        static {
            try {
                LOCKED = MethodHandles.lookup().findVarHandle(Topic.class, "locked", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final String name;
        BucketSet current;
        long watermark = EventTimeSource.NONE;
        @SuppressWarnings("unused") // through LOCKED
        private volatile int locked;

        Topic(String name, BucketSet current) {
            this.name = name;
            this.current = current;
        }

        void lock() {
            if (!LOCKED.compareAndSet(this, 0, 1)) {
                lockContended();
            }
        }

        /**
         * Holders keep the lock for a few instructions, but one may be descheduled while holding it: after a short
         * spin, yield the core to it instead of burning the time slice.
         */
        private void lockContended() {
            int spins = 0;
            while (!LOCKED.compareAndSet(this, 0, 1)) {
                if (++spins < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }

        /** A release store, paired with the next holder's compare-and-set: what was written inside is seen. */
        void unlock() {
            LOCKED.setRelease(this, 0);
        }
    }
}
