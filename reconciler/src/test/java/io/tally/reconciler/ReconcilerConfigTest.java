package io.tally.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilerConfigTest {

    @Test
    void defaults_match_the_design() {
        ReconcilerConfig c = ReconcilerConfig.defaults();

        assertThat(c.getString(ReconcilerConfig.BOOTSTRAP_SERVERS)).isEqualTo("localhost:9092");
        assertThat(c.getString(ReconcilerConfig.CASSANDRA_CONTACT_POINTS)).isEqualTo("localhost:9042");
        assertThat(c.getString(ReconcilerConfig.AGGREGATES_TOPIC)).isEqualTo("tally.aggregates");
        assertThat(c.getLong(ReconcilerConfig.RETENTION_MS)).isEqualTo(14L * 86_400_000L);
        assertThat(c.getDouble(ReconcilerConfig.LATENCY_PERCENTILE)).isEqualTo(0.99);
    }

    @Test
    void errors_name_the_key_and_the_bad_value() {
        assertThatThrownBy(() -> ReconcilerConfig.fromProperties(Map.of(ReconcilerConfig.GRACE_MS, "soon")))
                .hasMessageContaining("tally.reconciler.grace.ms")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> ReconcilerConfig.fromProperties(Map.of(ReconcilerConfig.STALL_TIMEOUT_MS, "5")))
                .hasMessageContaining("tally.reconciler.stall.timeout.ms must be >= 1000, was 5");
        assertThatThrownBy(() -> ReconcilerConfig.fromProperties(Map.of("tally.reconciler.grace", "5")))
                .hasMessageContaining("unknown reconciler setting 'tally.reconciler.grace'");
        assertThatThrownBy(() -> ReconcilerConfig.defaults().with(ReconcilerConfig.LATENCY_PERCENTILE, 1.5))
                .hasMessageContaining("(0, 1], was 1.5");
    }

    @Test
    void kafka_keys_pass_through_without_the_prefix() {
        ReconcilerConfig c = ReconcilerConfig.fromProperties(
                Map.of("tally.reconciler.kafka.security.protocol", "SSL", "unrelated.key", "x"));

        assertThat(c.kafkaProperties()).containsExactly(Map.entry("security.protocol", "SSL"));
        assertThat(c.with(ReconcilerConfig.GRACE_MS, "1").kafkaProperties()).containsKey("security.protocol");
    }

    @Test
    void the_readme_shows_the_current_settings_table() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String table = ReconcilerConfig.markdownTable();

        assertThat(readme)
                .as("reconciler/README.md is stale; the table is:%n%s", table)
                .contains(table);
    }
}
