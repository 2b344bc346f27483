package io.tally.reconciler.internal.alert;

import io.tally.reconciler.Alert;
import io.tally.reconciler.AlertDeliveryException;
import io.tally.reconciler.AlertSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes each alert's JSON to a Kafka topic, keyed {@code topic|upstreamTier|downstreamTier}. */
public final class KafkaAlertSink implements AlertSink {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Duration timeout;

    public KafkaAlertSink(Producer<byte[], byte[]> producer, String topic, Duration timeout) {
        this.producer = producer;
        this.topic = topic;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void send(Alert alert) {
        try {
            producer.send(new ProducerRecord<>(
                            topic,
                            alert.key().getBytes(StandardCharsets.UTF_8),
                            alert.toJson().getBytes(StandardCharsets.UTF_8)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlertDeliveryException("interrupted while writing an alert to " + topic, e);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw new AlertDeliveryException("writing an alert to topic " + topic + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close(timeout);
    }
}
