package io.tally.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentSettingsTest {
    @Test
    void the_agents_settings_round_trip_and_nothing_else_is_published() {
        Map<String, Object> aggregator = Map.of(
                SharedSettings.BUCKET_MS, 10_000L,
                SharedSettings.DIGEST_CELLS, 64,
                SharedSettings.SKEW_FUTURE_MS, 3_600_000L,
                SharedSettings.SKEW_PAST_MS, 1_209_600_000L,
                SharedSettings.CASSANDRA_KEYSPACE, "tally");

        assertThat(DeploymentSettings.decode(DeploymentSettings.encode(aggregator)))
                .containsOnlyKeys(DeploymentSettings.KEYS)
                .containsEntry(SharedSettings.BUCKET_MS, "10000")
                .containsEntry(SharedSettings.DIGEST_CELLS, "64");
    }

    @Test
    void keys_of_a_later_version_are_left_out_and_a_bad_line_is_named() {
        byte[] later = "tally.bucket.ms=5000\ntally.something.new=1\n".getBytes(StandardCharsets.UTF_8);
        assertThat(DeploymentSettings.decode(later)).containsExactly(Map.entry(SharedSettings.BUCKET_MS, "5000"));

        assertThatThrownBy(() -> DeploymentSettings.decode("tally.bucket.ms 5000".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("'tally.bucket.ms 5000'");
    }
}
