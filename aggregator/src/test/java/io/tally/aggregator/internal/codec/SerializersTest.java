package io.tally.aggregator.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.aggregator.internal.aggregate.Accumulator;
import io.tally.aggregator.internal.aggregate.AccumulatorSerializer;
import io.tally.core.AgentIdentity;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.TierAggregate;
import io.tally.core.codec.AuditCodec;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SerializersTest {
    private static final AgentIdentity AGENT = new AgentIdentity("agent-1", "host");

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static AuditRecord record(IdDigest digest) {
        LatencySketch latency = new LatencySketch();
        latency.add(12, 3);
        return AuditRecord.builder(AGENT, "consumer.g", "orders", new Bucket(60_000, 60_000), CountingMode.COMMIT)
                .seq(9)
                .emittedAt(1_000)
                .count(3)
                .bytes(300)
                .noTimestamp(1)
                .skewed(2)
                .latency(latency)
                .digest(digest)
                .build();
    }

    @Test
    void audit_messages_survive_the_binary_serializer_unchanged() throws Exception {
        IdDigest digest = new IdDigest(64);
        digest.add(5);
        for (AuditMessage m : new AuditMessage[] {
            record(digest),
            record(null),
            Heartbeat.builder(AGENT, "consumer.g")
                    .seq(10)
                    .emittedAt(2_000)
                    .watermarks(Map.of("orders", 5L, "b", 7L))
                    .closed(true)
                    .dropped(4)
                    .build(),
            Heartbeat.builder(AGENT, "consumer.g")
                    .seq(11)
                    .emittedAt(2_000)
                    .watermarks(Map.of("orders", 5L))
                    .partitions(Map.of("orders", Map.of(0, 5L, 7, Long.MIN_VALUE)))
                    .build(),
            Heartbeat.builder(AGENT, "consumer.g")
                    .seq(12)
                    .emittedAt(2_000)
                    .watermarks(Map.of("orders", 5L))
                    .dropped(9)
                    .droppedByBucket(Map.of("orders", Map.of(60_000L, 9L)))
                    .build(),
            Heartbeat.builder(AGENT, "consumer.g")
                    .seq(13)
                    .emittedAt(2_000)
                    .watermarks(Map.of("orders", 5L))
                    .partitions(Map.of("orders", Map.of(0, 5L)))
                    .startOffsets(Map.of("orders", Map.of(0, 1_200L)))
                    .build(),
            Heartbeat.builder(AGENT, "consumer.g")
                    .seq(14)
                    .emittedAt(2_000)
                    .partitions(Map.of("orders", Map.of(0, 5L)))
                    .readCommitted(true)
                    .waiting(Map.of("orders", 3L))
                    .build(),
            Heartbeat.builder(AGENT, "producer")
                    .seq(15)
                    .emittedAt(2_000)
                    .watermarks(Map.of("orders", 5L))
                    .transactional(true)
                    .build(),
            AuditRecord.builder(AGENT, "log", "orders", new Bucket(60_000, 60_000), CountingMode.LOG)
                    .seq(14)
                    .emittedAt(1_000)
                    .count(3)
                    .bytes(300)
                    .firstOffsets(Map.of(0, 9L, 4, 12L))
                    .build()
        }) {
            AuditMessage back = roundTrip(AuditMessageSerializer.INSTANCE, m);
            assertThat(AuditCodec.encode(back)).isEqualTo(AuditCodec.encode(m));
        }
        Heartbeat refused = Heartbeat.builder(AGENT, "consumer.g")
                .seq(16)
                .watermarks(Map.of("orders", 5L))
                .refused("its agents count in buckets of 10000 ms")
                .build();
        assertThat(roundTrip(AuditMessageSerializer.INSTANCE, (AuditMessage) refused))
                .as("the aggregator's own field, which the JSON of agents does not carry")
                .isEqualTo(refused);
    }

    @Test
    void counts_from_a_checkpoint_taken_before_last_offsets_are_still_read() throws Exception {
        AuditRecord log = AuditRecord.builder(AGENT, "log", "orders", new Bucket(60_000, 60_000), CountingMode.LOG)
                .seq(1)
                .emittedAt(1_000)
                .count(3)
                .bytes(300)
                .firstOffsets(Map.of(0, 9L))
                .lastOffsets(Map.of(0, 11L))
                .build();
        DataOutputSerializer out = new DataOutputSerializer(64);
        AuditMessageSerializer.INSTANCE.serialize(log, out);
        byte[] bytes = out.getCopyOfBuffer();
        assertThat(bytes[0]).isEqualTo((byte) 9);
        bytes[0] = 4; // first offsets, no last offsets after them
        byte[] earlier = java.util.Arrays.copyOf(bytes, bytes.length - 4 - 12);

        AuditRecord back =
                (AuditRecord) AuditMessageSerializer.INSTANCE.deserialize(new DataInputDeserializer(earlier));

        assertThat(back.firstOffsets()).containsExactly(Map.entry(0, 9L));
        assertThat(back.lastOffsets()).isEmpty();
        assertThat(back.count()).isEqualTo(3);
    }

    @Test
    void a_heartbeat_from_a_checkpoint_taken_before_per_partition_watermarks_is_still_read() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(1); // the earlier layout: no partitions after dropped
        out.writeUTF("agent-1");
        out.writeUTF("host");
        out.writeLong(10);
        out.writeLong(2_000);
        out.writeUTF("consumer.g");
        out.writeInt(1);
        out.writeUTF("orders");
        out.writeLong(5);
        out.writeBoolean(false);
        out.writeLong(4);
        Heartbeat back = (Heartbeat)
                AuditMessageSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back)
                .isEqualTo(Heartbeat.builder(AGENT, "consumer.g")
                        .seq(10)
                        .emittedAt(2_000)
                        .watermarks(Map.of("orders", 5L))
                        .dropped(4)
                        .build());
    }

    @Test
    void an_accumulator_survives_the_state_serializer_and_copies_are_independent() throws Exception {
        IdDigest digest = new IdDigest(64);
        digest.add(5);
        Accumulator acc = Accumulator.startingWith(record(digest));
        acc.add(record(digest));
        Accumulator back = roundTrip(AccumulatorSerializer.INSTANCE, acc);
        TierAggregate expected = acc.toAggregate();
        assertThat(AuditCodec.encode(back.toAggregate())).isEqualTo(AuditCodec.encode(expected));
        Accumulator copy = AccumulatorSerializer.INSTANCE.copy(acc);
        copy.add(record(digest));
        assertThat(acc.toAggregate().count()).isEqualTo(3);
        assertThat(copy.toAggregate().count()).isEqualTo(6);
    }

    @Test
    void an_accumulator_keeps_its_first_offsets_and_one_from_a_checkpoint_taken_before_them_is_still_read()
            throws Exception {
        AuditRecord log = AuditRecord.builder(AGENT, "log", "orders", new Bucket(60_000, 60_000), CountingMode.LOG)
                .seq(1)
                .emittedAt(1_000)
                .count(3)
                .bytes(300)
                .firstOffsets(Map.of(0, 9L, 4, 12L))
                .lastOffsets(Map.of(0, 10L, 4, 12L))
                .build();
        Accumulator acc = Accumulator.startingWith(log);
        acc.add(log);
        assertThat(roundTrip(AccumulatorSerializer.INSTANCE, acc).toAggregate().firstOffsets())
                .containsExactly(Map.entry(0, 9L), Map.entry(4, 12L));
        assertThat(roundTrip(AccumulatorSerializer.INSTANCE, acc).toAggregate().lastOffsets())
                .containsExactly(Map.entry(0, 10L), Map.entry(4, 12L));
        assertThat(((AuditRecord) roundTrip(AuditMessageSerializer.INSTANCE, log)).lastOffsets())
                .containsExactly(Map.entry(0, 10L), Map.entry(4, 12L));

        Accumulator plain = Accumulator.startingWith(record(null));
        plain.add(record(null));
        DataOutputSerializer out = new DataOutputSerializer(64);
        AccumulatorSerializer.INSTANCE.serialize(plain, out);
        byte[] bytes = out.getCopyOfBuffer();
        // the earlier layout: a boolean where the layout byte is, nothing after the digest
        int layoutAt = 2 + "orders".length() + 2 + "consumer.g".length() + 9 * 8 + 1;
        assertThat(bytes[layoutAt]).isEqualTo((byte) 4);
        bytes[layoutAt] = 3; // with first offsets and what was counted on consume, without last offsets
        byte[] withConsumed = java.util.Arrays.copyOf(bytes, bytes.length - 4);
        Accumulator back = AccumulatorSerializer.INSTANCE.deserialize(new DataInputDeserializer(withConsumed));
        assertThat(AuditCodec.encode(back.toAggregate())).isEqualTo(AuditCodec.encode(plain.toAggregate()));
        bytes[layoutAt] = 2; // with first offsets, without what was counted on consume
        byte[] withOffsets = java.util.Arrays.copyOf(bytes, bytes.length - 4 - 8);
        back = AccumulatorSerializer.INSTANCE.deserialize(new DataInputDeserializer(withOffsets));
        assertThat(AuditCodec.encode(back.toAggregate())).isEqualTo(AuditCodec.encode(plain.toAggregate()));
        bytes[layoutAt] = 0;
        byte[] earlier = java.util.Arrays.copyOf(bytes, bytes.length - 4 - 8 - 4);
        back = AccumulatorSerializer.INSTANCE.deserialize(new DataInputDeserializer(earlier));
        assertThat(AuditCodec.encode(back.toAggregate())).isEqualTo(AuditCodec.encode(plain.toAggregate()));
    }

    @Test
    void what_consumers_counted_on_consume_is_summed_apart_kept_in_state_and_published() throws Exception {
        AuditRecord onCommit = AuditRecord.builder(
                        AGENT, "consumer.g", "orders", new Bucket(60_000, 60_000), CountingMode.COMMIT)
                .seq(1)
                .emittedAt(1_000)
                .count(5)
                .bytes(500)
                .build();
        AuditRecord onConsume = AuditRecord.builder(
                        AGENT, "consumer.g", "orders", new Bucket(60_000, 60_000), CountingMode.CONSUME)
                .seq(2)
                .emittedAt(1_000)
                .count(3)
                .bytes(300)
                .build();
        Accumulator acc = Accumulator.startingWith(onCommit);
        acc.add(onCommit);
        acc.add(onConsume);
        Accumulator other = Accumulator.startingWith(onConsume);
        other.add(onConsume);
        acc.merge(other);
        TierAggregate published = (TierAggregate) AuditCodec.decode(
                AuditCodec.encode(roundTrip(AccumulatorSerializer.INSTANCE, acc).toAggregate()));
        assertThat(published.count()).isEqualTo(11);
        assertThat(published.countedOnConsume()).isEqualTo(6);
        assertThat(TierAggregate.empty("orders", "consumer.g", onCommit.bucket())
                        .plus(onCommit)
                        .plus(onConsume)
                        .countedOnConsume())
                .isEqualTo(3);
        assertThat(new String(
                        AuditCodec.encode(TierAggregate.empty("orders", "consumer.g", onCommit.bucket())
                                .plus(onCommit)),
                        java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("countedOnConsume");
    }

    @Test
    void the_accumulator_sums_exactly_as_tier_aggregate_plus_does() {
        IdDigest d1 = new IdDigest(64);
        d1.add(1);
        IdDigest d2 = new IdDigest(32);
        d2.add(2);
        AuditRecord[] records = {record(d1), record(d1), record(d2), record(d1)};
        Accumulator acc = Accumulator.startingWith(records[0]);
        TierAggregate reference = TierAggregate.empty("orders", "consumer.g", records[0].bucket());
        for (AuditRecord r : records) {
            acc.add(r);
            reference = reference.plus(r);
            assertThat(AuditCodec.encode(acc.toAggregate())).isEqualTo(AuditCodec.encode(reference));
        }
    }

    @Test
    void merging_partial_sums_gives_the_same_aggregate_as_adding_every_record() {
        IdDigest d1 = new IdDigest(64);
        d1.add(1);
        IdDigest d2 = new IdDigest(64);
        d2.add(2);
        AuditRecord[][] splits = {{record(d1), record(d2)}, {record(d1)}, {record(d2), record(d2)}};
        TierAggregate reference = TierAggregate.empty("orders", "consumer.g", splits[0][0].bucket());
        Accumulator total = null;
        for (AuditRecord[] split : splits) {
            Accumulator partial = Accumulator.startingWith(split[0]);
            for (AuditRecord r : split) {
                partial.add(r);
                reference = reference.plus(r);
            }
            if (total == null) {
                total = partial;
            } else {
                total.merge(partial);
            }
        }
        assertThat(AuditCodec.encode(total.toAggregate())).isEqualTo(AuditCodec.encode(reference));

        Accumulator withoutDigest = Accumulator.startingWith(record(null));
        withoutDigest.add(record(null));
        total.merge(withoutDigest);
        assertThat(total.toAggregate().digest()).isNull();
        assertThat(total.toAggregate().records()).isEqualTo(6);
    }

    @Test
    void sums_saturate_instead_of_failing_the_job() {
        AuditRecord huge = AuditRecord.builder(
                        AGENT, "consumer.g", "orders", new Bucket(60_000, 60_000), CountingMode.COMMIT)
                .seq(9)
                .emittedAt(1_000)
                .count(Long.MAX_VALUE / 2 + 1)
                .bytes(1)
                .build();
        Accumulator acc = Accumulator.startingWith(huge);
        acc.add(huge);
        acc.merge(acc.copy());
        assertThat(acc.toAggregate().count()).isEqualTo(Long.MAX_VALUE);
    }
}
