package io.tally.storage;

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
     *     {@link SharedSettings#CASSANDRA_DATACENTER}, {@link SharedSettings#CASSANDRA_KEYSPACE} and
     *     {@link SharedSettings#CASSANDRA_REPLICATION}
     * @throws IllegalArgumentException naming the setting and its value, when one cannot be read
     * @throws StorageException if no Cassandra node answers or the schema cannot be applied
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
                named(
                        SharedSettings.CASSANDRA_CONTACT_POINTS,
                        points,
                        () -> CassandraSessions.parseContactPoints(points)),
                settings.getString(SharedSettings.CASSANDRA_DATACENTER),
                schema(settings, retention));
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
