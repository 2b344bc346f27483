package io.tally.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tally.core.settings.SharedSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * Opens the store that the shared {@code tally.cassandra.*} settings name: the one way the reconciler, the API and
 * {@code tally standalone} reach storage, so that they all read and write the same keyspace of the same cluster.
 *
 * <p>Contact points {@value #IN_MEMORY} give an {@link InMemoryAuditStore} (tests and trials: nothing is kept
 * across a restart, and a store in one process is not seen by another).
 */
public final class AuditStores {
    /** The contact points that mean "keep everything in this process's memory". */
    public static final String IN_MEMORY = "memory";

    private AuditStores() {}

    /**
     * Opens the store of {@code settings} with tables that keep rows for {@link TallySchema#DEFAULT_TTL} when they
     * are created; for a role that only reads, like the API.
     *
     * @param settings a role's settings that declare the shared keys {@link SharedSettings#CASSANDRA_CONTACT_POINTS},
     *     {@link SharedSettings#CASSANDRA_DATACENTER}, {@link SharedSettings#CASSANDRA_KEYSPACE},
     *     {@link SharedSettings#CASSANDRA_REPLICATION}, {@link SharedSettings#CASSANDRA_SCHEMA_APPLY} and the
     *     consistency levels
     * @throws IllegalArgumentException naming the setting and its value, when one cannot be read
     * @throws StorageException if no Cassandra node answers, or the schema cannot be applied (when the settings say
     *     to apply it) or is older than this build's (when not)
     */
    public static AuditStore open(AbstractConfig settings) {
        return open(settings, TallySchema.DEFAULT_TTL);
    }

    /**
     * Opens the store of {@code settings}, its tables created with rows that live {@code retention}.
     *
     * @see #open(AbstractConfig)
     */
    public static AuditStore open(AbstractConfig settings, Duration retention) {
        String points =
                settings.getString(SharedSettings.CASSANDRA_CONTACT_POINTS).trim();
        if (points.toLowerCase(Locale.ROOT).equals(IN_MEMORY)) {
            return new InMemoryAuditStore();
        }
        return CassandraAuditStore.connect(
                access(settings),
                schema(settings, retention),
                consistency(settings),
                settings.getBoolean(SharedSettings.CASSANDRA_SCHEMA_APPLY)
                        ? CassandraAuditStore.SchemaAction.APPLY
                        : CassandraAuditStore.SchemaAction.CHECK);
    }

    /**
     * Creates what is missing of the schema the settings name (keyspace, replication, {@code retention} as the tables'
     * TTL) on the cluster they name, and records its version: what {@code tally schema apply} does, once per cluster
     * and upgrade, before the roles start. Nothing for the in-memory store.
     *
     * @return the schema applied
     * @throws IllegalArgumentException naming the setting and its value, when one cannot be read
     * @throws StorageException if no Cassandra node answers or a statement fails
     */
    public static TallySchema applySchema(AbstractConfig settings, Duration retention) {
        TallySchema schema = schema(settings, retention);
        String points =
                settings.getString(SharedSettings.CASSANDRA_CONTACT_POINTS).trim();
        if (points.toLowerCase(Locale.ROOT).equals(IN_MEMORY)) {
            return schema;
        }
        try (CqlSession session = CassandraSessions.connect(access(settings))) {
            schema.apply(session);
        }
        return schema;
    }

    /**
     * @return how to reach the cluster the settings name: contact points, data center, login and TLS
     * @throws IllegalArgumentException naming the setting and its value, when one cannot be read (never a password)
     */
    public static CassandraAccess access(AbstractConfig settings) {
        String points =
                settings.getString(SharedSettings.CASSANDRA_CONTACT_POINTS).trim();
        CassandraAccess access = CassandraAccess.of(
                named(
                        SharedSettings.CASSANDRA_CONTACT_POINTS,
                        points,
                        () -> CassandraSessions.parseContactPoints(points)),
                settings.getString(SharedSettings.CASSANDRA_DATACENTER));
        String username = settings.getString(SharedSettings.CASSANDRA_USERNAME).trim();
        String password = secret(settings, SharedSettings.CASSANDRA_PASSWORD);
        if (!username.isEmpty()) {
            access = access.withLogin(username, password);
        } else if (!password.isEmpty()) {
            throw new IllegalArgumentException(SharedSettings.CASSANDRA_PASSWORD + " is set but "
                    + SharedSettings.CASSANDRA_USERNAME + " is not: set the role to log in as");
        }
        if (settings.getBoolean(SharedSettings.CASSANDRA_SSL_ENABLED)) {
            access = access.withTls(new CassandraAccess.Tls(
                    path(settings, SharedSettings.CASSANDRA_SSL_TRUSTSTORE_PATH),
                    secret(settings, SharedSettings.CASSANDRA_SSL_TRUSTSTORE_PASSWORD),
                    path(settings, SharedSettings.CASSANDRA_SSL_KEYSTORE_PATH),
                    secret(settings, SharedSettings.CASSANDRA_SSL_KEYSTORE_PASSWORD),
                    settings.getBoolean(SharedSettings.CASSANDRA_SSL_HOSTNAME_VALIDATION)));
        } else {
            for (String key : java.util.List.of(
                    SharedSettings.CASSANDRA_SSL_TRUSTSTORE_PATH, SharedSettings.CASSANDRA_SSL_KEYSTORE_PATH)) {
                if (path(settings, key).isPresent()) {
                    throw new IllegalArgumentException(key + " is set but " + SharedSettings.CASSANDRA_SSL_ENABLED
                            + " is not: set it to true to speak TLS to the nodes");
                }
            }
        }
        return access;
    }

    private static String secret(AbstractConfig settings, String key) {
        org.apache.kafka.common.config.types.Password p = settings.getPassword(key);
        return p == null ? "" : p.value();
    }

    /** @return the store file {@code key} names, which must be readable */
    private static java.util.Optional<String> path(AbstractConfig settings, String key) {
        String value = settings.getString(key).trim();
        if (value.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(value))) {
            throw new IllegalArgumentException("bad " + key + " '" + value + "': no readable file there");
        }
        return java.util.Optional.of(value);
    }

    /**
     * @return the consistency levels the settings name
     * @throws IllegalArgumentException naming the setting and its value, when one is not a level
     */
    public static CassandraConsistency consistency(AbstractConfig settings) {
        String read = settings.getString(SharedSettings.CASSANDRA_READ_CONSISTENCY);
        String write = settings.getString(SharedSettings.CASSANDRA_WRITE_CONSISTENCY);
        return new CassandraConsistency(
                named(SharedSettings.CASSANDRA_READ_CONSISTENCY, read, () -> CassandraConsistency.level(read)),
                named(SharedSettings.CASSANDRA_WRITE_CONSISTENCY, write, () -> CassandraConsistency.level(write)));
    }

    /**
     * @return the schema the settings name: keyspace, replication and {@code retention} as the tables' TTL (at
     *     least a second)
     * @throws IllegalArgumentException naming the setting and its value, when one cannot be read
     */
    public static TallySchema schema(AbstractConfig settings, Duration retention) {
        String keyspace = settings.getString(SharedSettings.CASSANDRA_KEYSPACE);
        String replication = settings.getString(SharedSettings.CASSANDRA_REPLICATION);
        TallySchema.Builder schema = TallySchema.builder();
        named(SharedSettings.CASSANDRA_KEYSPACE, keyspace, () -> schema.keyspace(keyspace));
        named(
                SharedSettings.CASSANDRA_REPLICATION,
                replication,
                () -> schema.replication(Replication.parse(replication)));
        return schema.defaultTtl(Duration.ofSeconds(Math.max(1, retention.toSeconds())))
                .build();
    }

    private static <T> T named(String key, String value, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad " + key + " '" + value + "': " + e.getMessage(), e);
        }
    }
}
