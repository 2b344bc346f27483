package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tally.core.settings.SharedSettings;
import io.tally.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.config.AbstractConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that asks for a login ({@code PasswordAuthenticator}) and speaks TLS ({@code client_encryption_options}): the
 * store's settings log in and speak TLS by themselves, end to end through {@link AuditStores}, and a wrong password is
 * refused with an error that does not show it.
 */
class CassandraLoginIT {
    private static final String STORE_PASSWORD = "node-store-pw";
    private static final String TALLY_PASSWORD = "tally-s3cret-pw";

    @Test
    void a_role_logs_in_over_tls_by_its_settings_and_a_wrong_password_is_refused_without_being_shown(@TempDir Path dir)
            throws Exception {
        Path keystore = dir.resolve("node.p12");
        Path truststore = dir.resolve("trust.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "node",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                STORE_PASSWORD);
        keytool(
                "-exportcert",
                "-alias",
                "node",
                "-rfc",
                "-file",
                dir.resolve("node.pem").toString(),
                "-keystore",
                keystore.toString(),
                "-storepass",
                STORE_PASSWORD);
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "node",
                "-file",
                dir.resolve("node.pem").toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                truststore.toString(),
                "-storepass",
                STORE_PASSWORD);
        LocalCassandraConfig config = LocalCassandraConfig.builder()
                .dataDir(dir.resolve("node"))
                .cqlPort(0)
                .yaml("authenticator", "PasswordAuthenticator")
                .systemProperty("cassandra.superuser_setup_delay_ms", "0")
                .yaml(
                        "client_encryption_options",
                        String.join(
                                "\n",
                                "  enabled: true",
                                // TLS and plain text on one port, as while a cluster moves to TLS: the local node's
                                // readiness check speaks plain text; the store's connections show which they use
                                "  optional: true",
                                "  keystore: '" + keystore + "'",
                                "  keystore_password: '" + STORE_PASSWORD + "'",
                                "  store_type: PKCS12"))
                .build();
        try (LocalCassandraNode node = new LocalCassandraNode(config).start()) {
            Map<String, String> given = new HashMap<>(Map.of(
                    SharedSettings.CASSANDRA_CONTACT_POINTS,
                            "127.0.0.1:" + node.contactPoint().getPort(),
                    SharedSettings.CASSANDRA_REPLICATION, "1",
                    SharedSettings.CASSANDRA_WRITE_CONSISTENCY, "ONE",
                    SharedSettings.CASSANDRA_READ_CONSISTENCY, "ONE",
                    SharedSettings.CASSANDRA_SSL_ENABLED, "true",
                    SharedSettings.CASSANDRA_SSL_TRUSTSTORE_PATH, truststore.toString(),
                    SharedSettings.CASSANDRA_SSL_TRUSTSTORE_PASSWORD, STORE_PASSWORD));
            // the node's own superuser (made just after its start) creates Tally's role
            given.put(SharedSettings.CASSANDRA_USERNAME, "cassandra");
            given.put(SharedSettings.CASSANDRA_PASSWORD, "cassandra");
            CassandraAccess admin = AuditStores.access(settings(given));
            try (CqlSession session = Eventually.await(
                    Duration.ofSeconds(60),
                    Duration.ofMillis(500),
                    "the default superuser",
                    () -> {
                        try {
                            return CassandraSessions.open(admin);
                        } catch (RuntimeException e) {
                            return null;
                        }
                    },
                    s -> s != null)) {
                session.execute("CREATE ROLE tally WITH PASSWORD = '" + TALLY_PASSWORD + "' AND LOGIN = true");

                given.put(SharedSettings.CASSANDRA_USERNAME, "tally");
                given.put(SharedSettings.CASSANDRA_PASSWORD, TALLY_PASSWORD);
                AuditStores.applySchema(settings(given), Duration.ofDays(1));
                UUID id = UUID.randomUUID();
                try (AuditStore store = AuditStores.open(settings(given))) {
                    store.putAlertState(new AlertState(id, "webhook", "OPEN", 1L, 1, ""));
                    assertThat(store.alertState(id, "webhook")).isPresent();
                    List<Row> clients = session.execute("SELECT username, ssl_enabled FROM system_views.clients")
                            .all();
                    assertThat(clients)
                            .as("the store's connections: logged in as tally, over TLS")
                            .filteredOn(r -> "tally".equals(r.getString("username")))
                            .isNotEmpty()
                            .allSatisfy(
                                    r -> assertThat(r.getBoolean("ssl_enabled")).isTrue());
                }

                given.put(SharedSettings.CASSANDRA_PASSWORD, "wrong-" + TALLY_PASSWORD);
                assertThatThrownBy(() -> AuditStores.open(settings(given)))
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining("Cannot connect to Cassandra at")
                        .hasMessageNotContaining(TALLY_PASSWORD);
                given.remove(SharedSettings.CASSANDRA_USERNAME);
                given.remove(SharedSettings.CASSANDRA_PASSWORD);
                assertThatThrownBy(() -> AuditStores.open(settings(given)))
                        .as("no login")
                        .isInstanceOf(StorageException.class);
            }
            assertThat(admin.toString()).doesNotContain(STORE_PASSWORD).doesNotContain("password=cassandra");
        }
    }

    private static AbstractConfig settings(Map<String, String> given) {
        return new AbstractConfig(SharedSettings.table().definition(), given, false);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor())
                .as("keytool " + String.join(" ", args) + ": " + out)
                .isZero();
    }
}
