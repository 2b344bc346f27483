package io.tally.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.settings.SharedSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilerConfigTest {

    @Test
    void defaults_match_the_design() {
        ReconcilerConfig c = ReconcilerConfig.defaults();

        assertThat(c.getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("localhost:9092");
        assertThat(c.getString(SharedSettings.CASSANDRA_CONTACT_POINTS)).isEqualTo("localhost:9042");
        assertThat(c.getString(SharedSettings.AGGREGATES_TOPIC)).isEqualTo("tally.aggregates");
        assertThat(c.getLong(ReconcilerConfig.RETENTION_MS)).isEqualTo(14L * 86_400_000L);
        assertThat(c.getDouble(ReconcilerConfig.LATENCY_PERCENTILE)).isEqualTo(0.99);
    }

    @Test
    void errors_name_the_key_and_the_bad_value() {
        assertThatThrownBy(() -> ReconcilerConfig.fromProperties(Map.of(ReconcilerConfig.GRACE_MS, "soon")))
                .hasMessageContaining("tally.reconciler.grace.ms")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> ReconcilerConfig.fromProperties(Map.of(ReconcilerConfig.STALL_TIMEOUT_MS, "5")))
                .hasMessageContaining(
                        "Invalid value 5 for configuration tally.reconciler.stall.timeout.ms: Value must be at least "
                                + "1000");
        assertThatThrownBy(() -> ReconcilerConfig.fromProperties(Map.of("tally.reconciler.grace", "5")))
                .hasMessageContaining("unknown reconciler setting(s) [tally.reconciler.grace]");
        assertThatThrownBy(() -> ReconcilerConfig.fromProperties(Map.of(ReconcilerConfig.LOG_TIER, "sometimes")))
                .hasMessageContaining("tally.reconciler.log.tier")
                .hasMessageContaining("one of: auto, expected, none");
        assertThatThrownBy(() -> ReconcilerConfig.fromProperties(Map.of(SharedSettings.LOG_TOPICS, "orders(")))
                .hasMessageContaining("tally.log.topics")
                .hasMessageContaining("not a regular expression");
        assertThatThrownBy(() -> ReconcilerConfig.defaults().with(ReconcilerConfig.LATENCY_PERCENTILE, 1.5))
                .hasMessageContaining(
                        "Invalid value 1.5 for configuration tally.reconciler.latency.percentile: must be in (0, 1]");
    }

    @Test
    void shared_keys_and_other_roles_keys_are_not_the_reconcilers_to_refuse() {
        ReconcilerConfig c = ReconcilerConfig.fromProperties(Map.of(
                "tally.kafka.bootstrap.servers", "kafka:9092", "tally.bucket.ms", "5000", "tally.api.port", "1"));

        assertThat(c.getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("kafka:9092");
    }

    @Test
    void kafka_keys_pass_through_without_the_prefix() {
        ReconcilerConfig c =
                ReconcilerConfig.fromProperties(Map.of("tally.kafka.security.protocol", "SSL", "unrelated.key", "x"));

        assertThat(c.kafkaProperties()).containsExactly(Map.entry("security.protocol", "SSL"));
        assertThat(c.with(ReconcilerConfig.GRACE_MS, "1").kafkaProperties()).containsKey("security.protocol");
    }

    @Test
    void the_webhook_url_holds_a_secret_and_is_shown_by_its_host_only() {
        ReconcilerConfig c = ReconcilerConfig.fromProperties(
                java.util.Map.of(ReconcilerConfig.WEBHOOK_URL, "https://hooks.slack.com/services/T0/B0/SECRET"));
        assertThat(c.toString()).contains("https://hooks.slack.com/…").doesNotContain("SECRET");
        assertThat(c.getString(ReconcilerConfig.WEBHOOK_URL)).endsWith("SECRET");
    }
}
