package io.tally.aggregator.internal.progress;

import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.core.AgentIdentity;
import io.tally.core.Heartbeat;
import io.tally.core.TierProgress;
import io.tally.core.codec.AuditCodec;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressFunctionTest {
    private static final long T0 = 1_000_000;

    private static KeyedOneInputStreamOperatorTestHarness<String, Heartbeat, Envelope> harness() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new ProgressFunction("aggregates",
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofDays(2)), Heartbeat::tier, Types.STRING);
        h.setProcessingTime(T0);
        return h;
    }

    private static List<TierProgress> emitted(KeyedOneInputStreamOperatorTestHarness<String, Heartbeat, Envelope> h) {
        return h.extractOutputValues().stream().map(e -> (TierProgress) AuditCodec.decode(e.value)).toList();
    }

    @Test
    void heartbeats_become_debounced_progress_and_an_agent_that_goes_silent_stops_counting() throws Exception {
        try (var h = harness()) {
            h.processElement(new Heartbeat(new AgentIdentity("a", "h"), 0, T0, "log", Map.of("t", 500L), false, 0), 0);
            h.processElement(new Heartbeat(new AgentIdentity("b", "h"), 0, T0 - 10_000, "log", Map.of("t", 100L),
                    false, 0), 0);
            h.setProcessingTime(T0 + 1_000);
            assertThat(emitted(h)).singleElement().satisfies(p -> {
                assertThat(p.watermark()).isEqualTo(100);
                assertThat(p.liveAgents()).isEqualTo(2);
                assertThat(p.lastHeartbeatAt()).isEqualTo(T0);
            });
            // b's last heartbeat is 30 s old at T0 + 20 s: progress is emitted again without it
            h.setProcessingTime(T0 + 20_000);
            assertThat(emitted(h)).hasSize(2);
            assertThat(emitted(h).get(1).watermark()).isEqualTo(500);
            assertThat(emitted(h).get(1).liveAgents()).isEqualTo(1);
        }
    }
}
