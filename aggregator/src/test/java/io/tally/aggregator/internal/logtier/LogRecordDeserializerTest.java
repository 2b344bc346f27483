package io.tally.aggregator.internal.logtier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AuditIds;
import io.tally.core.EventTimeSpec;
import io.tally.core.EventTimes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class LogRecordDeserializerTest {

    private static ConsumerRecord<byte[], byte[]> record(long timestamp, RecordHeaders headers, byte[] value) {
        return new ConsumerRecord<>(
                "orders",
                1,
                77,
                timestamp,
                TimestampType.CREATE_TIME,
                3,
                value == null ? -1 : value.length,
                "key".getBytes(StandardCharsets.UTF_8),
                value,
                headers,
                Optional.empty());
    }

    private static LogObservation read(String rule, ConsumerRecord<byte[], byte[]> record) {
        List<LogObservation> out = new ArrayList<>();
        new LogRecordDeserializer(EventTimeSpec.parse(rule))
                .deserialize(record, new org.apache.flink.util.Collector<>() {
                    @Override
                    public void collect(LogObservation o) {
                        out.add(o);
                    }

                    @Override
                    public void close() {}
                });
        return out.get(0);
    }

    @Test
    void the_id_comes_from_the_tally_id_header_or_else_the_log_position() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(AuditIds.HEADER, AuditIds.toHex(0x1234L));
        assertThat(read("record", record(5, headers, new byte[4])).id).isEqualTo(0x1234L);
        assertThat(read("record", record(5, new RecordHeaders(), new byte[4])).id)
                .isEqualTo(AuditIds.ofPosition("orders", 1, 77));
    }

    @Test
    void bytes_are_key_plus_value_and_the_default_event_time_is_the_log_timestamp() {
        LogObservation o = read("record", record(1_234, new RecordHeaders(), new byte[10]));
        assertThat(o.bytes).isEqualTo(13);
        assertThat(o.eventTime).isEqualTo(1_234);
        assertThat(o.topic).isEqualTo("orders");
        assertThat(read("record", record(-1, new RecordHeaders(), null)).eventTime)
                .isEqualTo(EventTimes.NONE);
    }

    @Test
    void a_header_event_time_is_read_from_that_header() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("created", "987654".getBytes(StandardCharsets.US_ASCII));
        assertThat(read("header:created", record(5, headers, null)).eventTime).isEqualTo(987_654);
        assertThat(read("header:other", record(5, headers, null)).eventTime).isEqualTo(EventTimes.NONE);
    }

    @Test
    void a_json_event_time_comes_from_the_producer_agents_copy_or_else_the_value() {
        byte[] json = "{\"meta\":{\"at\":4242}}".getBytes(StandardCharsets.UTF_8);
        assertThat(read("json:meta.at", record(5, new RecordHeaders(), json)).eventTime)
                .isEqualTo(4_242);
        RecordHeaders copied = new RecordHeaders();
        copied.add(
                EventTimes.HEADER,
                java.nio.ByteBuffer.allocate(8).putLong(99_999L).array());
        assertThat(read("json:meta.at", record(5, copied, json)).eventTime).isEqualTo(99_999);
        assertThat(read("json:meta.at", record(5, new RecordHeaders(), "x".getBytes(StandardCharsets.UTF_8))).eventTime)
                .isEqualTo(EventTimes.NONE);
    }
}
