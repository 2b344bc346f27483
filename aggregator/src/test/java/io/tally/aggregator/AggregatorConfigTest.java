package io.tally.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregatorConfigTest {

    @Test
    void defaults_are_the_documented_ones() {
        AggregatorConfig c = AggregatorConfig.defaults();
        assertThat(c.get(AggregatorConfig.AUDIT_TOPIC)).isEqualTo("tally.audit");
        assertThat(c.get(AggregatorConfig.AGGREGATES_TOPIC)).isEqualTo("tally.aggregates");
        assertThat(c.get(AggregatorConfig.DLQ_TOPIC)).isEqualTo("tally.audit.dlq");
        assertThat(c.get(AggregatorConfig.BUCKET_MS)).isEqualTo(60_000L);
        assertThat(c.get(AggregatorConfig.STATE_RETENTION)).isEqualTo(Duration.ofDays(2));
        assertThat(c.get(AggregatorConfig.DIGEST_CELLS)).isEqualTo(128);
    }

    @Test
    void settings_are_read_from_strings_with_durations_in_ms_or_with_units() {
        AggregatorConfig c = AggregatorConfig.fromMap(Map.of(
                "tally.bucket.ms",
                "10000",
                "tally.state.retention.ms",
                "36 h",
                "tally.aggregator.emit.interval.ms",
                "250",
                "tally.aggregator.parallelism",
                "2"));
        assertThat(c.get(AggregatorConfig.BUCKET_MS)).isEqualTo(10_000L);
        assertThat(c.get(AggregatorConfig.STATE_RETENTION)).isEqualTo(Duration.ofHours(36));
        assertThat(c.get(AggregatorConfig.EMIT_INTERVAL)).isEqualTo(Duration.ofMillis(250));
        assertThat(c.get(AggregatorConfig.PARALLELISM)).isEqualTo(2);
    }

    @Test
    void a_bad_or_unknown_setting_is_refused_naming_the_key_and_value() {
        assertThatThrownBy(() -> AggregatorConfig.fromMap(Map.of("tally.bucket.ms", "500")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tally.bucket.ms")
                .hasMessageContaining("500");
        assertThatThrownBy(() -> AggregatorConfig.fromMap(Map.of("tally.bucket.ms", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tally.bucket.ms");
        assertThatThrownBy(() -> AggregatorConfig.fromMap(Map.of("tally.log.topics", "(")))
                .hasMessageContaining("tally.log.topics");
        assertThatThrownBy(() -> AggregatorConfig.fromMap(Map.of("tally.log.event.time", "value")))
                .hasMessageContaining("tally.log.event.time");
        assertThatThrownBy(() -> AggregatorConfig.fromMap(Map.of("tally.digest.cells", "3")))
                .hasMessageContaining("tally.digest.cells");
        assertThatThrownBy(() -> AggregatorConfig.fromMap(Map.of("tally.bucket.size", "1")))
                .hasMessageContaining("unknown setting 'tally.bucket.size'");
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
