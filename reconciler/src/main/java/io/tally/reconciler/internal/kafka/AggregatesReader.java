package io.tally.reconciler.internal.kafka;

import io.tally.core.CodecException;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.WireMessage;
import io.tally.core.codec.AuditCodec;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code tally.aggregates} in the reconciler's consumer group. Each partition it is assigned is read from its
 * beginning: the topic is compacted and holds the latest cumulative aggregate of every key, so replaying it
 * rebuilds the reconciler's state after a restart or a rebalance (the cost is the retained topic-buckets, not
 * messages). Malformed messages are counted and skipped. Used by one thread.
 */
public final class AggregatesReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AggregatesReader.class);

    /** What one poll brought. */
    public interface Handler {
        void aggregate(TierAggregate aggregate);

        void progress(TierProgress progress);

        /**
         * The partitions holding these topics went to another instance (or were lost): forget them. Called from
         * within {@link #poll}, on the polling thread.
         */
        default void revoked(Set<String> topics) {}
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    /** Per assigned partition, the end offset it had when assigned: what it held then is read once this is reached. */
    private final ReplayTarget replayTo = new ReplayTarget();

    private boolean assignedOnce;
    /** The audited topics read from each assigned partition: what to forget when it is revoked. */
    private final Map<TopicPartition, Set<String>> topicsByPartition = new HashMap<>();

    private Handler handler;
    /** Counts assignments; a reconciler reloads what the store knows when it changes. */
    private int assignments;

    private long malformed;

    public AggregatesReader(Map<String, Object> consumerConfig, String topic) {
        this.consumer = new KafkaConsumer<>(consumerConfig);
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // nothing to hand over: the next owner replays the partition; this one forgets its topics
                Set<String> topics = new HashSet<>();
                for (TopicPartition tp : partitions) {
                    replayTo.remove(tp);
                    Set<String> held = topicsByPartition.remove(tp);
                    if (held != null) {
                        topics.addAll(held);
                    }
                }
                if (!topics.isEmpty() && handler != null) {
                    LOG.info("Partitions {} went elsewhere: forgetting {} topics", partitions, topics.size());
                    handler.revoked(topics);
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                consumer.seekToBeginning(partitions);
                replayTo.add(consumer, partitions);
                assignedOnce = true;
                assignments++;
                LOG.info("Reading {} from the beginning", partitions);
            }
        });
    }

    private static final byte[] PROGRESS_KEY = "progress|".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Polls once and hands each message to {@code handler}; @return messages read */
    public int poll(Duration timeout, Handler handler) {
        return poll(timeout, handler, Long.MIN_VALUE);
    }

    /**
     * As {@link #poll(Duration, Handler)}, skipping undecoded the aggregates of buckets that start before
     * {@code skipBucketsBefore}, told by their key ({@code topic|tier|bucketStart}): a replay of the whole retention
     * decodes only what will be judged.
     */
    public int poll(Duration timeout, Handler handler, long skipBucketsBefore) {
        this.handler = handler;
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            n++;
            if (r.value() == null) {
                continue; // a tombstone
            }
            if (skipBucketsBefore != Long.MIN_VALUE && bucketStartOf(r.key()) < skipBucketsBefore) {
                continue;
            }
            try {
                WireMessage m = AuditCodec.decodeAggregatorMessage(r.value());
                if (m instanceof TierAggregate a) {
                    topicsOf(r).add(a.topic());
                    handler.aggregate(a);
                } else if (m instanceof TierProgress p) {
                    topicsOf(r).add(p.topic());
                    handler.progress(p);
                }
            } catch (CodecException e) {
                malformed++;
                LOG.debug(
                        "Skipping malformed message at {}-{}@{}: {}",
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        e.getMessage());
            }
        }
        return n;
    }

    /**
     * @return the bucket start in an aggregate's key, or {@link Long#MAX_VALUE} when the key is not one (a progress
     *         key {@code progress|tier|topic}, or anything unexpected: then the message is decoded)
     */
    static long bucketStartOf(byte[] key) {
        if (key == null || key.length < 2 || startsWith(key, PROGRESS_KEY)) {
            return Long.MAX_VALUE;
        }
        int at = key.length - 1;
        while (at >= 0 && key[at] != '|') {
            at--;
        }
        if (at < 0 || at == key.length - 1 || key.length - at > 21) {
            return Long.MAX_VALUE;
        }
        long value = 0;
        boolean negative = key[at + 1] == '-';
        for (int i = at + (negative ? 2 : 1); i < key.length; i++) {
            int digit = key[i] - '0';
            if (digit < 0 || digit > 9) {
                return Long.MAX_VALUE;
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every assigned partition has been read up to the end offset it had when it was assigned: until then a
     * bucket's state may hold one tier's progress without another tier's counts (they are in other partitions, or
     * further on in the same one), and judging it would report a loss that is only unread.
     *
     * @return false also before the first assignment
     */
    public boolean replayed() {
        if (!assignedOnce) {
            return false;
        }
        return replayTo.reached(consumer);
    }

    private Set<String> topicsOf(ConsumerRecord<?, ?> r) {
        return topicsByPartition.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new HashSet<>());
    }

    /** @return how many times partitions were assigned (a change means a rebalance brought partitions) */
    public int assignments() {
        return assignments;
    }

    /** @return malformed messages skipped */
    public long malformed() {
        return malformed;
    }

    /** Interrupts a blocked poll from another thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
