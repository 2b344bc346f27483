package io.tally.aggregator.internal.logtier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Heartbeat;
import io.tally.core.codec.AuditCodec;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class LogTierOperatorTest {
    private static final long T0 = 1_764_000_000_000L;

    private static OneInputStreamOperatorTestHarness<LogObservation, Envelope> harness() throws Exception {
        return harness(LogCounter.TIER);
    }

    private static OneInputStreamOperatorTestHarness<LogObservation, Envelope> harness(String tier) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(
                new LogTierOperator(tier, "tally.audit", 60_000, 0, 3_600_000, 1_209_600_000, 5_000, 30_000));
        h.setProcessingTime(T0);
        return h;
    }

    private static void count(
            OneInputStreamOperatorTestHarness<LogObservation, Envelope> h, long fromOffset, long toOffset)
            throws Exception {
        for (long o = fromOffset; o < toOffset; o++) {
            h.processElement(new LogObservation("orders", 0, o, T0, o, 10), T0);
        }
    }

    private static List<AuditMessage> emitted(OneInputStreamOperatorTestHarness<LogObservation, Envelope> h) {
        return h.extractOutputValues().stream()
                .map(e -> (AuditMessage) AuditCodec.decode(e.value))
                .toList();
    }

    private static Set<String> numbers(List<AuditMessage> messages) {
        return messages.stream()
                .map(m -> m.agent().instanceId() + "#" + m.seq())
                .collect(Collectors.toSet());
    }

    @Test
    void a_restore_from_an_older_savepoint_reuses_no_sequence_number_the_aggregator_has_seen() throws Exception {
        OperatorSubtaskState older;
        List<AuditMessage> first;
        try (var h = harness()) {
            h.open();
            count(h, 0, 10);
            h.prepareSnapshotPreBarrier(1); // flushes its counts before the barrier: seq 0 and 1
            older = h.snapshot(1, T0);
            count(h, 10, 20);
            h.prepareSnapshotPreBarrier(2);
            h.snapshot(2, T0); // seq 2 and 3, committed: the aggregator has seen them
            first = emitted(h);
        }
        assertThat(first).hasSize(4);

        try (var restored = harness()) {
            restored.initializeState(older); // an older savepoint: offsets 10-19 are read and counted again
            restored.open();
            count(restored, 10, 20);
            restored.prepareSnapshotPreBarrier(3);
            List<AuditMessage> again = emitted(restored);

            assertThat(again.stream()
                            .filter(m -> m instanceof AuditRecord)
                            .mapToLong(m -> ((AuditRecord) m).count())
                            .sum())
                    .isEqualTo(10);
            Heartbeat closing = (Heartbeat) again.get(0);
            assertThat(closing.agent())
                    .as("the restored agent is closed")
                    .isEqualTo(first.get(0).agent());
            assertThat(closing.closed()).isTrue();
            assertThat(closing.seq())
                    .as("its next number: after this older savepoint, a repeat the aggregator drops")
                    .isEqualTo(2);
            assertThat(again.subList(1, again.size()))
                    .as("what it counts again goes out under a new agent")
                    .isNotEmpty()
                    .allMatch(m -> !m.agent().equals(first.get(0).agent()));
            assertThat(numbers(again.subList(1, again.size()))).doesNotContainAnyElementsOf(numbers(first));
        }
    }

    @Test
    void records_deleted_while_the_job_was_down_are_reported_as_its_gap_after_the_restore() throws Exception {
        for (String tier : List.of(LogCounter.TIER, LogCounter.COMMITTED_TIER)) {
            OperatorSubtaskState checkpoint;
            try (var h = harness(tier)) {
                h.open();
                count(h, 0, 10);
                h.prepareSnapshotPreBarrier(1);
                checkpoint = h.snapshot(1, T0);
            }
            try (var restored = harness(tier)) {
                restored.initializeState(checkpoint);
                restored.open();
                count(restored, 30, 35); // 10-29 deleted meanwhile: Kafka moved the reader to the log's new start
                restored.prepareSnapshotPreBarrier(2);
                Heartbeat heartbeat = (Heartbeat) emitted(restored).stream()
                        .filter(m -> m instanceof Heartbeat hb && !hb.closed())
                        .reduce((a, b) -> b)
                        .orElseThrow();

                assertThat(heartbeat.dropped()).as(tier).isEqualTo(20);
                assertThat(heartbeat.droppedByBucket().get("orders")).as(tier).containsValue(20L);
                assertThat(heartbeat.startOffsets().get("orders"))
                        .as("%s: where this agent started", tier)
                        .containsExactly(java.util.Map.entry(0, 30L));
            }
            try (var fresh = harness(tier)) {
                fresh.open();
                count(fresh, 30, 35);
                fresh.prepareSnapshotPreBarrier(1);
                assertThat(emitted(fresh).stream()
                                .filter(m -> m instanceof Heartbeat)
                                .mapToLong(m -> ((Heartbeat) m).dropped())
                                .max())
                        .as("%s: a first start has nothing to compare with", tier)
                        .hasValue(0);
            }
        }
    }
}
