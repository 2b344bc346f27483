package io.tally.reconciler.internal.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether the offsets between a group's committed offset and a partition's end hold nothing the group would read.
 * On a topic written by transactional producers the log ends with a transaction marker, which no consumer is given:
 * a group that commits after each poll that returned records stays one offset (or a few) short of the end for good,
 * and, reading {@code read_committed}, short of the aborted records it skipped too. Such a group has read everything
 * there is. The check reads the range once, with the group's isolation level, and remembers the answer for that
 * range. A read_committed group behind an open transaction cannot read to the end yet: the check asks for the last
 * stable offset first and, while it is short of the end, answers "not at the end" without reading or remembering
 * (the reconciler's loop does not wait on it). Not thread-safe: the reconciler's loop calls it.
 */
public final class TailCheck implements AutoCloseable {
    /** The longest range read: a group further behind is not at the end, whatever the range holds. */
    public static final long MAX_RANGE = 10_000;

    private static final int MAX_ANSWERS = 10_000;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long MAX_READ_MS = 2_000;
    private static final Duration READ_TIMEOUT = Duration.ofMillis(MAX_READ_MS);

    private final Map<String, Object> consumerConfig;
    private final Map<Boolean, KafkaConsumer<byte[], byte[]>> consumers = new HashMap<>();
    private final Map<String, Boolean> answers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_ANSWERS;
        }
    };

    private long polls;

    /** @param consumerConfig a consumer of bytes without a group ({@link KafkaClients#consumer}) */
    public TailCheck(Map<String, Object> consumerConfig) {
        this.consumerConfig = consumerConfig;
    }

    /**
     * @param from          the group's committed offset, below {@code end}
     * @param end           the partition's end offset
     * @param readCommitted whether the group reads with {@code isolation.level=read_committed}
     * @return whether a reader of that isolation level gets no record in {@code [from, end)}: false when the range
     *         is longer than {@link #MAX_RANGE}, or could not be read to its end (an open transaction holds a
     *         read_committed reader back; the cluster did not answer in time)
     */
    public boolean nothingToRead(TopicPartition partition, long from, long end, boolean readCommitted) {
        if (end - from > MAX_RANGE || from >= end) {
            return from >= end;
        }
        String key = partition + "|" + from + "|" + end + "|" + readCommitted;
        Boolean known = answers.get(key);
        if (known != null) {
            return known;
        }
        KafkaConsumer<byte[], byte[]> consumer = consumer(readCommitted);
        if (readCommitted && !stableToTheEnd(consumer, partition, end)) {
            return false; // an open transaction: its outcome changes the end, and the answer
        }
        boolean answer = read(consumer, partition, from, end);
        answers.put(key, answer);
        return answer;
    }

    /** @return the polls made so far (each waits up to 100 ms on the reconciler's loop) */
    public long polls() {
        return polls;
    }

    private KafkaConsumer<byte[], byte[]> consumer(boolean readCommitted) {
        return consumers.computeIfAbsent(readCommitted, rc -> {
            Map<String, Object> c = new HashMap<>(consumerConfig);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, rc ? "read_committed" : "read_uncommitted");
            c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
            c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1 << 20);
            return new KafkaConsumer<>(c);
        });
    }

    /** A read_committed consumer's end offset is the last stable offset: below the end while a transaction is open. */
    private static boolean stableToTheEnd(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long end) {
        try {
            Long stable = consumer.endOffsets(List.of(partition), READ_TIMEOUT).get(partition);
            return stable != null && stable >= end;
        } catch (KafkaException e) {
            return false; // not answered in time: not known to be at the end
        }
    }

    private boolean read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long from, long end) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        long deadline = System.nanoTime() + MAX_READ_MS * 1_000_000;
        while (System.nanoTime() < deadline) {
            polls++;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(partition)) {
                if (r.offset() < end) {
                    return false;
                }
            }
            if (consumer.position(partition, POLL) >= end) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        consumers.values().forEach(c -> c.close(Duration.ofSeconds(5)));
        consumers.clear();
    }
}
