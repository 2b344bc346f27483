package io.tally.aggregator.internal.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AgentIdentity;
import io.tally.core.Heartbeat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarksTest {
    private static final AgentIdentity A = new AgentIdentity("a", "h");

    @Test
    void each_topic_keeps_its_own_records_waiting_to_be_counted() {
        Heartbeat h = Heartbeat.builder(A, "consumer.g")
                .watermarks(Map.of("orders", 1_000L, "payments", 2_000L))
                .partitions(Map.of("orders", Map.of(0, 1_000L), "payments", Map.of(1, 2_000L)))
                .waiting(Map.of("orders", 7L))
                .build();

        List<Heartbeat> marks = Marks.split(h);

        assertThat(marks).extracting(Marks::topicOf).containsExactly("orders", "payments");
        assertThat(marks.get(0).waiting()).isEqualTo(Map.of("orders", 7L));
        assertThat(marks.get(1).waiting()).isEmpty();
    }

    @Test
    void a_topic_with_records_waiting_and_nothing_passed_yet_gets_a_mark() {
        Heartbeat h = Heartbeat.builder(A, "consumer.g")
                .partitions(Map.of())
                .waiting(Map.of("orders", 3L))
                .build();

        List<Heartbeat> marks = Marks.split(h);

        assertThat(marks).hasSize(1);
        assertThat(Marks.topicOf(marks.get(0))).isEqualTo("orders");
        assertThat(marks.get(0).waitingOn("orders")).isEqualTo(3);
    }
}
