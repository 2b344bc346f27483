package io.tally.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class RoleConfigTest {
    private static final SettingsTable TABLE = SettingsTable.builder("reporter", "tally.reporter.")
            .define(new ConfigDef()
                    .define("tally.reporter.every.ms", Type.LONG, 1_000L, Range.atLeast(10), Importance.HIGH, "Every."))
            .shared(SharedSettings.BUCKET_MS)
            .sharedWithDefault(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, null, "Default: the reporter's own.")
            .passThrough(SharedSettings.KAFKA_PREFIX, "To the clients.")
            .build();

    /** A role's settings as a role declares them: a table, a private constructor, two factories. */
    static final class ReporterConfig extends RoleConfig<ReporterConfig> {
        private ReporterConfig(Map<String, ?> settings) {
            super(TABLE, settings, ReporterConfig::fromProperties);
        }

        static ReporterConfig fromProperties(Map<String, ?> settings) {
            return new ReporterConfig(settings);
        }

        static ReporterConfig defaults() {
            return fromProperties(Map.of());
        }
    }

    @Test
    void with_gives_a_checked_copy_that_keeps_the_other_settings_and_takes_a_duration_in_ms() {
        ReporterConfig given = ReporterConfig.fromProperties(
                Map.of("tally.bucket.ms", "5000", "tally.kafka.security.protocol", "SSL"));

        ReporterConfig changed = given.with("tally.reporter.every.ms", Duration.ofSeconds(2));

        assertThat(changed.getLong("tally.reporter.every.ms")).isEqualTo(2_000L);
        assertThat(changed.getLong(SharedSettings.BUCKET_MS)).isEqualTo(5_000L);
        assertThat(changed.kafkaProperties()).containsExactly(Map.entry("security.protocol", "SSL"));
        assertThat(given.getLong("tally.reporter.every.ms")).isEqualTo(1_000L);
        assertThatThrownBy(() -> given.with("tally.reporter.every.ms", 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tally.reporter.every.ms");
    }

    @Test
    void settings_are_equal_by_their_values_and_shown_with_the_roles_name() {
        assertThat(ReporterConfig.fromProperties(Map.of("tally.bucket.ms", "60000", "tally.reconciler.x", "y")))
                .isEqualTo(ReporterConfig.defaults())
                .hasSameHashCodeAs(ReporterConfig.defaults());
        assertThat(ReporterConfig.fromProperties(Map.of("tally.kafka.security.protocol", "SSL")))
                .isNotEqualTo(ReporterConfig.defaults());
        assertThat(ReporterConfig.defaults().toString())
                .startsWith("ReporterConfig{")
                .contains("tally.reporter.every.ms=1000");
    }

    @Test
    void a_shared_key_with_a_default_of_the_roles_keeps_the_shared_type_validator_and_documentation() {
        ConfigDef.ConfigKey shared =
                SharedSettings.table().definition().configKeys().get(SharedSettings.KAFKA_BOOTSTRAP_SERVERS);
        ConfigDef.ConfigKey role = TABLE.definition().configKeys().get(SharedSettings.KAFKA_BOOTSTRAP_SERVERS);

        assertThat(role.type).isEqualTo(shared.type);
        assertThat(role.validator).isSameAs(shared.validator);
        assertThat(role.defaultValue).isNull();
        assertThat(role.documentation).isEqualTo(shared.documentation + " Default: the reporter's own.");
        assertThat(ReporterConfig.defaults().getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS))
                .isNull();
        assertThatThrownBy(() -> ReporterConfig.fromProperties(Map.of(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, "")))
                .hasMessageContaining(SharedSettings.KAFKA_BOOTSTRAP_SERVERS);
    }
}
