package io.tally.reconciler.internal.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The end offsets partitions had when a consumer was given them: once its position reaches them in every one, it has
 * read what they held then. Used by one thread, the consumer's.
 */
final class ReplayTarget {
    private final Map<TopicPartition, Long> ends = new HashMap<>();

    /** Remembers the current end offsets of {@code partitions} as what is to be read. */
    void add(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        ends.putAll(consumer.endOffsets(partitions));
    }

    void remove(TopicPartition partition) {
        ends.remove(partition);
    }

    /** @return whether the consumer's position has reached every remembered end offset */
    boolean reached(Consumer<?, ?> consumer) {
        ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        return ends.isEmpty();
    }
}
