package io.tally.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.core.AuditRecord;
import io.tally.core.CodecException;
import io.tally.core.Heartbeat;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.WireMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuditCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void every_message_type_round_trips() {
        for (WireMessage message : WireSamples.all()) {
            byte[] encoded = AuditCodec.encode(message);
            WireMessage decoded = AuditCodec.decode(encoded);
            assertThat(decoded.getClass()).isEqualTo(message.getClass());
            assertThat(AuditCodec.encode(decoded)).isEqualTo(encoded);
        }
    }

    @Test
    void counts_keep_their_numbers_and_sketches() {
        AuditRecord record = WireSamples.counts(true);
        AuditRecord decoded = (AuditRecord) AuditCodec.decode(AuditCodec.encode(record));
        assertThat(decoded.agent()).isEqualTo(record.agent());
        assertThat(decoded.bucket()).isEqualTo(record.bucket());
        assertThat(decoded.count()).isEqualTo(250);
        assertThat(decoded.latency().quantile(0.99)).isEqualTo(record.latency().quantile(0.99));
        assertThat(decoded.digest()).isEqualTo(record.digest());
        assertThat(((AuditRecord) AuditCodec.decode(AuditCodec.encode(WireSamples.counts(false)))).digest())
                .isNull();
    }

    @Test
    void an_aggregate_adds_up_its_records() {
        TierAggregate aggregate = (TierAggregate) AuditCodec.decode(AuditCodec.encode(WireSamples.aggregate()));
        assertThat(aggregate.count()).isEqualTo(500);
        assertThat(aggregate.records()).isEqualTo(2);
        assertThat(aggregate.latency().count()).isEqualTo(500);
        assertThat(aggregate.digest().totalCount()).isEqualTo(500);
        assertThat(aggregate.key()).isEqualTo("orders|producer|" + WireSamples.BUCKET.start());
    }

    @Test
    void one_record_without_digest_leaves_the_aggregate_without_one() {
        TierAggregate aggregate = WireSamples.aggregate().plus(WireSamples.counts(false));
        assertThat(aggregate.digest()).isNull();
        assertThat(aggregate.count()).isEqualTo(750);
    }

    @Test
    void keys_follow_the_documented_layout() {
        assertThat(AuditCodec.kafkaKey(WireSamples.counts(true))).isEqualTo("orders|" + WireSamples.BUCKET.start());
        assertThat(AuditCodec.kafkaKey(WireSamples.heartbeat()))
                .isEqualTo("consumer.billing|" + WireSamples.AGENT.instanceId());
        assertThat(AuditCodec.kafkaKey(WireSamples.progress())).isEqualTo("progress|log|orders");
    }

    @Test
    void unknown_fields_are_ignored() throws Exception {
        ObjectNode node = tree(WireSamples.heartbeat());
        node.put("addedInAFutureAgent", "x");
        Heartbeat decoded = (Heartbeat) AuditCodec.decode(bytes(node));
        assertThat(decoded.watermarks()).containsKeys("orders", "payments");
    }

    @Test
    void a_heartbeat_carries_per_partition_watermarks_only_when_its_agent_reads_partitions() {
        Heartbeat consumer = (Heartbeat) AuditCodec.decode(AuditCodec.encode(WireSamples.partitionedHeartbeat()));
        assertThat(consumer.partitions()).containsOnlyKeys("orders", "payments");
        assertThat(consumer.partitions().get("orders"))
                .containsExactly(
                        java.util.Map.entry(0, 1_764_000_069_999L), java.util.Map.entry(5, 1_764_000_061_000L));
        assertThat(consumer.partitions().get("payments"))
                .containsExactly(java.util.Map.entry(2, io.tally.core.EventTimes.NONE));
        assertThat(consumer.partitionCount()).isEqualTo(3);
        Heartbeat producer = (Heartbeat) AuditCodec.decode(AuditCodec.encode(WireSamples.heartbeat()));
        assertThat(producer.partitions()).isNull();
        assertThat(new String(AuditCodec.encode(WireSamples.heartbeat()), StandardCharsets.UTF_8))
                .doesNotContain("partitions");
    }

    @Test
    void what_agents_dropped_travels_per_topic_and_bucket_in_heartbeats_and_per_bucket_in_progress() throws Exception {
        Heartbeat h = (Heartbeat) AuditCodec.decode(AuditCodec.encode(WireSamples.partitionedHeartbeat()));
        assertThat(h.droppedByBucket()).containsOnlyKeys("orders");
        assertThat(h.droppedByBucket().get("orders"))
                .containsEntry(1_764_000_060_000L, 12L)
                .hasSize(2);
        TierProgress p = (TierProgress) AuditCodec.decode(AuditCodec.encode(WireSamples.progressWithDrops()));
        assertThat(p.droppedIn(1_764_000_060_000L)).isEqualTo(12);
        assertThat(p.droppedIn(1_764_000_120_000L)).isZero();
        assertThat(((TierProgress) AuditCodec.decode(AuditCodec.encode(WireSamples.progress()))).dropped())
                .isEmpty();
        assertRejected(
                mutate(
                        WireSamples.partitionedHeartbeat(),
                        n -> ((ObjectNode) n.get("droppedByBucket")).put("orders|x", 1)),
                "droppedByBucket.orders|x' must be keyed topic|bucketStart");
        assertRejected(
                mutate(WireSamples.progressWithDrops(), n -> ((ObjectNode) n.get("dropped")).put("1764000060000", -1)),
                "dropped.1764000060000' must map a bucket start");
    }

    @Test
    void offsets_travel_where_a_tier_knows_them_and_are_absent_elsewhere() throws Exception {
        TierAggregate log = (TierAggregate)
                AuditCodec.decode(AuditCodec.encode(TierAggregate.empty("orders", "log", WireSamples.BUCKET)
                        .plus(WireSamples.logCounts())
                        .plus(WireSamples.logCounts())));
        assertThat(log.firstOffsets()).containsExactly(java.util.Map.entry(0, 12_345L), java.util.Map.entry(3, 9_000L));
        assertThat(log.lastOffsets()).containsExactly(java.util.Map.entry(0, 12_594L), java.util.Map.entry(3, 9_249L));
        AuditRecord record = (AuditRecord) AuditCodec.decode(AuditCodec.encode(WireSamples.logCounts()));
        assertThat(record.firstOffsets()).containsEntry(3, 9_000L);
        assertThat(record.lastOffsets()).containsEntry(3, 9_249L);
        Heartbeat h = (Heartbeat) AuditCodec.decode(AuditCodec.encode(WireSamples.partitionedHeartbeat()));
        assertThat(h.startOffsets().get("orders"))
                .containsExactly(java.util.Map.entry(0, 1_200L), java.util.Map.entry(5, 0L));
        assertThat(((TierProgress) AuditCodec.decode(AuditCodec.encode(WireSamples.progressWithDrops())))
                        .startOffsets())
                .containsEntry(0, 1_200L);
        for (WireMessage plain : java.util.List.of(
                WireSamples.counts(true), WireSamples.aggregate(), WireSamples.heartbeat(), WireSamples.progress())) {
            assertThat(new String(AuditCodec.encode(plain), StandardCharsets.UTF_8))
                    .doesNotContain("Offsets")
                    .doesNotContain("readCommitted");
        }
        assertRejected(
                mutate(WireSamples.logCounts(), n -> ((ObjectNode) n.get("firstOffsets")).put("x", 1)),
                "firstOffsets.x' must map a partition number to an offset >= 0");
        assertRejected(
                mutate(WireSamples.progressWithDrops(), n -> ((ObjectNode) n.get("startOffsets")).put("1", -4)),
                "startOffsets.1' must map a partition number to an offset >= 0");
        assertRejected(
                mutate(
                        WireSamples.partitionedHeartbeat(),
                        n -> ((ObjectNode) n.get("startOffsets")).put("orders|1", -4)),
                "offset");
    }

    @Test
    void a_read_committed_reader_says_so_in_its_heartbeats_and_its_tier_s_progress() throws Exception {
        Heartbeat h = WireSamples.partitionedHeartbeat();
        Heartbeat committed = h.toBuilder().readCommitted(true).build();
        assertThat(((Heartbeat) AuditCodec.decode(AuditCodec.encode(committed))).readCommitted())
                .isTrue();
        assertThat(((Heartbeat) AuditCodec.decode(AuditCodec.encode(h))).readCommitted())
                .isFalse();
        TierProgress p = WireSamples.progressWithDrops();
        TierProgress committedProgress = p.toBuilder().readCommitted(true).build();
        assertThat(((TierProgress) AuditCodec.decode(AuditCodec.encode(committedProgress))).readCommitted())
                .isTrue();
        assertRejected(mutate(committed, n -> n.put("readCommitted", "yes")), "readCommitted");
    }

    @Test
    void errors_name_what_was_wrong() throws Exception {
        assertRejected(mutate(WireSamples.counts(true), n -> n.put("v", 2)), "unsupported wire version 2");
        assertRejected(mutate(WireSamples.counts(true), n -> n.put("type", "gossip")), "unknown message type 'gossip'");
        assertRejected(mutate(WireSamples.counts(true), n -> n.remove("count")), "field 'count' is missing");
        assertRejected(mutate(WireSamples.counts(true), n -> n.put("count", -1)), "field 'count' must be >= 0");
        assertRejected(mutate(WireSamples.counts(true), n -> n.put("count", "12")), "field 'count' must be an integer");
        assertRejected(mutate(WireSamples.counts(true), n -> n.put("bucketStart", 5)), "not a multiple of bucketMs");
        assertRejected(mutate(WireSamples.counts(true), n -> n.put("bucketMs", 0)), "field 'bucketMs' must be > 0");
        assertRejected(mutate(WireSamples.counts(true), n -> n.put("mode", "guess")), "field 'mode' has unknown value");
        assertRejected(mutate(WireSamples.counts(true), n -> n.put("topic", "")), "topic must have 1 to 249");
        assertRejected(
                mutate(WireSamples.counts(true), n -> n.put("digest", "***")), "field 'digest' is not valid base64");
        assertRejected(mutate(WireSamples.counts(true), n -> n.put("latency", "AAAA")), "field 'latency' is invalid");
        assertRejected(
                mutate(WireSamples.heartbeat(), n -> ((ObjectNode) n.get("watermarks")).put("orders", "x")),
                "watermarks.orders");
        assertRejected(
                mutate(WireSamples.partitionedHeartbeat(), n -> ((ObjectNode) n.get("partitions")).put("orders|x", 1)),
                "partitions.orders|x' must be keyed topic|partition");
        assertRejected(
                mutate(WireSamples.partitionedHeartbeat(), n -> ((ObjectNode) n.get("partitions")).put("orders", 1)),
                "partitions.orders' must be keyed topic|partition");
        assertRejected(
                mutate(
                        WireSamples.partitionedHeartbeat(),
                        n -> ((ObjectNode) n.get("partitions")).put("orders|1", "x")),
                "partitions.orders|1' must be an integer");
        assertRejected("{\"v\":1,".getBytes(StandardCharsets.UTF_8), "not valid JSON");
        assertRejected("[1,2]".getBytes(StandardCharsets.UTF_8), "must be a JSON object");
        assertRejected("{\"v\":1,\"type\":\"progress\"} x".getBytes(StandardCharsets.UTF_8), "not valid JSON");
        assertRejected(new byte[0], "empty message");
    }

    @Test
    void typed_decoders_refuse_the_other_side_s_messages() {
        byte[] aggregate = AuditCodec.encode(WireSamples.aggregate());
        byte[] heartbeat = AuditCodec.encode(WireSamples.heartbeat());
        assertThatThrownBy(() -> AuditCodec.decodeAuditMessage(aggregate)).hasMessageContaining("got aggregate");
        assertThatThrownBy(() -> AuditCodec.decodeAggregatorMessage(heartbeat)).hasMessageContaining("got heartbeat");
        assertThat(AuditCodec.decodeAuditMessage(heartbeat)).isInstanceOf(Heartbeat.class);
    }

    private static void assertRejected(byte[] bytes, String message) {
        assertThatThrownBy(() -> AuditCodec.decode(bytes))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(message);
    }

    static ObjectNode tree(WireMessage message) throws Exception {
        return (ObjectNode) JSON.readTree(AuditCodec.encode(message));
    }

    private static byte[] mutate(WireMessage message, java.util.function.Consumer<ObjectNode> change) throws Exception {
        ObjectNode node = tree(message);
        change.accept(node);
        return bytes(node);
    }

    private static byte[] bytes(JsonNode node) throws Exception {
        return JSON.writeValueAsBytes(node);
    }
}
