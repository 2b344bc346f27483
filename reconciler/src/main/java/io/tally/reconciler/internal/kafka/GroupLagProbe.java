package io.tally.reconciler.internal.kafka;

import io.tally.core.kafka.TransactionalWriters;
import io.tally.reconciler.internal.state.LagView;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether consumer groups have consumed a topic to its log end, as Burrow tells: a tier named
 * {@code consumer.<group>} is caught up on a topic when the group's committed offset of every partition of the topic
 * it has committed is at the partition's end, or short of it only by what the group is never given (transaction
 * markers, and aborted records for a read_committed group: {@link TailCheck}, asked once the group's commit there has
 * stood still for a check), and has stood there for the settle time ({@link CommitSamples}: the counts of the last
 * commit must have arrived first). Unknown (null) for other tiers, for groups without commits on the topic, and when
 * the admin client fails. {@link #refresh} runs the admin calls; {@link #caughtUp} and {@link #committedOffsets} read
 * the last answers and are thread-safe.
 */
public final class GroupLagProbe implements LagView, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupLagProbe.class);
    private static final String CONSUMER_PREFIX = "consumer.";
    /** How long a topic found without transactions goes before it is asked about again. */
    static final long RECHECK_MS = 30_000;
    /** How often the offsets of partitions a log tier has not started reading are asked for. */
    static final long UNREAD_RECHECK_MS = 1_000;
    /** How long after a failed question it is asked again. */
    private static final long RETRY_MS = 2_000;

    private final Admin admin;
    private final Duration timeout;
    /** topic → partition → its earliest offset, for the partitions of groups behind the end, as last asked */
    private volatile Map<String, Map<Integer, Long>> logStarts = Map.of();
    /** tier|topic → the group's commits there, sample after sample */
    private final CommitSamples commits;
    /** a monotonic clock, ms */
    private final LongSupplier clock;

    private final TailCheck tails;
    /** group|topic-partition → its committed offset at the previous check */
    private Map<String, Long> previousCommits = new HashMap<>();
    /** Topics the brokers said are written in transactions; once said, for good. */
    private final Set<String> transactional = ConcurrentHashMap.newKeySet();
    /** tier|topic of the consumer-group tiers whose group had no committed offset on the topic when last asked */
    private final Set<String> withoutOffsets = ConcurrentHashMap.newKeySet();
    /** Topics with read_committed readers that were not transactional when last asked, with when (monotonic ms) */
    private final Map<String, Long> notTransactionalAt = new HashMap<>();
    /** topic → its partition count, as last described */
    private final Map<String, Integer> partitionCounts = new HashMap<>();
    /** log tier|topic → partitions with records that tier has not started reading */
    private final Map<String, Set<Integer>> unread = new ConcurrentHashMap<>();
    /** log tier|topic → when (monotonic ms) its unread partitions were last asked about */
    private final Map<String, Long> unreadAskedAt = new HashMap<>();

    /**
     * @param tails  reads what lies between a commit and the end, or null to take any gap as lag
     * @param settle how long after a commit is seen the counts it released have reached the aggregates (a couple of
     *               agent flush intervals and the aggregator's emit interval): a group's commits are answered as of
     *               that long ago
     */
    public GroupLagProbe(Map<String, Object> adminConfig, Duration timeout, TailCheck tails, Duration settle) {
        this(adminConfig, timeout, tails, settle, () -> System.nanoTime() / 1_000_000);
    }

    /** As {@link #GroupLagProbe(Map, Duration, TailCheck, Duration)} on the given monotonic clock (ms). */
    GroupLagProbe(
            Map<String, Object> adminConfig, Duration timeout, TailCheck tails, Duration settle, LongSupplier clock) {
        this.admin = Admin.create(adminConfig);
        this.timeout = timeout;
        this.tails = tails;
        this.commits = new CommitSamples(settle.toMillis());
        this.clock = clock;
    }

    /** At the end once its commits have stood there, unchanged, for the settle time ({@link CommitSamples}). */
    @Override
    public Boolean caughtUp(String tier, String topic) {
        return commits.caughtUp(tier + '|' + topic, clock.getAsLong());
    }

    /** As of the settle time ago ({@link CommitSamples}). */
    @Override
    public Map<Integer, Long> committedOffsets(String tier, String topic) {
        return commits.committedOffsets(tier + '|' + topic, clock.getAsLong());
    }

    @Override
    public long commitsUnchangedMs(String tier, String topic) {
        return commits.unchangedFor(tier + '|' + topic, clock.getAsLong());
    }

    @Override
    public Map<Integer, Long> logStartOffsets(String topic) {
        return logStarts.getOrDefault(topic, Map.of());
    }

    @Override
    public boolean transactional(String topic) {
        return transactional.contains(topic);
    }

    @Override
    public boolean withoutOffsets(String tier, String topic) {
        return withoutOffsets.contains(tier + '|' + topic);
    }

    @Override
    public Set<Integer> unreadPartitions(String tier, String topic) {
        return unread.getOrDefault(tier + '|' + topic, Set.of());
    }

    /**
     * Asks which partitions hold records that a log tier has not started reading, for each (log tier, topic) where
     * it has started fewer partitions than the topic has: a topic's partition count once, the partitions' earliest
     * and latest offsets at most every {@link #UNREAD_RECHECK_MS} while some are not started. Called before every
     * evaluation; asks nothing once the log tiers read every partition.
     *
     * @param startedByTierTopic log tier|topic → the partitions that tier has started reading
     */
    public void refreshUnread(Map<String, Set<Integer>> startedByTierTopic) {
        long now = System.nanoTime() / 1_000_000; // an interval, not a time of day
        unread.keySet().retainAll(startedByTierTopic.keySet());
        unreadAskedAt.keySet().retainAll(startedByTierTopic.keySet());
        try {
            Set<String> undescribed = new HashSet<>();
            startedByTierTopic.keySet().forEach(key -> {
                String topic = key.substring(key.indexOf('|') + 1);
                if (!partitionCounts.containsKey(topic)) {
                    undescribed.add(topic);
                }
            });
            if (!undescribed.isEmpty()) {
                admin.describeTopics(undescribed).topicNameValues().forEach((topic, f) -> {
                    try {
                        partitionCounts.put(
                                topic,
                                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                                        .partitions()
                                        .size());
                    } catch (Exception gone) {
                        // asked again at the next evaluation
                    }
                });
            }
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<String, Set<Integer>> missingByKey = new HashMap<>();
            startedByTierTopic.forEach((key, started) -> {
                String topic = key.substring(key.indexOf('|') + 1);
                Integer count = partitionCounts.get(topic);
                if (count == null || started.size() >= count) {
                    unread.remove(key);
                    return;
                }
                Long askedAt = unreadAskedAt.get(key);
                if (askedAt != null && now - askedAt < UNREAD_RECHECK_MS) {
                    return;
                }
                unreadAskedAt.put(key, now);
                Set<Integer> missing = new HashSet<>();
                for (int p = 0; p < count; p++) {
                    if (!started.contains(p)) {
                        missing.add(p);
                        earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
                    }
                }
                missingByKey.put(key, missing);
            });
            if (earliest.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            earliest.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var starts = admin.listOffsets(earliest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            var ends = admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            missingByKey.forEach((key, missing) -> {
                String topic = key.substring(key.indexOf('|') + 1);
                Set<Integer> withRecords = new HashSet<>();
                for (int p : missing) {
                    TopicPartition tp = new TopicPartition(topic, p);
                    if (starts.containsKey(tp)
                            && ends.get(tp).offset() > starts.get(tp).offset()) {
                        withRecords.add(p);
                    }
                }
                if (withRecords.isEmpty()) {
                    unread.remove(key);
                } else {
                    unread.put(key, Set.copyOf(withRecords));
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Asking which partitions the log tier has not read yet failed; asking again: {}", e.toString());
        }
    }

    /** Asks the cluster about each (tier, topic) pair: tiers per topic, none reading committed records only. */
    public void refresh(Map<String, Set<String>> tiersByTopic) {
        refresh(tiersByTopic, (tier, topic) -> false);
    }

    /**
     * Asks the cluster about each (tier, topic) pair.
     *
     * @param tiersByTopic  tiers per topic
     * @param readCommitted whether a tier reads a topic with {@code isolation.level=read_committed}
     */
    public void refresh(Map<String, Set<String>> tiersByTopic, BiPredicate<String, String> readCommitted) {
        Map<String, Long> seen = new HashMap<>();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committedByGroup = new HashMap<>();
        Map<TopicPartition, Long> ends = new HashMap<>();
        Map<TopicPartition, OffsetSpec> behind = new HashMap<>();
        long now = clock.getAsLong();
        try {
            for (Map.Entry<String, Set<String>> e : tiersByTopic.entrySet()) {
                for (String tier : e.getValue()) {
                    if (!tier.startsWith(CONSUMER_PREFIX)) {
                        continue;
                    }
                    String group = tier.substring(CONSUMER_PREFIX.length());
                    Map<TopicPartition, OffsetAndMetadata> committed = committedByGroup.get(group);
                    if (committed == null) {
                        committed = admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata()
                                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                        committedByGroup.put(group, committed);
                    }
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    committed.keySet().stream()
                            .filter(tp -> tp.topic().equals(e.getKey()) && !ends.containsKey(tp))
                            .forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                    if (!latest.isEmpty()) {
                        ListOffsetsResult result = admin.listOffsets(latest);
                        for (TopicPartition tp : latest.keySet()) {
                            ends.put(
                                    tp,
                                    result.partitionResult(tp)
                                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                                            .offset());
                        }
                    }
                    Boolean atEnd = null;
                    Map<Integer, Long> offsets = new TreeMap<>();
                    for (Map.Entry<TopicPartition, OffsetAndMetadata> c : committed.entrySet()) {
                        if (c.getKey().topic().equals(e.getKey()) && c.getValue() != null) {
                            long offset = c.getValue().offset();
                            offsets.put(c.getKey().partition(), offset);
                            long end = ends.get(c.getKey());
                            String key = group + '|' + c.getKey();
                            seen.put(key, offset);
                            boolean here = offset >= end
                                    || tails != null
                                            && Long.valueOf(offset).equals(previousCommits.get(key))
                                            && tails.nothingToRead(
                                                    c.getKey(), offset, end, readCommitted.test(tier, e.getKey()));
                            atEnd = atEnd == null ? here : atEnd && here;
                            if (!here) {
                                behind.put(c.getKey(), OffsetSpec.earliest());
                            }
                        }
                    }
                    if (atEnd == null) {
                        commits.forget(tier + '|' + e.getKey());
                        withoutOffsets.add(tier + '|' + e.getKey());
                    } else {
                        withoutOffsets.remove(tier + '|' + e.getKey());
                        commits.record(tier + '|' + e.getKey(), offsets, atEnd, now);
                    }
                }
            }
            previousCommits = seen;
            logStarts = earliest(behind);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            commits.clear();
            LOG.warn("Checking consumer group offsets failed; lag unknown until the next check: {}", e.toString());
        }
    }

    /** @return topic → partition → the earliest offset still in the log, of {@code partitions} */
    private Map<String, Map<Integer, Long>> earliest(Map<TopicPartition, OffsetSpec> partitions) throws Exception {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<String, Map<Integer, Long>> out = new HashMap<>();
        admin.listOffsets(partitions)
                .all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((tp, info) ->
                        out.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), info.offset()));
        return out;
    }

    /**
     * Asks the brokers which topics read by a {@code read_committed} tier are written in transactions: a topic as
     * soon as such a tier reads it (called before every evaluation, so that it is known before the tier is judged
     * for the first time), then again every {@link #RECHECK_MS} while it is not. Asks nothing when nothing is due.
     */
    public void refreshTransactional(Map<String, Set<String>> tiersByTopic, BiPredicate<String, String> readCommitted) {
        long now = System.nanoTime() / 1_000_000; // an interval, not a time of day
        Set<String> ask = new HashSet<>();
        tiersByTopic.forEach((topic, tiers) -> {
            Long askedAt = notTransactionalAt.get(topic);
            if (!transactional.contains(topic)
                    && (askedAt == null || now - askedAt >= RECHECK_MS)
                    && tiers.stream().anyMatch(tier -> readCommitted.test(tier, topic))) {
                ask.add(topic);
            }
        });
        if (ask.isEmpty()) {
            return;
        }
        Set<String> found;
        try {
            found = TransactionalWriters.topicsWithTransactions(admin, ask, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            LOG.warn(
                    "Asking which topics are written in transactions failed; asking again in {} ms: {}",
                    RETRY_MS,
                    e.toString());
            ask.forEach(topic -> notTransactionalAt.put(topic, now - RECHECK_MS + RETRY_MS));
            return;
        }
        for (String topic : ask) {
            if (found.contains(topic)) {
                transactional.add(topic);
                notTransactionalAt.remove(topic);
                LOG.info(
                        "{} is written in transactions: its read_committed readers are compared with log.committed",
                        topic);
            } else {
                notTransactionalAt.put(topic, now);
            }
        }
    }

    @Override
    public void close() {
        admin.close(timeout);
        if (tails != null) {
            tails.close();
        }
    }
}
