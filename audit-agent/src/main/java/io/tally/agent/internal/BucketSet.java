package io.tally.agent.internal;

import io.tally.core.counting.BucketCounts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;

/**
 * The open buckets of one topic: what was counted since the set was created. Not thread-safe; its owner guards
 * it. Almost every message falls in the bucket of the previous one, so that bucket is remembered.
 */
final class BucketSet {
    private final AgentCountingRules rules;
    private final HashMap<Long, BucketCounts> buckets = new HashMap<>();
    private BucketCounts last;
    private long maxEventTime = EventTimeSource.NONE;

    BucketSet(AgentCountingRules rules) {
        this.rules = rules;
    }

    /**
     * Counts one message observed at {@code now}.
     *
     * @return false if it could not be counted because the agent's bucket bound is reached
     */
    boolean count(long eventTime, long now, long bytes, long id) {
        return count(eventTime, now, bytes, id, -1, -1);
    }

    /**
     * Counts one message, and where {@code partition} is not negative, notes its offset there in its bucket (a
     * producer's acknowledged records: the reconciler tells by them which of a bucket's records the log tier started
     * reading after).
     *
     * @return false when the bucket bound is reached (the message is not counted)
     */
    boolean count(long eventTime, long now, long bytes, long id, int partition, long offset) {
        BucketCounts b = last;
        // the previous message's bucket, recognised without the division that computing a start takes (a message
        // without event time never falls in it: NONE is below every bucket)
        if (b != null
                && eventTime >= b.bucketStart()
                && eventTime - b.bucketStart() < rules.bucketMs
                && !rules.isSkewed(eventTime, now)) {
            b.add(bytes, now - eventTime, id);
        } else {
            b = bucket(rules.tiers.bucketOf(eventTime, now));
            if (b == null) {
                return false;
            }
            if (!b.count(eventTime, now, bytes, id, rules.tiers)) {
                return true; // counted apart: it moves no watermark
            }
        }
        if (partition >= 0) {
            b.offset(partition, offset);
        }
        if (eventTime > maxEventTime) {
            maxEventTime = eventTime;
        }
        return true;
    }

    /** Counts a failed send, in the bucket of the agent's clock. */
    boolean countFailed(long now) {
        BucketCounts b = bucket(rules.bucketStart(now));
        if (b == null) {
            return false;
        }
        b.countFailed();
        return true;
    }

    /** Adds everything of {@code other} into this set; {@code other} must not be used afterwards. */
    void absorb(BucketSet other) {
        for (BucketCounts theirs : other.buckets.values()) {
            BucketCounts mine = buckets.get(theirs.bucketStart());
            if (mine == null) {
                buckets.put(theirs.bucketStart(), theirs);
            } else {
                mine.mergeFrom(theirs);
                rules.budget.release(1);
            }
        }
        maxEventTime = Math.max(maxEventTime, other.maxEventTime);
        other.buckets.clear();
        other.last = null;
    }

    /** @return the buckets, handing their budget back: the set must not be used afterwards */
    List<BucketCounts> release() {
        List<BucketCounts> out = new ArrayList<>(buckets.values());
        rules.budget.release(out.size());
        buckets.clear();
        last = null;
        return out;
    }

    boolean isEmpty() {
        return buckets.isEmpty();
    }

    long maxEventTime() {
        return maxEventTime;
    }

    Collection<BucketCounts> buckets() {
        return buckets.values();
    }

    private BucketCounts bucket(long start) {
        BucketCounts b = last;
        if (b != null && b.bucketStart() == start) {
            return b;
        }
        b = buckets.get(start);
        if (b == null) {
            if (!rules.budget.tryAcquire()) {
                return null;
            }
            b = rules.tiers.newBucket(start);
            buckets.put(start, b);
        }
        last = b;
        return b;
    }
}
