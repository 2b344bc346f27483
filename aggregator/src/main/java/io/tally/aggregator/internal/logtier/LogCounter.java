package io.tally.aggregator.internal.logtier;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditMessage;
import io.tally.core.CountingMode;
import io.tally.core.EventTimes;
import io.tally.core.Heartbeat;
import io.tally.core.counting.BucketCounts;
import io.tally.core.counting.CountingRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one log-tier agent counted since its last drain, per (topic, bucket), with the agents' rules and counters
 * ({@link CountingRules}, {@link BucketCounts}): a message without an event time, or with one beyond the skew bounds,
 * is counted apart in the bucket of the observation time. Its heartbeat carries a watermark per partition it reads now,
 * like a consumer's: a partition with no record
 * for {@code partitionIdleMs} (caught up, or moved to another subtask) is left out, so an idle partition never holds
 * the tier back. Each bucket's counts carry the lowest offset counted per partition, which tells the reconciler
 * whether a consumer tier that started at some offset can have read the whole bucket; and its heartbeat the lowest
 * offset it read of every partition (its start offsets), which tells the reconciler which partitions it has not
 * started reading yet (a topic just found, read partition by partition).
 *
 * <p>The tier {@code log} also notices records it never saw: offsets that a partition skips (records deleted before
 * it read them — Kafka Streams purging a repartition topic while the log tier lagged, a short retention — or removed
 * by compaction). It reports the number missing in each bucket the gap spans, as what it could not count there
 * ({@code droppedByBucket} in its heartbeats, cumulative): the other tiers' counts of those records are then an audit
 * gap, not a loss on {@code producer → log} nor a duplication on every group. A gap of one offset is a transaction's
 * marker, not a record, and is not reported; {@code log.committed} skips aborted records by design and reports none
 * while it reads. After a restore ({@link #resume}) both tiers report what lies between the position they were restored
 * to and the first record they read again: records deleted while the job was down (Kafka Streams purges its
 * repartition topics every 30 s), which Kafka skips by moving the reader to the log's new start. Not thread-safe.
 */
public final class LogCounter {
    /** The tier the log-tier auditor reports as: everything appended, as a read_uncommitted reader sees it. */
    public static final String TIER = "log";
    /** The tier it reports as for what a read_committed reader sees (records of aborted transactions left out). */
    public static final String COMMITTED_TIER = "log.committed";

    private final String tier;
    private final CountingRules rules;
    private final Map<String, Map<Long, BucketCounts>> topics = new HashMap<>();
    private final long partitionIdleMs;
    /**
     * topic → partition → {highest event time counted, observation time of its last record, lowest offset read,
     * last offset read, the bucket of the last record, 1 while the next record is the first after a restore}
     */
    private final Map<String, Map<Integer, long[]>> partitions = new HashMap<>();
    /** topic → bucket start → records the tier never saw there (skipped offsets), cumulative, the recent buckets */
    private final Map<String, TreeMap<Long, Long>> unseen = new HashMap<>();
    /** records the tier never saw, in all */
    private long unseenRecords;
    /** Most buckets with unseen records kept per topic: the most recent ones. */
    static final int MAX_UNSEEN_BUCKETS = 1_000;

    private String lastPartitionTopic;
    private int lastPartition = -1;
    private long[] lastMarks;
    private String lastTopic;
    private Map<Long, BucketCounts> lastBuckets;
    private BucketCounts last;

    /** A counter of tier {@code log}. */
    public LogCounter(long bucketMs, int digestCells, long maxFutureMs, long maxPastMs, long partitionIdleMs) {
        this(TIER, bucketMs, digestCells, maxFutureMs, maxPastMs, partitionIdleMs);
    }

    /** @param tier {@link #TIER} or {@link #COMMITTED_TIER} */
    public LogCounter(
            String tier, long bucketMs, int digestCells, long maxFutureMs, long maxPastMs, long partitionIdleMs) {
        this.tier = tier;
        this.partitionIdleMs = partitionIdleMs;
        this.rules = new CountingRules(bucketMs, digestCells, maxFutureMs, maxPastMs);
    }

    /** Counts the message at {@code offset} of {@code partition}, observed at {@code now}. */
    public void count(String topic, int partition, long offset, long eventTime, long now, long bytes, long id) {
        long[] marks = marks(topic, partition);
        marks[1] = now;
        if (offset < marks[2]) {
            marks[2] = offset;
        }
        long bucket = rules.bucketOf(eventTime, now);
        if (marks[3] >= 0 && offset > marks[3] + 2 && (tier.equals(TIER) || marks[5] == 1)) {
            unseen(topic, marks[4], bucket, offset - marks[3] - 1);
        }
        marks[5] = 0;
        marks[3] = offset;
        marks[4] = bucket;
        BucketCounts c = counts(topic, bucket);
        if (c.count(eventTime, now, bytes, id, rules)) {
            c.offset(partition, offset);
            if (eventTime > marks[0]) {
                marks[0] = eventTime;
            }
        }
    }

    private long[] marks(String topic, int partition) {
        if (partition == lastPartition && topic.equals(lastPartitionTopic)) {
            return lastMarks;
        }
        long[] marks = partitions.computeIfAbsent(topic, t -> new HashMap<>()).computeIfAbsent(partition, p ->
                new long[] {EventTimes.NONE, Long.MIN_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE, 0});
        lastPartitionTopic = topic;
        lastPartition = partition;
        lastMarks = marks;
        return marks;
    }

    /**
     * Where the reading of each partition stood: what a checkpoint keeps, for {@link #resume} after a restore.
     *
     * @return topic → partition → {last offset read, bucket of that record}, for the partitions read since the start
     */
    public Map<String, Map<Integer, long[]>> positions() {
        Map<String, Map<Integer, long[]>> out = new TreeMap<>();
        partitions.forEach((topic, byPartition) -> byPartition.forEach((partition, marks) -> {
            if (marks[3] >= 0) {
                out.computeIfAbsent(topic, t -> new TreeMap<>()).put(partition, new long[] {marks[3], marks[4]});
            }
        }));
        return out;
    }

    /**
     * Takes up a partition where a checkpoint left its reading: the first record read of it then tells what was
     * skipped in between. Changes no count, watermark or start offset.
     *
     * @param lastOffset the last offset read before the checkpoint
     * @param lastBucket the bucket of that record
     */
    public void resume(String topic, int partition, long lastOffset, long lastBucket) {
        long[] marks = marks(topic, partition);
        if (lastOffset > marks[3]) {
            marks[3] = lastOffset;
            marks[4] = lastBucket;
            marks[5] = 1;
        }
    }

    /**
     * Notes {@code n} records never seen between a record of bucket {@code from} and one of bucket {@code to}: their
     * event times are not known, so each bucket the gap spans may hold all of them.
     */
    private void unseen(String topic, long from, long to, long n) {
        unseenRecords += n;
        TreeMap<Long, Long> buckets = unseen.computeIfAbsent(topic, t -> new TreeMap<>());
        long low = Math.min(from, to);
        long high = Math.max(from, to);
        low = Math.max(low, high - (MAX_UNSEEN_BUCKETS - 1) * rules.bucketMs());
        for (long b = low; b <= high; b += rules.bucketMs()) {
            buckets.merge(b, n, Long::sum);
        }
        while (buckets.size() > MAX_UNSEEN_BUCKETS) {
            buckets.pollFirstEntry();
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
        for (Map.Entry<String, Map<Long, BucketCounts>> t : new TreeMap<>(topics).entrySet()) {
            for (BucketCounts c : new TreeMap<>(t.getValue()).values()) {
                out.add(c.toRecord(agent, seq++, now, tier, t.getKey(), rules.bucketMs(), CountingMode.LOG));
            }
        }
        topics.clear();
        lastTopic = null;
        lastBuckets = null;
        last = null;
        Map<String, Long> watermarks = new TreeMap<>();
        Map<String, Map<Integer, Long>> readNow = new TreeMap<>();
        Map<String, Map<Integer, Long>> starts = new TreeMap<>();
        partitions.forEach((topic, byPartition) -> byPartition.forEach((partition, marks) -> {
            if (marks[2] == Long.MAX_VALUE) {
                return; // resumed, not read yet
            }
            starts.computeIfAbsent(topic, t -> new TreeMap<>()).put(partition, marks[2]);
            if (marks[0] != EventTimes.NONE) {
                watermarks.merge(topic, marks[0], Math::max);
            }
            if (now - marks[1] < partitionIdleMs) {
                readNow.computeIfAbsent(topic, t -> new TreeMap<>()).put(partition, marks[0]);
            }
        }));
        out.add(Heartbeat.builder(agent, tier)
                .seq(seq)
                .emittedAt(now)
                .watermarks(watermarks)
                .partitions(readNow)
                .closed(closed)
                .startOffsets(starts)
                .dropped(unseenRecords)
                .droppedByBucket(new TreeMap<String, Map<Long, Long>>(unseen))
                .build());
        return out;
    }

    /** @return whether nothing was counted since the last drain */
    public boolean isEmpty() {
        return topics.isEmpty();
    }

    private BucketCounts counts(String topic, long bucketStart) {
        if (last != null && last.bucketStart() == bucketStart && topic.equals(lastTopic)) {
            return last;
        }
        Map<Long, BucketCounts> buckets =
                topic.equals(lastTopic) ? lastBuckets : topics.computeIfAbsent(topic, k -> new HashMap<>());
        BucketCounts c = buckets.get(bucketStart);
        if (c == null) {
            c = rules.newBucket(bucketStart);
            buckets.put(bucketStart, c);
        }
        lastTopic = topic;
        lastBuckets = buckets;
        last = c;
        return c;
    }
}
