package io.tally.agent.internal;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IsolatedAuditSinkTest {
    private static Map<String, Object> settings() {
        // nothing listens on port 1: the producer is built, and a send fails within max.block.ms
        return new HashMap<>(KafkaAuditSink.producerSettings("127.0.0.1:1", "tally-agent-test", Map.of(),
                Map.of("max.block.ms", 200)));
    }

    @Test
    void the_agent_s_producer_runs_on_its_own_copy_of_the_client_classes() throws Exception {
        Optional<AuditSink> sink = IsolatedAuditSink.create("tally.audit", settings());
        assertThat(sink).isPresent();
        IsolatedAuditSink isolated = (IsolatedAuditSink) sink.get();
        assertThat(isolated.producerLoader()).isNotSameAs(KafkaProducer.class.getClassLoader());
        CompletableFuture<Exception> outcome = new CompletableFuture<>();
        try {
            isolated.send("key", new byte[] {1}, outcome::complete);
        } catch (RuntimeException e) {
            outcome.complete(e); // the metadata wait may also fail the send itself, as with the host's classes
        }
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isNotNull()
                .extracting(e -> e.getClass().getSimpleName()).isEqualTo("TimeoutException");
        isolated.close(Duration.ofSeconds(1));
    }

    @Test
    void classes_and_passwords_cross_by_name_and_value_and_other_host_objects_keep_the_shared_classes() {
        Map<String, Object> portable = settings();
        portable.put("partitioner.class", org.apache.kafka.clients.producer.RoundRobinPartitioner.class);
        portable.put("ssl.key.password", new Password("secret"));
        portable.put("metric.reporters", List.of());
        Optional<AuditSink> sink = IsolatedAuditSink.create("tally.audit", portable);
        assertThat(sink).isPresent();
        sink.get().close(Duration.ofSeconds(1));

        Map<String, Object> foreign = settings();
        foreign.put("some.plugin.instance", new Object());
        assertThat(IsolatedAuditSink.create("tally.audit", foreign)).isEmpty();
    }

    @Test
    void settings_the_client_refuses_leave_it_to_the_shared_classes_which_refuse_them_with_the_host_s_types() {
        Map<String, Object> bad = settings();
        bad.put("acks", "sometimes");
        assertThat(IsolatedAuditSink.create("tally.audit", bad)).isEmpty();
        assertThatThrownBy(() -> new KafkaAuditSink("tally.audit", bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("acks");
    }
}
