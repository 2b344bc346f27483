package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import io.tally.core.settings.SharedSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AuditStoresTest {

    private static AbstractConfig settings(Map<String, String> given) {
        return new AbstractConfig(SharedSettings.table().definition(), given, false);
    }

    @Test
    void memory_as_contact_points_is_a_store_in_this_process() {
        try (AuditStore store = AuditStores.open(settings(Map.of(SharedSettings.CASSANDRA_CONTACT_POINTS, "Memory")))) {
            assertThat(store).isInstanceOf(InMemoryAuditStore.class);
        }
    }

    @Test
    void the_schema_is_the_one_the_settings_name() {
        TallySchema schema = AuditStores.schema(
                settings(Map.of(
                        SharedSettings.CASSANDRA_KEYSPACE, "audit_trail",
                        SharedSettings.CASSANDRA_REPLICATION, "dc1=3")),
                Duration.ofDays(3));

        assertThat(schema.keyspace()).isEqualTo("audit_trail");
        assertThat(schema.replication()).isEqualTo(Replication.networkTopology(Map.of("dc1", 3)));
        assertThat(schema.defaultTtl()).isEqualTo(Duration.ofDays(3));
        assertThat(AuditStores.schema(settings(Map.of()), Duration.ofMillis(10)).defaultTtl())
                .as("at least a second")
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void login_and_tls_are_what_the_settings_say_and_passwords_are_never_shown(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path trust = java.nio.file.Files.writeString(dir.resolve("trust.p12"), "x");
        CassandraAccess access = AuditStores.access(settings(Map.of(
                SharedSettings.CASSANDRA_CONTACT_POINTS, "10.0.0.1,10.0.0.2:9142",
                SharedSettings.CASSANDRA_USERNAME, "tally",
                SharedSettings.CASSANDRA_PASSWORD, "pw-role",
                SharedSettings.CASSANDRA_SSL_ENABLED, "true",
                SharedSettings.CASSANDRA_SSL_TRUSTSTORE_PATH, trust.toString(),
                SharedSettings.CASSANDRA_SSL_TRUSTSTORE_PASSWORD, "pw-trust",
                SharedSettings.CASSANDRA_SSL_HOSTNAME_VALIDATION, "false")));

        assertThat(access.contactPoints()).hasSize(2);
        assertThat(access.login())
                .get()
                .extracting(CassandraAccess.Login::username)
                .isEqualTo("tally");
        assertThat(access.login().get().password()).isEqualTo("pw-role");
        assertThat(access.tls()).get().satisfies(tls -> {
            assertThat(tls.truststorePath()).contains(trust.toString());
            assertThat(tls.truststorePassword()).isEqualTo("pw-trust");
            assertThat(tls.keystorePath()).isEmpty();
            assertThat(tls.hostnameValidation()).isFalse();
        });
        assertThat(access.toString())
                .contains("tally")
                .doesNotContain("pw-role")
                .doesNotContain("pw-trust");
        assertThat(AuditStores.access(settings(Map.of())).login()).isEmpty();
        assertThat(AuditStores.access(settings(Map.of())).tls()).isEmpty();
    }

    @Test
    void access_settings_that_cannot_work_are_refused_naming_the_key() {
        assertThatThrownBy(() -> AuditStores.access(settings(Map.of(SharedSettings.CASSANDRA_PASSWORD, "pw-x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SharedSettings.CASSANDRA_USERNAME)
                .hasMessageNotContaining("pw-x");
        assertThatThrownBy(() -> AuditStores.access(settings(Map.of(
                        SharedSettings.CASSANDRA_SSL_ENABLED, "true",
                        SharedSettings.CASSANDRA_SSL_TRUSTSTORE_PATH, "/nowhere/trust.p12"))))
                .hasMessageContaining(SharedSettings.CASSANDRA_SSL_TRUSTSTORE_PATH + " '/nowhere/trust.p12'");
        assertThatThrownBy(() -> AuditStores.access(
                        settings(Map.of(SharedSettings.CASSANDRA_SSL_KEYSTORE_PATH, "/etc/hostname"))))
                .hasMessageContaining(SharedSettings.CASSANDRA_SSL_ENABLED);
    }

    @Test
    void a_bad_setting_is_named_with_its_value() {
        assertThatThrownBy(() -> AuditStores.schema(
                        settings(Map.of(SharedSettings.CASSANDRA_KEYSPACE, "Audit-Trail")), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tally.cassandra.keyspace 'Audit-Trail'");
        assertThatThrownBy(() -> AuditStores.schema(
                        settings(Map.of(SharedSettings.CASSANDRA_REPLICATION, "three")), Duration.ofDays(1)))
                .hasMessageContaining("tally.cassandra.replication 'three'");
        assertThatThrownBy(() -> AuditStores.open(settings(Map.of(SharedSettings.CASSANDRA_CONTACT_POINTS, "h:x"))))
                .hasMessageContaining("tally.cassandra.contact.points 'h:x'")
                .hasMessageContaining("bad port");
    }

    @Test
    void reads_and_writes_are_at_local_quorum_unless_the_settings_say_otherwise() {
        assertThat(AuditStores.consistency(settings(Map.of()))).isEqualTo(CassandraConsistency.LOCAL_QUORUM);
        assertThat(AuditStores.consistency(settings(Map.of(
                        SharedSettings.CASSANDRA_READ_CONSISTENCY, "one",
                        SharedSettings.CASSANDRA_WRITE_CONSISTENCY, "EACH_QUORUM"))))
                .isEqualTo(new CassandraConsistency(DefaultConsistencyLevel.ONE, DefaultConsistencyLevel.EACH_QUORUM));
        assertThatThrownBy(() -> settings(Map.of(SharedSettings.CASSANDRA_WRITE_CONSISTENCY, "MOST")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tally.cassandra.write.consistency")
                .hasMessageContaining("MOST");
        assertThatThrownBy(() -> CassandraConsistency.level("SERIAL_ISH"))
                .hasMessageContaining("not a consistency level: 'SERIAL_ISH'");
    }
}
