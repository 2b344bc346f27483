package io.tally.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class SettingsTableTest {
    private static final SettingsTable REPORTER = SettingsTable.builder("reporter", "tally.reporter.")
            .define(new ConfigDef()
                    .define(
                            "tally.reporter.every.ms",
                            Type.LONG,
                            1_000L,
                            Range.atLeast(10),
                            Importance.HIGH,
                            "How often | a pipe."))
            .shared(SharedSettings.BUCKET_MS)
            .passThrough("tally.kafka.", "To the clients.")
            .build();

    @Test
    void a_role_reads_its_own_and_the_shared_keys_it_declares_and_ignores_the_others() {
        Map<String, Object> selected = REPORTER.select(Map.of(
                "tally.reporter.every.ms", " 50 ",
                "tally.bucket.ms", "5000",
                "tally.digest.cells", "64",
                "tally.reconciler.grace.ms", "nonsense",
                "tally.kafka.security.protocol", "SSL",
                "bootstrap.servers", "x"));

        assertThat(selected)
                .containsOnly(Map.entry("tally.reporter.every.ms", "50"), Map.entry("tally.bucket.ms", "5000"));
    }

    @Test
    void a_tally_key_that_is_neither_its_own_nor_shared_nor_another_roles_is_a_typo() {
        assertThatThrownBy(() -> REPORTER.select(Map.of("tally.reporter.evry.ms", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown reporter setting(s) [tally.reporter.evry.ms]")
                .hasMessageContaining("tally.reporter.every.ms");
        assertThatThrownBy(() -> REPORTER.select(Map.of("tally.bucket.msec", "5")))
                .hasMessageContaining("[tally.bucket.msec]");
    }

    @Test
    void a_role_without_kafka_clients_leaves_their_settings_to_the_roles_that_have_some() {
        SettingsTable viewer = SettingsTable.builder("viewer", "tally.viewer.")
                .shared(SharedSettings.BUCKET_MS)
                .build();

        assertThat(viewer.select(Map.of("tally.kafka.security.protocol", "SASL_SSL", "tally.bucket.ms", "5000")))
                .containsOnly(Map.entry("tally.bucket.ms", "5000"));
    }

    @Test
    void a_bad_value_names_the_key_and_the_value() {
        assertThatThrownBy(() -> REPORTER.select(Map.of("tally.reporter.every.ms", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid value 5 for configuration tally.reporter.every.ms");
        assertThatThrownBy(() -> REPORTER.select(Map.of("tally.bucket.ms", "soon")))
                .hasMessageContaining("tally.bucket.ms")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> SharedSettings.table().select(Map.of(SharedSettings.LOG_TOPICS, "orders(")))
                .hasMessageContaining("not a regular expression");
        assertThatThrownBy(() -> SharedSettings.table().select(Map.of(SharedSettings.DIGEST_CELLS, "3")))
                .hasMessageContaining("must be 0 (off) or between");
    }

    @Test
    void a_shared_key_is_declared_once_and_read_alike_by_every_role_that_takes_it() {
        ConfigDef.ConfigKey shared =
                SharedSettings.table().definition().configKeys().get(SharedSettings.BUCKET_MS);

        assertThat(REPORTER.definition().configKeys().get(SharedSettings.BUCKET_MS))
                .isSameAs(shared);
        assertThatThrownBy(() -> SettingsTable.builder("x").shared("tally.reporter.every.ms"))
                .hasMessageContaining("not a shared setting");
    }

    @Test
    void the_reference_has_a_row_per_key_then_the_prefixes_with_ranges_and_escaped_pipes() {
        assertThat(REPORTER.markdown()).isEqualTo("""
                        | key | type | default | description |
                        |---|---|---|---|
                        | `tally.reporter.every.ms` | long | `1000` | How often \\| a pipe. Valid: [10,...]. |
                        | `tally.bucket.ms` | long | `60000` | %s Valid: [1000,...]. |
                        | `tally.kafka.*` | | | To the clients. |
                        """.formatted(
                        SharedSettings.table().definition().configKeys().get("tally.bucket.ms").documentation));
        assertThat(REPORTER.knows("tally.kafka.sasl.mechanism")).isTrue();
        assertThat(REPORTER.knows("tally.digest.cells")).isFalse();
    }

    @Test
    void pass_through_keys_lose_their_prefix() {
        assertThat(SettingsTable.under(
                        "tally.kafka.", Map.of("tally.kafka.security.protocol", " SSL ", "tally.x", "1")))
                .containsExactly(Map.entry("security.protocol", "SSL"));
    }
}
