package io.tally.aggregator.internal.kafka;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/** Writes an {@link Envelope} to its topic; Kafka's default partitioner places it by key. */
public final class EnvelopeSerializationSchema implements KafkaRecordSerializationSchema<Envelope> {
    private static final long serialVersionUID = 1L;

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Envelope e, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        if (e.reason != null) {
            headers.add(Envelope.REASON_HEADER, e.reason.getBytes(StandardCharsets.UTF_8));
        }
        if (e.origin != null) {
            headers.add(Envelope.ORIGIN_HEADER, e.origin.getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(e.topic, null, null, e.key, e.value, headers);
    }
}
