package io.tally.agent.internal;

import io.tally.core.CountingMode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of one agent in one counting mode, per topic, since the last {@link #drain()}. Thread-safe: each topic
 * is guarded by its own short critical section, so threads counting different topics never meet, and the
 * emitter's drain only swaps a reference under the lock.
 */
public final class TierCounter {
    private final CountingRules rules;
    private final CountingMode mode;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private final LongAdder dropped;
    /**
     * The topic counted last. Racy on purpose: a stale value is still a valid entry of {@link #topics} (entries are
     * never replaced), and it spares the map lookup for the common run of messages of one topic.
     */
    private Topic last;

    TierCounter(CountingRules rules, CountingMode mode, LongAdder dropped) {
        this.rules = rules;
        this.mode = mode;
        this.dropped = dropped;
    }

    CountingMode mode() {
        return mode;
    }

    /** Counts one message; if the bucket bound is reached it is dropped and counted as dropped. */
    public void count(String topic, long eventTime, long now, long bytes, long id) {
        Topic t = topic(topic);
        boolean counted;
        synchronized (t) {
            counted = t.current.count(eventTime, now, bytes, id);
        }
        if (!counted) {
            dropped.increment();
        }
    }

    public void countFailed(String topic, long now) {
        Topic t = topic(topic);
        boolean counted;
        synchronized (t) {
            counted = t.current.countFailed(now);
        }
        if (!counted) {
            dropped.increment();
        }
    }

    /** Adds a set counted elsewhere (a consumer's committed segment). */
    void absorb(String topic, BucketSet counted) {
        Topic t = topic(topic);
        synchronized (t) {
            t.current.absorb(counted);
        }
    }

    /** @return per topic, the buckets counted since the last drain; the counter starts afresh */
    Map<String, List<BucketCounts>> drain() {
        Map<String, List<BucketCounts>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Topic> e : topics.entrySet()) {
            Topic t = e.getValue();
            BucketSet taken;
            synchronized (t) {
                if (t.current.isEmpty()) {
                    continue;
                }
                taken = t.current;
                t.current = new BucketSet(rules);
                t.watermark = Math.max(t.watermark, taken.maxEventTime());
            }
            out.put(e.getKey(), taken.release());
        }
        return out;
    }

    /** @return per topic, the highest event time counted so far (drained or not) */
    Map<String, Long> watermarks() {
        Map<String, Long> out = new LinkedHashMap<>();
        topics.forEach((name, t) -> {
            long mark;
            synchronized (t) {
                mark = Math.max(t.watermark, t.current.maxEventTime());
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

    private static final class Topic {
        final String name;
        BucketSet current;
        long watermark = EventTimeSource.NONE;

        Topic(String name, BucketSet current) {
            this.name = name;
            this.current = current;
        }
    }
}
