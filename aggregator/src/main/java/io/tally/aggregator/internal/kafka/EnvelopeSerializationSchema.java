package io.tally.aggregator.internal.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;

/**
 * Writes an {@link Envelope} to its topic: placed by {@link Envelope#partitionBy} when set (murmur2 of it, as Kafka's
 * own partitioner hashes keys), otherwise by Kafka's default partitioner on the key.
 */
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
        Integer partition = null;
        if (e.partitionBy != null) {
            int[] partitions = context.getPartitionsForTopic(e.topic);
            if (partitions.length > 0) {
                byte[] by = e.partitionBy.getBytes(StandardCharsets.UTF_8);
                partition = partitions[Utils.toPositive(Utils.murmur2(by)) % partitions.length];
            }
        }
        return new ProducerRecord<>(e.topic, partition, null, e.key, e.value, headers);
    }
}
