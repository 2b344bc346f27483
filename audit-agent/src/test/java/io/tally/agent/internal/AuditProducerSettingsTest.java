package io.tally.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.agent.AgentConfig;
import io.tally.core.settings.SharedSettings;
import java.util.HashMap;
import java.util.List;
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
        Map<String, Object> own = AgentRuntime.ownProducerSettings(AgentConfig.fromProperties(host), host, "producer");
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
        assertThat(AgentRuntime.ownProducerSettings(AgentConfig.fromProperties(consumer), consumer, "consumer.g"))
                .containsEntry("compression.type", "none");
        consumer.put("tally.kafka.compression.type", "zstd");
        consumer.put("compression.type", "lz4");
        assertThat(AgentRuntime.ownProducerSettings(AgentConfig.fromProperties(consumer), consumer, "consumer.g"))
                .containsEntry("compression.type", "zstd");
    }

    @Test
    void the_audit_cluster_is_tally_kafka_bootstrap_servers_or_its_first_name_and_not_two_different_ones() {
        Map<String, Object> client = new HashMap<>(Map.of("bootstrap.servers", "h:9092"));
        client.put("tally.kafka.bootstrap.servers", "audit:9092");
        assertThat(AgentRuntime.ownProducerSettings(AgentConfig.fromProperties(client), client, "producer"))
                .containsEntry("bootstrap.servers", "audit:9092");

        Map<String, Object> contract = new HashMap<>(Map.of("bootstrap.servers", "h:9092"));
        contract.put("tally.audit.bootstrap.servers", "old:9092");
        assertThat(AgentRuntime.ownProducerSettings(AgentConfig.fromProperties(contract), contract, "producer"))
                .as("the name of the first releases' public contract is still read")
                .containsEntry("bootstrap.servers", "old:9092");

        contract.put("tally.kafka.bootstrap.servers", "audit:9092");
        assertThatThrownBy(() -> AgentConfig.fromProperties(contract))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tally.audit.bootstrap.servers")
                .hasMessageContaining("tally.kafka.bootstrap.servers");
    }

    @Test
    void the_audit_cluster_is_a_text_or_a_list_as_a_clients_own_and_not_empty() {
        Map<String, Object> client = new HashMap<>(Map.of("bootstrap.servers", "h:9092"));
        client.put("tally.kafka.bootstrap.servers", List.of("a:9092", "b:9092"));
        assertThat(AgentConfig.fromProperties(client).auditBootstrapServers()).containsExactly("a:9092", "b:9092");

        client.put("tally.kafka.bootstrap.servers", " a:9092 , b:9092 ");
        assertThat(AgentConfig.fromProperties(client).auditBootstrapServers()).containsExactly("a:9092", "b:9092");

        client.put("tally.kafka.bootstrap.servers", " ");
        assertThatThrownBy(() -> AgentConfig.fromProperties(client))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tally.kafka.bootstrap.servers");
    }

    @Test
    void a_tally_key_the_agent_does_not_read_is_refused_but_shared_and_other_roles_keys_are_not_its_to_refuse() {
        assertThatThrownBy(() -> AgentConfig.fromProperties(Map.of("tally.bucket.msec", "1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tally.bucket.msec");
        assertThat(AgentConfig.fromProperties(Map.of("tally.cassandra.keyspace", "t", "tally.reconciler.grace.ms", "1"))
                        .getLong(SharedSettings.BUCKET_MS))
                .isEqualTo(60_000L);
    }
}
