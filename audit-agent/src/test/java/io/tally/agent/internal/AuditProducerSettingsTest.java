package io.tally.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.agent.AgentConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
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
        consumer.put("tally.kafka.compression.type", "zstd");
        consumer.put("compression.type", "lz4");
        assertThat(AgentRuntime.ownProducerSettings(new AgentConfig(consumer), consumer, "consumer.g"))
                .containsEntry("compression.type", "zstd");
    }

    @Test
    void the_audit_cluster_is_tally_kafka_bootstrap_servers_or_its_first_name_and_not_two_different_ones() {
        Map<String, Object> client = new HashMap<>(Map.of("bootstrap.servers", "h:9092"));
        client.put("tally.kafka.bootstrap.servers", "audit:9092");
        assertThat(AgentRuntime.ownProducerSettings(new AgentConfig(client), client, "producer"))
                .containsEntry("bootstrap.servers", "audit:9092");

        Map<String, Object> contract = new HashMap<>(Map.of("bootstrap.servers", "h:9092"));
        contract.put("tally.audit.bootstrap.servers", "old:9092");
        assertThat(AgentRuntime.ownProducerSettings(new AgentConfig(contract), contract, "producer"))
                .as("the name of the first releases' public contract is still read")
                .containsEntry("bootstrap.servers", "old:9092");

        contract.put("tally.kafka.bootstrap.servers", "audit:9092");
        assertThatThrownBy(() -> new AgentConfig(contract))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tally.audit.bootstrap.servers")
                .hasMessageContaining("tally.kafka.bootstrap.servers");
    }

    @Test
    void a_tally_key_the_agent_does_not_read_is_refused_but_shared_and_other_roles_keys_are_not_its_to_refuse() {
        assertThatThrownBy(() -> new AgentConfig(Map.of("tally.bucket.msec", "1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tally.bucket.msec");
        assertThat(new AgentConfig(Map.of("tally.cassandra.keyspace", "t", "tally.reconciler.grace.ms", "1"))
                        .getLong(AgentConfig.BUCKET_MS))
                .isEqualTo(60_000L);
    }
}
