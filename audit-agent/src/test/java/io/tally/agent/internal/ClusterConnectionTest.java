package io.tally.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterConnectionTest {

    @Test
    void keeps_the_cluster_and_its_credentials_and_leaves_the_rest_out() {
        Map<String, Object> client = Map.of(
                "bootstrap.servers", "kafka:9093",
                "security.protocol", "SASL_SSL",
                "client.dns.lookup", "use_all_dns_ips",
                "sasl.mechanism", "PLAIN",
                "ssl.truststore.location", "/etc/truststore.jks",
                "group.id", "orders",
                "client.id", "app-1",
                "interceptor.classes", "io.tally.agent.AuditConsumerInterceptor",
                "tally.bucket.ms", 60_000L);

        assertThat(ClusterConnection.of(client))
                .containsOnlyKeys(
                        "bootstrap.servers",
                        "security.protocol",
                        "client.dns.lookup",
                        "sasl.mechanism",
                        "ssl.truststore.location")
                .containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void gives_a_map_the_caller_may_add_its_own_keys_to() {
        Map<String, Object> props = ClusterConnection.of(Map.of("bootstrap.servers", "kafka:9092"));

        props.put("client.id", "tally-agent-settings");

        assertThat(props).containsEntry("client.id", "tally-agent-settings");
    }
}
