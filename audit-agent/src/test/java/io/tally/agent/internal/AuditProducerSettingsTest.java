package io.tally.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.agent.AgentConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditProducerSettingsTest {
    @Test
    void the_agent_s_producer_compresses_as_its_host_does_and_keeps_its_own_safety_settings() {
        Map<String, Object> host = new HashMap<>(Map.of(
                "bootstrap.servers",
                "h:9092",
                "compression.type",
                "lz4",
                "interceptor.classes",
                "io.tally.agent.AuditProducerInterceptor",
                "sasl.mechanism",
                "PLAIN"));
        Map<String, Object> own = AgentRuntime.ownProducerSettings(new AgentConfig(host), host, "producer");
        assertThat(own)
                .containsEntry("bootstrap.servers", "h:9092")
                .containsEntry("compression.type", "lz4")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .containsEntry("sasl.mechanism", "PLAIN")
                .doesNotContainKey("interceptor.classes");
    }

    @Test
    void without_a_host_codec_it_sends_uncompressed_and_an_explicit_setting_wins() {
        Map<String, Object> consumer = new HashMap<>(Map.of("bootstrap.servers", "h:9092"));
        assertThat(AgentRuntime.ownProducerSettings(new AgentConfig(consumer), consumer, "consumer.g"))
                .containsEntry("compression.type", "none");
        consumer.put("tally.audit.producer.compression.type", "zstd");
        consumer.put("compression.type", "lz4");
        assertThat(AgentRuntime.ownProducerSettings(new AgentConfig(consumer), consumer, "consumer.g"))
                .containsEntry("compression.type", "zstd");
    }
}
