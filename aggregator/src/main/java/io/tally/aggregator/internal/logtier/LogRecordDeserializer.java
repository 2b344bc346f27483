package io.tally.aggregator.internal.logtier;

import io.tally.core.AuditIds;
import io.tally.core.EventTimeSpec;
import io.tally.core.EventTimes;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns an audited record into a {@link LogObservation} from its timestamp, headers and sizes; the value is parsed
 * only when the event time is a JSON field (and the producer agent did not copy it to the {@code tally.et} header).
 */
public final class LogRecordDeserializer implements KafkaRecordDeserializationSchema<LogObservation> {
    private static final long serialVersionUID = 1L;
    private final EventTimeSpec eventTime;

    public LogRecordDeserializer(EventTimeSpec eventTime) {
        this.eventTime = eventTime;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<LogObservation> out) {
        Header idHeader = record.headers().lastHeader(AuditIds.HEADER);
        long id = AuditIds.of(
                idHeader == null ? null : idHeader.value(), record.topic(), record.partition(), record.offset());
        long bytes = Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
        out.collect(
                new LogObservation(record.topic(), record.partition(), record.offset(), eventTime(record), id, bytes));
    }

    long eventTime(ConsumerRecord<byte[], byte[]> record) {
        if (eventTime.header() != null) {
            Header h = record.headers().lastHeader(eventTime.header());
            return h == null ? EventTimes.NONE : EventTimes.fromHeader(h.value());
        }
        if (eventTime.readsValue()) {
            Header copied = record.headers().lastHeader(EventTimes.HEADER);
            if (copied != null) {
                long t = EventTimes.fromHeader(copied.value());
                if (t != EventTimes.NONE) {
                    return t;
                }
            }
            return eventTime.fromJson(record.value());
        }
        return record.timestamp() >= 0 ? record.timestamp() : EventTimes.NONE;
    }

    @Override
    public TypeInformation<LogObservation> getProducedType() {
        return TypeInformation.of(LogObservation.class);
    }
}
