package io.tally.aggregator.internal.kafka;

import io.tally.aggregator.internal.decode.AgentPeek;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * Passes the audit topic's records on undecoded, with the agent they are routed by; decoding happens after the
 * routing, in the function that owns the agent's dedup state and can dead-letter.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        RawRecord raw =
                new RawRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value());
        raw.agent = AgentPeek.agentOf(record.value());
        if (record.timestampType() == TimestampType.LOG_APPEND_TIME) {
            raw.appendedAt = record.timestamp();
        }
        out.collect(raw);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
