package io.tally.reconciler.internal.kafka;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the lag check saw of each consumer group's committed offsets on a topic, sample after sample, answered as of
 * {@code settleMs} ago. A commit is visible to the admin client the moment it is made, while the counts it releases
 * still travel through the agent's flush, the audit topic and the aggregator: a bucket judged on a commit seen just
 * now would be judged without them (a LOSS, resolved a moment later). So a group counts as at the end of a topic once
 * its offsets there have been at the end, unchanged, for {@code settleMs}, and the offsets it has committed are those
 * of the latest sample at least {@code settleMs} old. Thread-safe.
 */
final class CommitSamples {
    private final long settleMs;
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    /** @param settleMs how long after a commit is seen its counts have surely reached the aggregates */
    CommitSamples(long settleMs) {
        this.settleMs = settleMs;
    }

    /**
     * Records one sample of a group's commits on a topic.
     *
     * @param key     tier|topic
     * @param offsets partition → committed offset, of every partition of the topic the group has committed
     * @param atEnd   whether every one of them is at the partition's end (or short of it only by what the group is
     *                never given)
     * @param now     a monotonic clock, ms
     */
    void record(String key, Map<Integer, Long> offsets, boolean atEnd, long now) {
        Series s = series.computeIfAbsent(key, k -> new Series());
        synchronized (s) {
            Sample latest = s.samples.peekLast();
            if (latest == null || !latest.offsets().equals(offsets)) {
                s.stableSince = now;
            }
            s.atEnd = atEnd;
            s.samples.addLast(new Sample(now, Collections.unmodifiableMap(new TreeMap<>(offsets))));
            // keep the newest sample that has settled, and the ones after it
            while (s.samples.size() > 1 && secondOf(s.samples).at() <= now - settleMs) {
                s.samples.pollFirst();
            }
        }
    }

    private static Sample secondOf(ArrayDeque<Sample> samples) {
        var it = samples.iterator();
        it.next();
        return it.next();
    }

    /** Forgets a group's commits on a topic (it has none there any more). */
    void forget(String key) {
        series.remove(key);
    }

    /** Forgets everything (the cluster could not be asked: nothing is known until it can). */
    void clear() {
        series.clear();
    }

    /**
     * @return null when nothing is known of the group's commits on the topic; else whether they have been at the end,
     *     unchanged, for {@code settleMs}
     */
    Boolean caughtUp(String key, long now) {
        Series s = series.get(key);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            return s.atEnd && now - s.stableSince >= settleMs;
        }
    }

    /** @return how long the group's commits on the topic have stood still, as sampled; 0 when nothing is known */
    long unchangedFor(String key, long now) {
        Series s = series.get(key);
        if (s == null) {
            return 0;
        }
        synchronized (s) {
            return now - s.stableSince;
        }
    }

    /**
     * @return null when nothing is known of the group's commits on the topic; else its committed offsets as of the
     *     latest sample at least {@code settleMs} old, empty when every sample is younger
     */
    Map<Integer, Long> committedOffsets(String key, long now) {
        Series s = series.get(key);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            Map<Integer, Long> settled = Map.of();
            for (Sample sample : s.samples) {
                if (sample.at() > now - settleMs) {
                    break;
                }
                settled = sample.offsets();
            }
            return settled;
        }
    }

    private record Sample(long at, Map<Integer, Long> offsets) {}

    /** One group's samples on one topic, oldest first. */
    private static final class Series {
        private final ArrayDeque<Sample> samples = new ArrayDeque<>();
        private long stableSince;
        private boolean atEnd;
    }
}
