package io.tally.reconciler.internal.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.reconciler.AlertSink;
import io.tally.reconciler.AlertSinkContract;
import io.tally.storage.DiscrepancyStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The Kafka sink against Kafka's own {@link MockProducer}: one that acknowledges every record, one that never does. */
class KafkaAlertSinkTest extends AlertSinkContract {
    private final MockProducer<byte[], byte[]> producer = producer(true);

    private static MockProducer<byte[], byte[]> producer(boolean acknowledges) {
        return new MockProducer<>(acknowledges, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    protected AlertSink newSink() {
        return new KafkaAlertSink(producer, "tally.alerts", Duration.ofSeconds(5));
    }

    @Override
    protected List<String> delivered() {
        return producer.history().stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }

    @Override
    protected Optional<AlertSink> sinkThatCannotDeliver() {
        return Optional.of(new KafkaAlertSink(producer(false), "tally.alerts", Duration.ofMillis(50)));
    }

    @Test
    void writes_the_alert_s_json_keyed_by_topic_and_edge() {
        try (AlertSink sink = newSink()) {
            sink.send(alert(DiscrepancyStatus.OPEN));
        }

        ProducerRecord<byte[], byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo("tally.alerts");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("orders|log|consumer.x");
        assertThat(new String(record.value(), StandardCharsets.UTF_8))
                .startsWith("{\"text\":\"LOSS on topic orders")
                .contains("\"status\":\"OPEN\"");
        assertThat(producer.closed()).isTrue();
    }
}
