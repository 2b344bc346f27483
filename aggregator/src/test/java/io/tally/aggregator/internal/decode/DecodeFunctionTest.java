package io.tally.aggregator.internal.decode;

import io.tally.aggregator.internal.codec.AuditMessageSerializer;
import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.aggregator.internal.kafka.RawRecord;
import io.tally.core.AgentIdentity;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.codec.AuditCodec;
import io.tally.core.sketch.LatencySketch;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

class DecodeFunctionTest {
    private static final long BUCKET = 60_000;
    private static final long DAY = 86_400_000L;
    private static final long NOW = 100 * DAY;
    private static final AgentIdentity AGENT = new AgentIdentity("a", "h");

    private static AuditRecord record(long bucketStart, long bucketMs) {
        return new AuditRecord(AGENT, 1, NOW, "producer", "orders", new Bucket(bucketStart, bucketMs),
                CountingMode.ACK, 1, 10, 0, 0, 0, new LatencySketch(), null);
    }

    private static RawRecord raw(byte[] value) {
        return new RawRecord("tally.audit", 2, 42, "k".getBytes(StandardCharsets.UTF_8), value);
    }

    private static OneInputStreamOperatorTestHarness<RawRecord, AuditMessage> harness() throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, AuditMessage> h = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new DecodeFunction("dlq", BUCKET, 2 * DAY)));
        h.setup(AuditMessageSerializer.INSTANCE);
        h.open();
        h.setProcessingTime(NOW);
        return h;
    }

    private static List<Envelope> deadLetters(OneInputStreamOperatorTestHarness<RawRecord, AuditMessage> h) {
        ConcurrentLinkedQueue<StreamRecord<Envelope>> out = h.getSideOutput(DecodeFunction.DEAD_LETTERS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void valid_records_and_heartbeats_pass_decoded() throws Exception {
        try (var h = harness()) {
            AuditRecord r = record(NOW - BUCKET, BUCKET);
            Heartbeat hb = new Heartbeat(AGENT, 2, NOW, "producer", Map.of("orders", NOW), false, 0);
            h.processElement(raw(AuditCodec.encode(r)), 0);
            h.processElement(raw(AuditCodec.encode(hb)), 0);
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(h.extractOutputValues().get(0)).isInstanceOf(AuditRecord.class);
            assertThat(deadLetters(h)).isEmpty();
        }
    }

    @Test
    void bad_input_goes_to_the_dead_letters_unchanged_with_its_reason_and_origin() throws Exception {
        try (var h = harness()) {
            h.processElement(raw("garbage".getBytes(StandardCharsets.UTF_8)), 0);
            h.processElement(raw(new byte[0]), 0);
            h.processElement(raw(null), 0);
            h.processElement(raw("{\"v\":2,\"type\":\"counts\"}".getBytes(StandardCharsets.UTF_8)), 0);
            h.processElement(raw(new byte[AuditCodec.MAX_MESSAGE_BYTES + 1]), 0);
            h.processElement(raw(AuditCodec.encode(new io.tally.core.TierProgress("t", "x", 1, 1, 0, 1))), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            List<Envelope> dead = deadLetters(h);
            assertThat(dead).hasSize(6).allMatch(e -> e.topic.equals("dlq") && e.origin.equals("tally.audit/2@42"));
            assertThat(dead.get(0).value).isEqualTo("garbage".getBytes(StandardCharsets.UTF_8));
            assertThat(dead).extracting(e -> e.reason).satisfiesExactly(
                    r -> assertThat(r).contains("not valid JSON"),
                    r -> assertThat(r).contains("empty"),
                    r -> assertThat(r).contains("empty"),
                    r -> assertThat(r).contains("unsupported wire version 2"),
                    r -> assertThat(r).contains("bytes, more than"),
                    r -> assertThat(r).contains("expected an audit message"));
        }
    }

    @Test
    void a_record_of_another_bucket_size_or_past_the_retention_is_a_dead_letter() throws Exception {
        try (var h = harness()) {
            h.processElement(raw(AuditCodec.encode(record(NOW - BUCKET, 10_000))), 0);
            h.processElement(raw(AuditCodec.encode(record(NOW - 3 * DAY, BUCKET))), 0);
            h.processElement(raw(AuditCodec.encode(record(NOW - DAY, BUCKET))), 0); // late but within retention
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(deadLetters(h)).extracting(e -> e.reason).satisfiesExactly(
                    r -> assertThat(r).contains("bucketMs 10000 differs").contains("tally.bucket.ms"),
                    r -> assertThat(r).contains("state retention"));
        }
    }
}
