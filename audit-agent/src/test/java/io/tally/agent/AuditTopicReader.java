package io.tally.agent;

import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Heartbeat;
import io.tally.core.codec.AuditCodec;
import io.tally.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads and decodes {@code tally.audit} from the start, as the aggregator will. */
final class AuditTopicReader implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<AuditMessage> messages = new ArrayList<>();

    AuditTopicReader(String bootstrapServers) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        "bootstrap.servers",
                        bootstrapServers,
                        "group.id",
                        "audit-reader-" + System.nanoTime(),
                        "auto.offset.reset",
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of("tally.audit"));
    }

    /**
     * Reads until {@code done} holds for what was read.
     *
     * @throws AssertionError if it does not within {@code timeout}
     */
    List<AuditMessage> readUntil(Predicate<List<AuditMessage>> done, Duration timeout) {
        Eventually.await(timeout, Duration.ZERO, "audit messages the test waits for", () -> {
            if (done.test(messages)) {
                return true;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                messages.add(AuditCodec.decodeAuditMessage(r.value()));
            }
            return done.test(messages);
        });
        return messages;
    }

    static long closedAgents(List<AuditMessage> messages, String tier) {
        return messages.stream()
                .filter(m -> m instanceof Heartbeat h && h.closed() && h.tier().equals(tier))
                .count();
    }

    static long counted(List<AuditMessage> messages, String tier) {
        return records(messages, tier).stream().mapToLong(AuditRecord::count).sum();
    }

    static List<AuditRecord> records(List<AuditMessage> messages, String tier) {
        return messages.stream()
                .filter(m -> m instanceof AuditRecord r && r.tier().equals(tier))
                .map(m -> (AuditRecord) m)
                .toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
