package io.tally.aggregator.internal.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.aggregator.internal.decode.AgentPeek;
import io.tally.aggregator.internal.decode.AuditDecoder;
import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.aggregator.internal.kafka.RawRecord;
import io.tally.core.AgentIdentity;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.codec.AuditCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DedupFunctionTest {
    private static final long NOW = 100 * 86_400_000L;
    private static final AgentIdentity A = new AgentIdentity("a", "h");
    private static final AgentIdentity B = new AgentIdentity("b", "h");

    private static RawRecord raw(AuditMessage m) {
        return raw(AuditCodec.encode(m), m.agent().instanceId());
    }

    private static RawRecord raw(byte[] value, String routedBy) {
        RawRecord r = new RawRecord("tally.audit", 0, 7, null, value);
        r.agent = routedBy;
        return r;
    }

    private static AuditRecord record(AgentIdentity agent, long seq) {
        return AuditRecord.builder(agent, "producer", "t", new Bucket(NOW - 60_000, 60_000), CountingMode.ACK)
                .seq(seq)
                .emittedAt(NOW)
                .count(1)
                .bytes(1)
                .build();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, RawRecord, AuditMessage> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DedupFunction(
                        new AuditDecoder(60_000, 2 * 86_400_000L),
                        "dlq",
                        Duration.ofDays(2),
                        65_536,
                        Duration.ofSeconds(30))),
                (RawRecord r) -> r.agent,
                Types.STRING);
        h.setup(io.tally.aggregator.internal.codec.AuditMessageSerializer.INSTANCE);
        h.setProcessingTime(NOW);
        return h;
    }

    private static List<Envelope> deadLetters(
            KeyedOneInputStreamOperatorTestHarness<String, RawRecord, AuditMessage> h) {
        var out = h.getSideOutput(DedupFunction.DEAD_LETTERS);
        return out == null
                ? List.of()
                : out.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void a_repeated_agent_and_seq_passes_once_and_agents_do_not_share_seqs() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(raw(record(A, 0)), 0);
            h.processElement(raw(record(A, 1)), 0);
            h.processElement(raw(record(A, 0)), 0);
            h.processElement(raw(record(B, 0)), 0);
            h.processElement(raw(record(A, 1)), 0);
            assertThat(h.extractOutputValues())
                    .extracting(r -> r.agent().instanceId() + r.seq())
                    .containsExactly("a0", "a1", "b0");
        }
    }

    @Test
    void a_heartbeat_s_time_is_its_arrival_where_the_brokers_stamp_it_so_an_agent_with_a_wrong_clock_lives_on_time()
            throws Exception {
        try (var h = harness()) {
            h.open();
            Heartbeat behind =
                    Heartbeat.builder(A, "producer").emittedAt(NOW - 60_000).build(); // a clock a minute slow
            RawRecord appended = raw(behind);
            appended.appendedAt = NOW;
            h.processElement(appended, 0);
            Heartbeat onCreateTime =
                    Heartbeat.builder(B, "producer").emittedAt(NOW - 60_000).build();
            h.processElement(raw(onCreateTime), 0); // a topic that keeps the producer's time: the agent's clock
            assertThat(h.extractOutputValues())
                    .extracting(m -> m.agent().instanceId() + "@" + m.emittedAt())
                    .containsExactly("a@" + NOW, "b@" + (NOW - 60_000));
        }
    }

    @Test
    void heartbeats_are_deduplicated_too() throws Exception {
        try (var h = harness()) {
            h.open();
            Heartbeat hb = Heartbeat.builder(A, "producer").build();
            h.processElement(raw(hb), 0);
            h.processElement(raw(hb), 0);
            assertThat(h.extractOutputValues()).containsExactly(hb);
        }
    }

    @Test
    void a_heartbeat_read_before_counts_numbered_ahead_of_it_waits_for_them() throws Exception {
        try (var h = harness()) {
            h.open();
            Heartbeat first = Heartbeat.builder(A, "producer")
                    .seq(2)
                    .watermarks(Map.of("t", 1L))
                    .build();
            Heartbeat second = Heartbeat.builder(A, "producer")
                    .seq(4)
                    .watermarks(Map.of("t", 2L))
                    .build();
            h.processElement(raw(first), 0); // seqs 0 and 1 are on another partition of the audit topic
            h.processElement(raw(record(A, 1)), 0);
            h.processElement(raw(second), 0);
            assertThat(h.extractOutputValues()).extracting(m -> m.seq()).containsExactly(1L);
            h.processElement(raw(record(A, 0)), 0); // releases the first heartbeat, not the second (3 missing)
            h.processElement(raw(record(A, 3)), 0); // releases the second
            assertThat(h.extractOutputValues()).extracting(m -> m.seq()).containsExactly(1L, 0L, 2L, 3L, 4L);
        }
    }

    @Test
    void a_heartbeat_whose_earlier_messages_never_come_goes_on_after_the_hold() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(raw(record(A, 0)), 0);
            Heartbeat hb = Heartbeat.builder(A, "producer")
                    .seq(5) // 1-4 were dropped
                    .watermarks(Map.of("t", 1L))
                    .build();
            h.processElement(raw(hb), 0);
            h.setProcessingTime(NOW + 29_000);
            assertThat(h.extractOutputValues()).extracting(m -> m.seq()).containsExactly(0L);
            h.setProcessingTime(NOW + 30_000);
            assertThat(h.extractOutputValues()).extracting(m -> m.seq()).containsExactly(0L, 5L);
        }
    }

    @Test
    void counts_of_another_bucket_size_are_refused_and_the_agent_s_heartbeats_say_why_until_it_counts_as_deployed()
            throws Exception {
        try (var h = harness()) {
            h.open();
            AuditRecord tenSeconds = AuditRecord.builder(
                            A, "consumer.billing", "t", new Bucket(NOW - 10_000, 10_000), CountingMode.COMMIT)
                    .emittedAt(NOW)
                    .count(5)
                    .bytes(5)
                    .build();
            Heartbeat hb = Heartbeat.builder(A, "consumer.billing")
                    .seq(1)
                    .watermarks(Map.of("t", NOW))
                    .build();
            h.processElement(raw(hb), 0); // read first, from another partition of the audit topic: it waits
            h.processElement(raw(tenSeconds), 0);

            assertThat(deadLetters(h))
                    .singleElement()
                    .satisfies(e -> assertThat(e.reason).contains("bucketMs 10000 differs"));
            assertThat(h.extractOutputValues())
                    .as("the heartbeat does not wait for the refused seq")
                    .singleElement()
                    .satisfies(m -> assertThat(((Heartbeat) m).refused())
                            .contains("set tally.bucket.ms=60000 on the clients of tier consumer.billing"));

            h.processElement(raw(record(A, 2)), 0); // restarted with the deployment's bucket size
            h.processElement(raw(hb.toBuilder().seq(3).build()), 0);
            assertThat(((Heartbeat) h.extractOutputValues().get(2)).refused()).isEmpty();
        }
    }

    @Test
    void bad_input_goes_to_the_dead_letters_unchanged_with_its_reason_and_origin() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(raw("garbage".getBytes(StandardCharsets.UTF_8), ""), 0);
            h.processElement(raw(AuditCodec.encode(record(A, 3)), "not-a"), 0);
            byte[] twoAgents = new String(AuditCodec.encode(record(A, 4)), StandardCharsets.UTF_8)
                    .replaceFirst("\\{", "{\"agent\":\"not-a\",")
                    .getBytes(StandardCharsets.UTF_8);
            h.processElement(raw(twoAgents, AgentPeek.agentOf(twoAgents)), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            List<Envelope> dead = deadLetters(h);
            assertThat(dead)
                    .extracting(e -> e.reason)
                    .satisfiesExactly(
                            r -> assertThat(r).contains("not valid JSON"),
                            r -> assertThat(r).contains("ambiguous agent"),
                            r -> assertThat(r).contains("ambiguous agent"));
            assertThat(dead.get(0).value).isEqualTo("garbage".getBytes(StandardCharsets.UTF_8));
            assertThat(dead).allMatch(e -> e.topic.equals("dlq") && e.origin.equals("tally.audit/0@7"));
        }
    }

    @Test
    void seqs_seen_before_a_checkpoint_are_still_refused_after_restoring_it() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(raw(record(A, 0)), 0);
            h.processElement(raw(record(A, 5)), 0);
            snapshot = h.snapshot(1, 0);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(raw(record(A, 5)), 0);
            h.processElement(raw(record(A, 0)), 0);
            h.processElement(raw(record(A, 1)), 0);
            assertThat(h.extractOutputValues()).extracting(AuditMessage::seq).containsExactly(1L);
        }
    }
}
