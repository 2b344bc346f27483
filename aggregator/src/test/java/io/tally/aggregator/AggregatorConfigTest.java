package io.tally.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.settings.SharedSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregatorConfigTest {

    @Test
    void defaults_are_the_documented_ones() {
        AggregatorConfig c = AggregatorConfig.defaults();
        assertThat(c.getString(SharedSettings.AUDIT_TOPIC)).isEqualTo("tally.audit");
        assertThat(c.getString(SharedSettings.AGGREGATES_TOPIC)).isEqualTo("tally.aggregates");
        assertThat(c.getString(SharedSettings.DLQ_TOPIC)).isEqualTo("tally.audit.dlq");
        assertThat(c.getLong(SharedSettings.BUCKET_MS)).isEqualTo(60_000L);
        assertThat(c.duration(AggregatorConfig.STATE_RETENTION_MS)).isEqualTo(Duration.ofDays(2));
        assertThat(c.getInt(SharedSettings.DIGEST_CELLS)).isEqualTo(128);
    }

    @Test
    void settings_are_read_from_strings_with_durations_in_ms() {
        AggregatorConfig c = AggregatorConfig.fromProperties(Map.of(
                "tally.bucket.ms",
                "10000",
                "tally.aggregator.state.retention.ms",
                "129600000",
                "tally.aggregator.emit.interval.ms",
                "250",
                "tally.aggregator.parallelism",
                "2"));
        assertThat(c.getLong(SharedSettings.BUCKET_MS)).isEqualTo(10_000L);
        assertThat(c.duration(AggregatorConfig.STATE_RETENTION_MS)).isEqualTo(Duration.ofHours(36));
        assertThat(c.duration(AggregatorConfig.EMIT_INTERVAL_MS)).isEqualTo(Duration.ofMillis(250));
        assertThat(c.getInt(AggregatorConfig.PARALLELISM)).isEqualTo(2);
    }

    @Test
    void a_bad_or_unknown_setting_is_refused_naming_the_key_and_value() {
        assertThatThrownBy(() -> AggregatorConfig.fromProperties(Map.of("tally.bucket.ms", "500")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tally.bucket.ms")
                .hasMessageContaining("500");
        assertThatThrownBy(() -> AggregatorConfig.fromProperties(Map.of("tally.bucket.ms", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tally.bucket.ms");
        assertThatThrownBy(() -> AggregatorConfig.fromProperties(Map.of("tally.log.topics", "(")))
                .hasMessageContaining("tally.log.topics");
        assertThatThrownBy(() -> AggregatorConfig.fromProperties(Map.of("tally.aggregator.log.event.time", "value")))
                .hasMessageContaining("tally.aggregator.log.event.time");
        assertThatThrownBy(() -> AggregatorConfig.fromProperties(Map.of("tally.digest.cells", "3")))
                .hasMessageContaining("tally.digest.cells");
        assertThatThrownBy(() -> AggregatorConfig.fromProperties(Map.of("tally.bucket.size", "1")))
                .hasMessageContaining("unknown aggregator setting(s) [tally.bucket.size]");
        assertThatThrownBy(() -> AggregatorConfig.fromProperties(Map.of("tally.aggregator.paralelism", "1")))
                .hasMessageContaining("unknown aggregator setting(s) [tally.aggregator.paralelism]");
        assertThat(AggregatorConfig.fromProperties(
                        Map.of("tally.reconciler.grace.ms", "x", "tally.flush.interval.ms", "5000")))
                .as("another role's keys, and shared keys the aggregator does not read, are not its to refuse")
                .isEqualTo(AggregatorConfig.defaults());
    }

    @Test
    void the_job_jar_reads_settings_as_flags_or_key_value_pairs() {
        assertThat(AggregatorMain.settings(
                        new String[] {
                            "all",
                            "--tally.bucket.ms",
                            "10000",
                            "tally.aggregator.parallelism=2",
                            "--tally.audit.topic=a"
                        },
                        1))
                .containsExactly(
                        Map.entry("tally.bucket.ms", "10000"),
                        Map.entry("tally.aggregator.parallelism", "2"),
                        Map.entry("tally.audit.topic", "a"));
        assertThatThrownBy(() -> AggregatorMain.settings(new String[] {"--tally.bucket.ms"}, 0))
                .hasMessageContaining("has no value");
    }
}
