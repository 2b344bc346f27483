package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TallySchemaTest {

    @Test
    void defaults_are_keyspace_tally_factor_one_and_fourteen_days() {
        TallySchema schema = TallySchema.defaults();

        assertThat(schema.keyspace()).isEqualTo("tally");
        assertThat(schema.replication()).isEqualTo(Replication.simple(1));
        assertThat(schema.defaultTtl().toSeconds()).isEqualTo(1_209_600);
        assertThat(schema.ddlTimeout()).isGreaterThan(Duration.ofSeconds(2));
    }

    @Test
    void creates_the_keyspace_first_then_every_table_only_if_missing() {
        List<String> statements = TallySchema.defaults().statements();

        assertThat(statements).hasSize(1 + TallySchema.TABLES.size() + 3);
        assertThat(statements.get(0))
                .startsWith("CREATE KEYSPACE IF NOT EXISTS tally WITH replication = "
                        + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
        int data = TallySchema.TABLES.size() - 1; // every table but the version's, which comes last
        for (int i = 0; i < data; i++) {
            assertThat(statements.get(i + 1))
                    .startsWith("CREATE TABLE IF NOT EXISTS tally." + TallySchema.TABLES.get(i) + " (");
        }
        assertThat(statements.get(statements.size() - 1))
                .as("the version's table, once everything else is in place")
                .startsWith("CREATE TABLE IF NOT EXISTS tally." + TallySchema.SCHEMA_VERSION + " (")
                .doesNotContain("default_time_to_live");
        assertThat(statements.subList(statements.size() - 4, statements.size() - 1))
                .as("columns added since")
                .containsExactly(
                        "ALTER TABLE tally.edge_verdicts ADD IF NOT EXISTS reason text",
                        "ALTER TABLE tally.tier_buckets ADD IF NOT EXISTS counted_on_consume bigint",
                        "ALTER TABLE tally.tier_buckets ADD IF NOT EXISTS state_since bigint");
    }

    @Test
    void every_table_carries_the_configured_ttl() {
        List<String> statements =
                TallySchema.builder().defaultTtl(Duration.ofHours(1)).build().statements();

        assertThat(statements.subList(1, TallySchema.TABLES.size()))
                .allSatisfy(cql -> assertThat(cql).contains("default_time_to_live = 3600"));
    }

    @Test
    void tier_buckets_is_partitioned_by_topic_and_day_and_clustered_by_bucket_and_tier() {
        String cql = TallySchema.defaults().statements().get(1);

        assertThat(cql)
                .contains("PRIMARY KEY ((topic, day), bucket_start, tier)")
                .contains("count bigint")
                .contains("bytes bigint")
                .contains("no_timestamp_count bigint")
                .contains("skewed_count bigint")
                .contains("latency_sketch blob")
                .contains("id_digest blob")
                .contains("updated_at timestamp");
    }

    @Test
    void discrepancy_tables_share_their_columns_under_different_keys() {
        List<String> statements = TallySchema.defaults().statements();
        String byDay = statements.get(2);
        String byTopic = statements.get(3);

        assertThat(byDay)
                .contains("PRIMARY KEY ((day), detected_at, id)")
                .contains("lost_ids list<bigint>")
                .contains("duplicated_ids list<bigint>")
                .contains("status text")
                .contains("resolved_at timestamp");
        assertThat(byTopic).contains("PRIMARY KEY ((topic), bucket_start, id)");
        assertThat(columns(byDay)).isEqualTo(columns(byTopic));
    }

    @Test
    void uses_the_configured_keyspace_and_replication_everywhere() {
        TallySchema schema = TallySchema.builder()
                .keyspace("audit_eu")
                .replication(Replication.networkTopology(Map.of("eu-west", 3)))
                .build();

        assertThat(schema.statements().get(0))
                .contains("audit_eu")
                .contains("{'class': 'NetworkTopologyStrategy', 'eu-west': 3}");
        assertThat(schema.statements().subList(1, schema.statements().size()))
                .allSatisfy(cql -> assertThat(cql).contains(" audit_eu."));
    }

    @Test
    void rejects_keyspace_names_cql_would_need_quoted() {
        assertThatThrownBy(() -> TallySchema.builder().keyspace("Tally")).hasMessageContaining("'Tally'");
        assertThatThrownBy(() -> TallySchema.builder().keyspace("tally-eu"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TallySchema.builder().keyspace("1tally")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejects_a_ttl_cassandra_would_refuse() {
        assertThatThrownBy(() -> TallySchema.builder().defaultTtl(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TallySchema.builder().defaultTtl(Duration.ofDays(365 * 21)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TallySchema.builder().defaultTtl(Duration.ofMillis(1500)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String columns(String createTable) {
        return createTable.substring(createTable.indexOf('(') + 1, createTable.indexOf("PRIMARY KEY"));
    }
}
