package io.tally.aggregator.internal.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.aggregator.internal.kafka.RawRecord;
import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CodecException;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.TierProgress;
import io.tally.core.codec.AuditCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditDecoderTest {
    private static final long BUCKET = 60_000;
    private static final long DAY = 86_400_000L;
    private static final long NOW = 100 * DAY;
    private static final AgentIdentity AGENT = new AgentIdentity("a", "h");
    private final AuditDecoder decoder = new AuditDecoder(BUCKET, 2 * DAY);

    private static AuditRecord record(long bucketStart, long bucketMs) {
        return AuditRecord.builder(AGENT, "producer", "orders", new Bucket(bucketStart, bucketMs), CountingMode.ACK)
                .seq(1)
                .emittedAt(NOW)
                .count(1)
                .bytes(10)
                .build();
    }

    private static RawRecord raw(byte[] value) {
        return new RawRecord("tally.audit", 2, 42, "k".getBytes(StandardCharsets.UTF_8), value);
    }

    private void refused(byte[] value, String reason) {
        assertThatThrownBy(() -> decoder.decode(raw(value), NOW))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void valid_records_and_heartbeats_decode() {
        assertThat(decoder.decode(raw(AuditCodec.encode(record(NOW - BUCKET, BUCKET))), NOW))
                .isInstanceOf(AuditRecord.class);
        assertThat(decoder.decode(
                        raw(AuditCodec.encode(Heartbeat.builder(AGENT, "producer")
                                .seq(2)
                                .emittedAt(NOW)
                                .watermarks(Map.of("orders", NOW))
                                .build())),
                        NOW))
                .isInstanceOf(Heartbeat.class);
    }

    @Test
    void bad_input_is_refused_with_the_reason() {
        refused("garbage".getBytes(StandardCharsets.UTF_8), "not valid JSON");
        refused(new byte[0], "empty");
        refused(null, "empty");
        refused("{\"v\":2,\"type\":\"counts\"}".getBytes(StandardCharsets.UTF_8), "unsupported wire version 2");
        refused(new byte[AuditCodec.MAX_MESSAGE_BYTES + 1], "bytes, more than");
        refused(
                AuditCodec.encode(TierProgress.builder("t", "x")
                        .watermark(1)
                        .lastHeartbeatAt(1)
                        .updatedAt(1)
                        .build()),
                "expected an audit message");
    }

    @Test
    void a_record_of_another_bucket_size_or_past_the_retention_is_refused_and_a_late_one_is_not() {
        refused(AuditCodec.encode(record(NOW - BUCKET, 10_000)), "bucketMs 10000 differs");
        refused(AuditCodec.encode(record(NOW - 3 * DAY, BUCKET)), "state retention");
        assertThat(decoder.decode(raw(AuditCodec.encode(record(NOW - DAY, BUCKET))), NOW))
                .isNotNull();
    }

    @Test
    void absurd_counts_and_buckets_far_ahead_of_the_agent_s_clock_are_refused_whole_with_the_reason() {
        refused(
                AuditCodec.encode(
                        AuditRecord.builder(AGENT, "producer", "orders", Bucket.of(NOW, BUCKET), CountingMode.ACK)
                                .seq(1)
                                .emittedAt(NOW)
                                .count(Long.MAX_VALUE - 1)
                                .bytes(10)
                                .build()),
                "count 9223372036854775806 is more than one audit record can count");
        refused(
                AuditCodec.encode(
                        AuditRecord.builder(AGENT, "producer", "orders", Bucket.of(NOW, BUCKET), CountingMode.ACK)
                                .seq(1)
                                .emittedAt(NOW)
                                .count(1)
                                .bytes(1L << 60)
                                .build()),
                "bytes");
        refused(
                AuditCodec.encode(
                        AuditRecord.builder(AGENT, "producer", "orders", Bucket.of(NOW, BUCKET), CountingMode.ACK)
                                .seq(1)
                                .emittedAt(NOW)
                                .count(1)
                                .bytes(1)
                                .failed(AuditDecoder.MAX_COUNT + 1)
                                .build()),
                "failed");
        refused(AuditCodec.encode(record(NOW + 2 * 3_600_000L, BUCKET)), "starts more than the skew bound");
        assertThat(decoder.decode(
                        raw(AuditCodec.encode(
                                record(NOW + 3_000_000L - Math.floorMod(NOW + 3_000_000L, BUCKET), BUCKET))),
                        NOW))
                .as("within the bound")
                .isNotNull();
    }

    @Test
    void the_agent_is_found_without_decoding_or_is_unknown() {
        assertThat(AgentPeek.agentOf(AuditCodec.encode(record(0, BUCKET)))).isEqualTo("a");
        // the first one routes; the decoder reads the last, and the dedup function refuses the mismatch
        assertThat(AgentPeek.agentOf("{\"agent\":\"x\",\"agent\":\"y\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("x");
        assertThat(AgentPeek.agentOf("{\"nested\":{\"agent\":\"x\"}}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(AgentPeek.UNKNOWN);
        assertThat(AgentPeek.agentOf("garbage".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(AgentPeek.UNKNOWN);
        assertThat(AgentPeek.agentOf(null)).isEqualTo(AgentPeek.UNKNOWN);
    }
}
