package io.tally.aggregator.internal.dedup;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.sketch.LatencySketch;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DedupFunctionTest {
    private static final AgentIdentity A = new AgentIdentity("a", "h");
    private static final AgentIdentity B = new AgentIdentity("b", "h");

    private static AuditRecord record(AgentIdentity agent, long seq) {
        return new AuditRecord(agent, seq, 0, "producer", "t", new Bucket(0, 60_000), CountingMode.ACK, 1, 1, 0, 0, 0,
                new LatencySketch(), null);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AuditMessage, AuditRecord> harness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new DedupFunction(Duration.ofDays(2), 65_536), m -> m.agent().instanceId(), Types.STRING);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AuditMessage, AuditRecord> restored()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DedupFunction(Duration.ofDays(2), 65_536)),
                m -> m.agent().instanceId(), Types.STRING);
    }

    @Test
    void a_repeated_agent_and_seq_passes_once_and_agents_do_not_share_seqs() throws Exception {
        try (var h = harness()) {
            h.processElement(record(A, 0), 0);
            h.processElement(record(A, 1), 0);
            h.processElement(record(A, 0), 0);
            h.processElement(record(B, 0), 0);
            h.processElement(record(A, 1), 0);
            assertThat(h.extractOutputValues()).extracting(r -> r.agent().instanceId() + r.seq())
                    .containsExactly("a0", "a1", "b0");
        }
    }

    @Test
    void heartbeats_are_deduplicated_too_and_go_to_their_own_output() throws Exception {
        try (var h = harness()) {
            Heartbeat hb = new Heartbeat(A, 7, 0, "producer", Map.of(), false, 0);
            h.processElement(hb, 0);
            h.processElement(hb, 0);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(DedupFunction.HEARTBEATS)).extracting(StreamRecord::getValue)
                    .containsExactly(hb);
        }
    }

    @Test
    void seqs_seen_before_a_checkpoint_are_still_refused_after_restoring_it() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = restored()) {
            h.open();
            h.processElement(record(A, 0), 0);
            h.processElement(record(A, 5), 0);
            snapshot = h.snapshot(1, 0);
        }
        try (var h = restored()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(record(A, 5), 0);
            h.processElement(record(A, 0), 0);
            h.processElement(record(A, 1), 0);
            assertThat(h.extractOutputValues()).extracting(AuditRecord::seq).containsExactly(1L);
        }
    }
}
