package io.tally.aggregator.internal.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.WireMessage;
import io.tally.core.codec.AuditCodec;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class TopicTierAggregatorTest {
    private static final AgentIdentity A = new AgentIdentity("a", "h");
    private static long seq;

    /** @return a partial sum of one record, as a combiner would pass it on */
    private static Partial record(long bucketStart, int count, IdDigest digest, long latency) {
        AuditRecord r = auditRecord(bucketStart, count, digest, latency);
        Accumulator partial = Accumulator.startingWith(r);
        partial.add(r);
        return Partial.of(partial);
    }

    private static AuditRecord auditRecord(long bucketStart, int count, IdDigest digest, long latency) {
        LatencySketch sketch = new LatencySketch();
        sketch.add(latency, count);
        return AuditRecord.builder(A, "producer", "t", new Bucket(bucketStart, 60_000), CountingMode.ACK)
                .seq(seq++)
                .emittedAt(1_000 + seq)
                .count(count)
                .bytes(count * 10L)
                .noTimestamp(1)
                .latency(sketch)
                .digest(digest)
                .build();
    }

    private static IdDigest digest(long... ids) {
        IdDigest d = new IdDigest(IdDigest.DEFAULT_CELLS);
        for (long id : ids) {
            d.add(id);
        }
        return d;
    }

    private static TopicTierAggregator aggregator() {
        return new TopicTierAggregator(
                "aggregates", Duration.ofSeconds(1), Duration.ofDays(2), Duration.ofSeconds(30), Duration.ofDays(2));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Partial, Envelope> harness() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(aggregator(), Partial::key, Types.STRING);
        h.setProcessingTime(0);
        return h;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Partial, Envelope> restored() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(aggregator()), Partial::key, Types.STRING);
        h.setProcessingTime(0);
        return h;
    }

    private static Partial mark(String agent, long seq, long emittedAt, long watermark) {
        return Partial.of(Heartbeat.builder(new AgentIdentity(agent, "h"), "producer")
                .seq(seq)
                .emittedAt(emittedAt)
                .watermarks(Map.of("t", watermark))
                .build());
    }

    private static List<TierAggregate> emitted(KeyedOneInputStreamOperatorTestHarness<String, Partial, Envelope> h) {
        return h.extractOutputValues().stream()
                .map(e -> AuditCodec.decode(e.value))
                .filter(TierAggregate.class::isInstance)
                .map(TierAggregate.class::cast)
                .toList();
    }

    private static List<WireMessage> all(KeyedOneInputStreamOperatorTestHarness<String, Partial, Envelope> h) {
        return h.extractOutputValues().stream()
                .map(e -> AuditCodec.decode(e.value))
                .toList();
    }

    @Test
    void records_of_a_bucket_add_up_and_are_emitted_once_per_interval_as_a_cumulative_upsert() throws Exception {
        try (var h = harness()) {
            h.processElement(record(0, 3, digest(1, 2, 3), 10), 0);
            h.processElement(record(0, 2, digest(4, 5), 1000), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(1_000);
            List<TierAggregate> out = emitted(h);
            assertThat(out).hasSize(1);
            TierAggregate a = out.get(0);
            assertThat(a.count()).isEqualTo(5);
            assertThat(a.bytes()).isEqualTo(50);
            assertThat(a.noTimestamp()).isEqualTo(2);
            assertThat(a.records()).isEqualTo(2);
            assertThat(a.latency().count()).isEqualTo(5);
            assertThat(a.digest()).isEqualTo(digest(1, 2, 3, 4, 5));
            assertThat(new String(h.extractOutputValues().get(0).key, StandardCharsets.UTF_8))
                    .isEqualTo("t|producer|0");

            h.setProcessingTime(5_000); // nothing new: nothing emitted
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void every_emission_writes_the_changed_aggregates_before_the_progress_that_covers_them() throws Exception {
        try (var h = harness()) {
            h.processElement(record(0, 3, null, 10), 0);
            h.processElement(mark("a", 5, 0, 60_000), 0); // a's heartbeat, after its counts
            h.processElement(record(60_000, 2, null, 10), 0);
            h.setProcessingTime(1_000);
            assertThat(all(h))
                    .extracting(m -> m.getClass().getSimpleName())
                    .containsExactly("TierAggregate", "TierAggregate", "TierProgress");
            TierProgress p = (TierProgress) all(h).get(2);
            assertThat(p.tier()).isEqualTo("producer");
            assertThat(p.topic()).isEqualTo("t");
            assertThat(p.watermark()).isEqualTo(60_000);
            assertThat(new String(h.extractOutputValues().get(2).key, StandardCharsets.UTF_8))
                    .isEqualTo("progress|producer|t");
            assertThat(h.extractOutputValues()).extracting(e -> e.partitionBy).containsOnly("t");
        }
    }

    @Test
    void working_through_a_backlog_an_agent_whose_next_heartbeat_is_still_unread_is_not_taken_for_dead()
            throws Exception {
        try (var h = harness()) {
            h.setProcessingTime(10_000);
            h.processElement(mark("a", 1, 10_000, 60_000), 10_000);
            h.processElement(mark("b", 1, 10_000, 60_000), 10_000);
            h.setProcessingTime(11_000);
            // the job was down for five minutes and works through what arrived meanwhile: a's next heartbeat, 5 s
            // later, is read; b's, 6 s later, is further on in the backlog
            h.setProcessingTime(310_000);
            h.processElement(mark("a", 2, 15_000, 180_000), 310_000);
            h.setProcessingTime(311_000);
            List<TierProgress> progress = all(h).stream()
                    .filter(TierProgress.class::isInstance)
                    .map(TierProgress.class::cast)
                    .toList();
            TierProgress last = progress.get(progress.size() - 1);
            assertThat(last.liveAgents())
                    .as("b heard from 5 s before a's latest: live")
                    .isEqualTo(2);
            assertThat(last.watermark()).as("held by b").isEqualTo(60_000);

            // caught up, nothing more from b: it dies 30 s after its last heartbeat, by the audit stream's time
            h.setProcessingTime(336_000);
            progress = all(h).stream()
                    .filter(TierProgress.class::isInstance)
                    .map(TierProgress.class::cast)
                    .toList();
            assertThat(progress.get(progress.size() - 1).liveAgents()).isEqualTo(1);
        }
    }

    @Test
    void topics_of_a_group_are_written_to_the_partition_of_its_first_topic() throws Exception {
        var aggregator = new TopicTierAggregator(
                "aggregates",
                Duration.ofSeconds(1),
                Duration.ofDays(2),
                Duration.ofSeconds(30),
                Duration.ofDays(2),
                TopicGroups.parse("orders,t; payments,payments.dr"));
        try (var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(aggregator, Partial::key, Types.STRING)) {
            h.setProcessingTime(0);
            h.processElement(record(0, 3, null, 10), 0); // topic t
            h.processElement(mark("a", 5, 0, 60_000), 0);
            h.setProcessingTime(1_000);
            assertThat(h.extractOutputValues())
                    .hasSize(2)
                    .extracting(e -> e.partitionBy)
                    .containsOnly("orders");
        }
        assertThat(TopicGroups.parse("").partitionKey("t")).isEqualTo("t");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopicGroups.parse("a,b;b,c"))
                .hasMessageContaining("topic 'b' is in two groups");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopicGroups.parse("a,,b"))
                .hasMessageContaining("an empty topic name");
    }

    @Test
    void progress_is_the_lowest_live_mark_and_an_agent_that_goes_silent_stops_holding_it_back() throws Exception {
        try (var h = harness()) {
            h.processElement(mark("a", 0, 0, 500), 0);
            h.processElement(mark("b", 0, -10_000, 100), 0);
            h.processElement(mark("b", 0, -20_000, 50), 0); // not newer than what b sent: ignored
            h.setProcessingTime(1_000);
            List<WireMessage> out = all(h);
            assertThat(out).singleElement().isInstanceOfSatisfying(TierProgress.class, p -> {
                assertThat(p.watermark()).isEqualTo(100);
                assertThat(p.liveAgents()).isEqualTo(2);
                assertThat(p.lastHeartbeatAt()).isZero();
            });
            // b's last heartbeat is 30 s old at 20 s: the progress is written again without it
            h.setProcessingTime(20_000);
            assertThat(all(h)).hasSize(2).last().isInstanceOfSatisfying(TierProgress.class, p -> {
                assertThat(p.watermark()).isEqualTo(500);
                assertThat(p.liveAgents()).isEqualTo(1);
            });
        }
    }

    @Test
    void a_bucket_past_the_retention_leaves_a_tombstone_so_the_compacted_topic_stays_bounded() throws Exception {
        try (var h = harness()) {
            h.processElement(record(0, 3, null, 10), 0);
            h.processElement(record(60_000, 2, null, 10), 0);
            h.setProcessingTime(1_000);
            assertThat(emitted(h)).extracting(TierAggregate::count).containsExactly(3L, 2L);

            h.setProcessingTime(Duration.ofDays(2).toMillis()); // the first bucket's start + the state's ttl
            Envelope tombstone = h.extractOutputValues().get(2);
            assertThat(new String(tombstone.key, StandardCharsets.UTF_8)).isEqualTo("t|producer|0");
            assertThat(tombstone.value).isNull();
            assertThat(tombstone.partitionBy)
                    .as("in the partition of the topic's aggregates")
                    .isEqualTo("t");
            assertThat(h.extractOutputValues())
                    .as("the second bucket is not there yet")
                    .hasSize(3);

            h.setProcessingTime(Duration.ofDays(2).toMillis() + 60_000);
            assertThat(h.extractOutputValues()).hasSize(4);
            assertThat(new String(h.extractOutputValues().get(3).key, StandardCharsets.UTF_8))
                    .isEqualTo("t|producer|60000");
        }
    }

    @Test
    void a_late_record_updates_its_bucket_and_the_whole_sum_is_emitted_again() throws Exception {
        try (var h = harness()) {
            h.processElement(record(0, 3, null, 10), 0);
            h.setProcessingTime(1_000);
            h.setProcessingTime(86_400_000); // a day later
            h.processElement(record(0, 1, null, 10), 0);
            h.setProcessingTime(86_401_000);
            assertThat(emitted(h)).extracting(TierAggregate::count).containsExactly(3L, 4L);
            assertThat(emitted(h).get(1).digest()).isNull();
        }
    }

    @Test
    void one_record_without_a_digest_leaves_the_bucket_without_one() throws Exception {
        try (var h = harness()) {
            h.processElement(record(0, 1, digest(1), 10), 0);
            h.processElement(record(0, 1, null, 10), 0);
            h.processElement(record(0, 1, digest(2), 10), 0);
            h.setProcessingTime(1_000);
            assertThat(emitted(h).get(0).digest()).isNull();
            assertThat(emitted(h).get(0).count()).isEqualTo(3);
        }
    }

    @Test
    void sums_and_pending_emits_survive_a_checkpoint_restore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = restored()) {
            h.open();
            h.processElement(record(60_000, 2, digest(7, 8), 10), 0);
            snapshot = h.snapshot(1, 0);
        }
        try (var h = restored()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(record(60_000, 1, digest(9), 10), 0);
            h.setProcessingTime(2_000);
            List<TierAggregate> out = emitted(h);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).count()).isEqualTo(3);
            assertThat(out.get(0).digest()).isEqualTo(digest(7, 8, 9));
        }
    }

    @Test
    void a_start_without_restored_state_says_when_the_state_began_and_a_restore_keeps_saying_it() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = restored()) {
            h.open();
            h.setProcessingTime(5_000);
            h.processElement(record(60_000, 2, null, 10), 0);
            h.processElement(mark("a", 5, 0, 60_000), 0);
            h.setProcessingTime(6_000);
            assertThat(all(h))
                    .as("the aggregate and the progress of a state begun at 5 s")
                    .hasSize(2)
                    .allSatisfy(m -> assertThat(
                                    m instanceof TierAggregate a ? a.stateSince() : ((TierProgress) m).stateSince())
                            .isEqualTo(5_000));
            snapshot = h.snapshot(1, 6_000);
        }
        try (var h = restored()) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(9_000);
            h.processElement(record(60_000, 1, null, 10), 0);
            h.setProcessingTime(10_000);
            assertThat(emitted(h)).singleElement().satisfies(a -> {
                assertThat(a.count()).isEqualTo(3);
                assertThat(a.stateSince()).as("restored: the same state").isEqualTo(5_000);
            });
        }
        try (var h = restored()) { // the same job resubmitted without its checkpoint
            h.open();
            h.setProcessingTime(20_000);
            h.processElement(record(60_000, 1, null, 10), 0);
            h.setProcessingTime(21_000);
            assertThat(emitted(h)).singleElement().satisfies(a -> {
                assertThat(a.count()).as("counted from zero again").isEqualTo(1);
                assertThat(a.stateSince())
                        .as("a state begun later: not a regression")
                        .isEqualTo(20_000);
            });
        }
    }
}
