package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tally.storage.testing.CassandraNodeExtension;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(CassandraNodeExtension.class)
class TallySchemaIT {
    private static final TallySchema SCHEMA = TallySchema.defaults();

    @BeforeAll
    static void createSchema(CqlSession session) {
        SCHEMA.apply(session);
    }

    @Test
    void creates_keyspace_tally_with_every_table(CqlSession session) {
        List<String> tables =
                session
                        .execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'tally'")
                        .all()
                        .stream()
                        .map(row -> row.getString(0))
                        .toList();
        Map<String, String> replication = session.execute(
                        "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'tally'")
                .one()
                .getMap(0, String.class, String.class);

        assertThat(tables).containsExactlyInAnyOrderElementsOf(TallySchema.TABLES);
        assertThat(replication)
                .containsEntry("replication_factor", "1")
                .hasEntrySatisfying("class", c -> assertThat(c).endsWith("SimpleStrategy"));
    }

    @Test
    void applying_the_schema_again_changes_nothing(CqlSession session) {
        UUID before = schemaVersion(session);

        SCHEMA.apply(session);

        assertThat(schemaVersion(session)).isEqualTo(before);
    }

    @Test
    void every_table_expires_rows_after_fourteen_days_by_default(CqlSession session) {
        List<Row> rows = session.execute("SELECT table_name, default_time_to_live FROM system_schema.tables "
                        + "WHERE keyspace_name = 'tally'")
                .all();

        assertThat(rows).hasSize(TallySchema.TABLES.size());
        assertThat(rows)
                .filteredOn(row -> !row.getString("table_name").equals(TallySchema.SCHEMA_VERSION))
                .allSatisfy(
                        row -> assertThat(row.getInt("default_time_to_live")).isEqualTo(1_209_600));
        assertThat(rows)
                .filteredOn(row -> row.getString("table_name").equals(TallySchema.SCHEMA_VERSION))
                .as("the version never expires")
                .singleElement()
                .satisfies(row -> assertThat(row.getInt("default_time_to_live")).isZero());
    }

    @Test
    void stores_a_tier_bucket_and_reads_it_back_with_a_ttl(CqlSession session) {
        Instant bucketStart = Instant.parse("2026-03-01T10:00:00Z");
        LocalDate day = bucketStart.atZone(ZoneOffset.UTC).toLocalDate();
        TierBucketRows.insert(session, "orders", bucketStart, "producer", 1_000, 250_000);

        Row row = session.execute(session.prepare(
                                "SELECT count, bytes, no_timestamp_count, skewed_count, latency_sketch, id_digest, "
                                        + "bucket_size_ms, "
                                        + "TTL(count) AS ttl FROM tally.tier_buckets "
                                        + "WHERE topic = ? AND day = ? AND bucket_start = ? AND tier = ?")
                        .bind("orders", day, bucketStart, "producer"))
                .one();

        assertThat(row).isNotNull();
        assertThat(row.getLong("count")).isEqualTo(1_000);
        assertThat(row.getLong("bytes")).isEqualTo(250_000);
        assertThat(row.getLong("no_timestamp_count")).isEqualTo(2);
        assertThat(row.getLong("skewed_count")).isEqualTo(1);
        assertThat(row.getByteBuffer("latency_sketch")).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(row.getByteBuffer("id_digest")).isEqualTo(ByteBuffer.wrap(new byte[] {4, 5}));
        assertThat(row.getLong("bucket_size_ms")).isEqualTo(60_000);
        assertThat(row.getInt("ttl")).isPositive().isLessThanOrEqualTo(1_209_600);
    }

    @Test
    void stores_discrepancies_with_their_lost_ids(CqlSession session) {
        UUID id = UUID.randomUUID();
        Instant detectedAt = Instant.parse("2026-03-01T10:05:00Z");
        session.execute(session.prepare(
                        "INSERT INTO tally.discrepancies (day, detected_at, id, topic, bucket_start, upstream_tier, "
                                + "downstream_tier, kind, missing, duplicated, lost_ids, duplicated_ids, status) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(
                        LocalDate.of(2026, 3, 1),
                        detectedAt,
                        id,
                        "orders",
                        Instant.parse("2026-03-01T10:00:00Z"),
                        "log",
                        "consumer.billing",
                        "LOSS",
                        2L,
                        0L,
                        List.of(11L, -7L),
                        List.<Long>of(),
                        "OPEN"));

        Row row = session.execute(
                        session.prepare("SELECT kind, missing, lost_ids, status FROM tally.discrepancies WHERE day = ?")
                                .bind(LocalDate.of(2026, 3, 1)))
                .one();

        assertThat(row.getString("kind")).isEqualTo("LOSS");
        assertThat(row.getList("lost_ids", Long.class)).containsExactly(11L, -7L);
        assertThat(row.getString("status")).isEqualTo("OPEN");
    }

    @Test
    void creates_a_keyspace_with_network_topology_replication_and_a_configured_ttl(CqlSession session) {
        TallySchema custom = TallySchema.builder()
                .keyspace("tally_nts_it")
                .replication(Replication.networkTopology(Map.of("datacenter1", 1)))
                .defaultTtl(Duration.ofHours(1))
                .build();

        custom.apply(session);

        Map<String, String> replication = session.execute(
                        "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'tally_nts_it'")
                .one()
                .getMap(0, String.class, String.class);
        assertThat(replication)
                .containsEntry("datacenter1", "1")
                .hasEntrySatisfying("class", c -> assertThat(c).endsWith("NetworkTopologyStrategy"));
        assertThat(session.execute("SELECT default_time_to_live FROM system_schema.tables "
                                + "WHERE keyspace_name = 'tally_nts_it' AND table_name = 'tier_buckets'")
                        .one()
                        .getInt(0))
                .isEqualTo(3600);
    }

    private static UUID schemaVersion(CqlSession session) {
        return session.execute("SELECT schema_version FROM system.local").one().getUuid(0);
    }
}
