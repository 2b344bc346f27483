package io.tally.aggregator.internal.logtier;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.EventTimes;
import io.tally.core.Heartbeat;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one log-tier agent counted since its last drain, per (topic, bucket), with the agents' rules: a message
 * without an event time, or with one beyond the skew bounds, is counted apart in the bucket of the observation
 * time. Not thread-safe.
 */
public final class LogCounter {
    /** The tier the log-tier auditor reports as. */
    public static final String TIER = "log";

    private final long bucketMs;
    private final int digestCells;
    private final long maxFutureMs;
    private final long maxPastMs;
    private final Map<String, Map<Long, Counts>> topics = new HashMap<>();
    private final Map<String, Long> watermarks = new TreeMap<>();
    private String lastTopic;
    private Map<Long, Counts> lastBuckets;
    private Counts last;

    public LogCounter(long bucketMs, int digestCells, long maxFutureMs, long maxPastMs) {
        this.bucketMs = bucketMs;
        this.digestCells = digestCells;
        this.maxFutureMs = maxFutureMs;
        this.maxPastMs = maxPastMs;
    }

    /** Counts one message observed at {@code now}. */
    public void count(String topic, long eventTime, long now, long bytes, long id) {
        if (eventTime == EventTimes.NONE) {
            counts(topic, Bucket.startOf(now, bucketMs)).noTimestamp++;
            return;
        }
        if (eventTime > now + maxFutureMs || eventTime < now - maxPastMs) {
            counts(topic, Bucket.startOf(now, bucketMs)).skewed++;
            return;
        }
        Counts c = counts(topic, Bucket.startOf(eventTime, bucketMs));
        c.count++;
        c.bytes += bytes;
        c.latency.add(now - eventTime);
        if (c.digest != null) {
            c.digest.add(id);
        }
        Long mark = watermarks.get(topic);
        if (mark == null || eventTime > mark) {
            watermarks.put(topic, eventTime);
        }
    }

    /**
     * @param firstSeq the sequence number of the first message returned; the others follow densely
     * @param closed   whether the heartbeat is the agent's last
     * @return the audit records of everything counted since the last drain, then a heartbeat; the counter starts
     *         afresh (watermarks are kept)
     */
    public List<AuditMessage> drain(AgentIdentity agent, long firstSeq, long now, boolean closed) {
        List<AuditMessage> out = new ArrayList<>();
        long seq = firstSeq;
        for (Map.Entry<String, Map<Long, Counts>> t : new TreeMap<>(topics).entrySet()) {
            for (Map.Entry<Long, Counts> b : new TreeMap<>(t.getValue()).entrySet()) {
                Counts c = b.getValue();
                out.add(new AuditRecord(agent, seq++, now, TIER, t.getKey(), new Bucket(b.getKey(), bucketMs),
                        CountingMode.LOG, c.count, c.bytes, c.noTimestamp, c.skewed, 0, c.latency, c.digest));
            }
        }
        topics.clear();
        lastTopic = null;
        lastBuckets = null;
        last = null;
        out.add(new Heartbeat(agent, seq, now, TIER, watermarks, closed, 0));
        return out;
    }

    /** @return whether nothing was counted since the last drain */
    public boolean isEmpty() {
        return topics.isEmpty();
    }

    private Counts counts(String topic, long bucketStart) {
        if (last != null && last.bucketStart == bucketStart && topic.equals(lastTopic)) {
            return last;
        }
        Map<Long, Counts> buckets = topic.equals(lastTopic) ? lastBuckets
                : topics.computeIfAbsent(topic, k -> new HashMap<>());
        Counts c = buckets.get(bucketStart);
        if (c == null) {
            c = new Counts(bucketStart, digestCells);
            buckets.put(bucketStart, c);
        }
        lastTopic = topic;
        lastBuckets = buckets;
        last = c;
        return c;
    }

    private static final class Counts {
        final long bucketStart;
        long count;
        long bytes;
        long noTimestamp;
        long skewed;
        final LatencySketch latency = new LatencySketch();
        final IdDigest digest;

        Counts(long bucketStart, int digestCells) {
            this.bucketStart = bucketStart;
            this.digest = digestCells > 0 ? new IdDigest(digestCells) : null;
        }
    }
}
