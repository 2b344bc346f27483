package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import io.tally.core.Bucket;
import io.tally.core.TierAggregate;
import io.tally.core.settings.SharedSettings;
import io.tally.storage.CassandraAuditStore.SchemaAction;
import io.tally.storage.testing.CassandraNodeExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The schema applied once and checked by every role ({@code tally schema apply}, then stores that only check), and
 * the consistency levels of the settings reaching the wire, on a real node.
 */
@ExtendWith(CassandraNodeExtension.class)
class SchemaVersionIT {

    @Test
    void applying_records_the_version_once_every_statement_ran_and_a_checking_store_opens_on_it(CqlSession session) {
        TallySchema schema = TallySchema.builder().keyspace("tally_versioned").build();
        assertThat(schema.installedVersion(session)).as("no keyspace yet").isZero();

        schema.apply(session);

        assertThat(schema.installedVersion(session)).isEqualTo(TallySchema.VERSION);
        CassandraAuditStore.create(session, schema, CassandraConsistency.LOCAL_QUORUM, SchemaAction.CHECK)
                .putAggregates(List.of(aggregate()));
    }

    @Test
    void a_store_that_only_checks_refuses_a_missing_schema_naming_the_command_and_creates_nothing(CqlSession session) {
        TallySchema schema =
                TallySchema.builder().keyspace("tally_never_applied").build();

        assertThatThrownBy(() -> CassandraAuditStore.create(
                        session, schema, CassandraConsistency.LOCAL_QUORUM, SchemaAction.CHECK))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("Keyspace tally_never_applied has no Tally schema version")
                .hasMessageContaining("needs version " + TallySchema.VERSION)
                .hasMessageContaining("tally schema apply");
        assertThat(session.execute("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = "
                                + "'tally_never_applied'")
                        .one())
                .as("no DDL run")
                .isNull();
    }

    @Test
    void a_role_s_store_checks_the_schema_and_applies_it_only_when_its_settings_say_so(LocalCassandraNode node) {
        Map<String, String> given = new HashMap<>(Map.of(
                SharedSettings.CASSANDRA_CONTACT_POINTS,
                node.contactPoint().getHostString() + ":" + node.cqlPort(),
                SharedSettings.CASSANDRA_KEYSPACE,
                "tally_role"));

        assertThatThrownBy(() -> AuditStores.open(settings(given))).hasMessageContaining("tally schema apply");

        given.put(SharedSettings.CASSANDRA_SCHEMA_APPLY, "true");
        try (AuditStore store = AuditStores.open(settings(given))) {
            store.putAggregates(List.of(aggregate()));
        }
        given.remove(SharedSettings.CASSANDRA_SCHEMA_APPLY);
        try (AuditStore store = AuditStores.open(settings(given))) {
            assertThat(store.aggregates("orders", 0, 120_000)).hasSize(1);
        }
    }

    private static AbstractConfig settings(Map<String, String> given) {
        return new AbstractConfig(SharedSettings.table().definition(), given, false);
    }

    @Test
    void a_keyspace_made_before_versions_were_recorded_is_refused_until_applied_again(CqlSession session) {
        TallySchema schema = TallySchema.builder().keyspace("tally_older").build();
        schema.apply(session);
        // what an older build left: every table, no version
        session.execute("TRUNCATE tally_older." + TallySchema.SCHEMA_VERSION);

        assertThatThrownBy(() -> schema.check(session)).hasMessageContaining("tally schema apply");

        schema.apply(session);
        schema.check(session);
        assertThat(schema.installedVersion(session)).isEqualTo(TallySchema.VERSION);
    }

    @Test
    void a_newer_build_s_version_is_kept_and_accepted(CqlSession session) {
        TallySchema schema = TallySchema.builder().keyspace("tally_newer").build();
        schema.apply(session);
        session.execute("UPDATE tally_newer." + TallySchema.SCHEMA_VERSION + " SET version = "
                + (TallySchema.VERSION + 1) + " WHERE component = 'tally'");

        schema.apply(session); // an older build's apply does not lower it
        schema.check(session);

        assertThat(schema.installedVersion(session)).isEqualTo(TallySchema.VERSION + 1);
    }

    @Test
    void reads_and_writes_go_out_at_the_consistency_levels_of_the_settings(CqlSession session) {
        TallySchema schema = TallySchema.builder().keyspace("tally_levels").build();
        schema.apply(session);
        // one node holds one replica: a level that needs three cannot be met, which shows the level was sent
        CassandraAuditStore writesAtThree = CassandraAuditStore.create(
                session,
                schema,
                new CassandraConsistency(DefaultConsistencyLevel.ONE, DefaultConsistencyLevel.THREE),
                SchemaAction.CHECK);
        CassandraAuditStore readsAtThree = CassandraAuditStore.create(
                session,
                schema,
                new CassandraConsistency(DefaultConsistencyLevel.THREE, DefaultConsistencyLevel.ONE),
                SchemaAction.CHECK);

        assertThatThrownBy(() -> writesAtThree.putAggregates(List.of(aggregate())))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("THREE");
        assertThat(writesAtThree.aggregates("orders", 0, 120_000)).isEmpty();
        readsAtThree.putAggregates(List.of(aggregate()));
        assertThatThrownBy(() -> readsAtThree.aggregates("orders", 0, 120_000))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("THREE");
    }

    private static TierAggregate aggregate() {
        return TierAggregate.builder("orders", "producer", new Bucket(60_000, 60_000))
                .count(5)
                .bytes(50)
                .records(1)
                .updatedAt(60_001)
                .build();
    }
}
