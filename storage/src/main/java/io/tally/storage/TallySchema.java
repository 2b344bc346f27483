package io.tally.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import io.tally.storage.internal.SchemaStatements;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tally's Cassandra schema: the keyspace (default {@value #DEFAULT_KEYSPACE}) and its tables, created once with
 * {@link #apply(CqlSession)} ({@code tally schema apply}, or a role told to), and checked by every role at start with
 * {@link #check(CqlSession)}: a role refuses to run against an older schema than its own {@link #VERSION}.
 *
 * <p>Creation is idempotent: every statement is {@code CREATE ... IF NOT EXISTS}, or {@code ALTER TABLE ... ADD IF
 * NOT EXISTS} for a column added to a table after its first release, so applying the schema on every start, from
 * any number of processes one after another, is safe and brings an older keyspace up to date. It never alters what
 * exists: a changed
 * replication or TTL applies to new keyspaces and tables only (change existing ones with {@code ALTER}). Every
 * table has a default TTL (14 days unless configured), which is how old audit data goes away.
 *
 * <p>Immutable and thread-safe. DDL can be slow on a loaded cluster, so each statement runs with its own, longer
 * timeout than ordinary requests ({@link Builder#ddlTimeout(Duration)}).
 */
public final class TallySchema {
    /** The version of the schema this build creates and reads; raised with every change to a table. */
    public static final int VERSION = 1;
    /** Default keyspace name. */
    public static final String DEFAULT_KEYSPACE = "tally";
    /** Default time to live of every row: 14 days. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(14);
    /** Default timeout of each DDL statement. */
    public static final Duration DEFAULT_DDL_TIMEOUT = Duration.ofSeconds(30);
    /** Largest TTL Cassandra accepts: 20 years. */
    public static final Duration MAX_TTL = Duration.ofSeconds(630_720_000);

    /** Per (topic, UTC day): one row per (bucket_start, tier), the cumulative tier aggregate. */
    public static final String TIER_BUCKETS = "tier_buckets";
    /** Per UTC day of detection: discrepancies, newest first. */
    public static final String DISCREPANCIES = "discrepancies";
    /** Per topic: the same discrepancies by bucket, newest bucket first. Written alongside {@link #DISCREPANCIES}. */
    public static final String DISCREPANCIES_BY_TOPIC = "discrepancies_by_topic";
    /** Per discrepancy id: where its rows are (day, detected_at, topic, bucket_start). */
    public static final String DISCREPANCIES_BY_ID = "discrepancies_by_id";
    /** Per tier: each topic's watermark, earliest event time, last heartbeat and closed flag. */
    public static final String TIER_PROGRESS = "tier_progress";
    /** Per discrepancy id: what each alert sink last sent. */
    public static final String ALERT_STATE = "alert_state";
    /** Per (topic, UTC day): the latest verdict of each edge for each bucket. */
    public static final String EDGE_VERDICTS = "edge_verdicts";
    /** Per hour of bucket starts: what each topic's verdicts add up to (edge-buckets by verdict, messages). */
    public static final String VERDICT_ROLLUPS = "verdict_rollups";
    /** Per tier: what the reconciler knows about each agent instance (liveness, rates), across its restarts. */
    public static final String AGENTS = "agents";
    /** One row: the {@link #VERSION} of the schema in place, written once every other statement has run. */
    public static final String SCHEMA_VERSION = "schema_version";
    /** Every table, in creation order. */
    public static final List<String> TABLES = List.of(
            TIER_BUCKETS,
            DISCREPANCIES,
            DISCREPANCIES_BY_TOPIC,
            DISCREPANCIES_BY_ID,
            TIER_PROGRESS,
            ALERT_STATE,
            EDGE_VERDICTS,
            VERDICT_ROLLUPS,
            AGENTS,
            SCHEMA_VERSION);

    private static final Logger LOG = LoggerFactory.getLogger(TallySchema.class);
    private static final Pattern KEYSPACE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");

    private final String keyspace;
    private final Replication replication;
    private final Duration defaultTtl;
    private final Duration ddlTimeout;

    private TallySchema(Builder b) {
        this.keyspace = b.keyspace;
        this.replication = b.replication;
        this.defaultTtl = b.defaultTtl;
        this.ddlTimeout = b.ddlTimeout;
    }

    /** Keyspace {@value #DEFAULT_KEYSPACE}, SimpleStrategy factor 1, 14 days TTL: the local node's schema. */
    public static TallySchema defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The keyspace name. */
    public String keyspace() {
        return keyspace;
    }

    /** The keyspace's replication, used when the keyspace is created. */
    public Replication replication() {
        return replication;
    }

    /** The default TTL of every table, used when a table is created. */
    public Duration defaultTtl() {
        return defaultTtl;
    }

    /** The timeout of each DDL statement. */
    public Duration ddlTimeout() {
        return ddlTimeout;
    }

    /** The CQL statements of {@link #apply(CqlSession)}, in order: the keyspace, each table, then added columns. */
    public List<String> statements() {
        return SchemaStatements.all(keyspace, replication.toCql(), defaultTtl.toSeconds());
    }

    /**
     * Creates the keyspace and the tables that do not exist yet, checking schema agreement after each statement.
     * The session needs no keyspace.
     *
     * <p>The session's schema metadata is switched off while the statements run and back on (with one refresh) at
     * the end: otherwise the driver refreshes it after every statement, behind a one-second debounce, which makes
     * each DDL statement take over a second. Other users of the session see no schema metadata changes meanwhile.
     *
     * @throws StorageException naming the statement that failed, or if the nodes do not agree on the schema
     */
    public void apply(CqlSession session) {
        long begin = System.nanoTime();
        boolean metadataWasEnabled = session.isSchemaMetadataEnabled();
        session.setSchemaMetadataEnabled(false);
        try {
            for (String cql : statements()) {
                try {
                    session.execute(SimpleStatement.newInstance(cql).setTimeout(ddlTimeout));
                } catch (DriverException e) {
                    throw new StorageException("Schema statement failed (" + e.getMessage() + "): " + cql, e);
                }
                awaitAgreement(session, cql);
            }
        } finally {
            restoreMetadata(session, metadataWasEnabled);
        }
        int installed = installedVersion(session);
        if (installed < VERSION) {
            // a newer build's version stays: its tables are a superset of these
            execute(
                    session,
                    "INSERT INTO " + keyspace + "." + SCHEMA_VERSION
                            + " (component, version, applied_at) VALUES ('tally', " + VERSION
                            + ", toTimestamp(now()))",
                    "recording the schema version");
        }
        LOG.info(
                "Schema of keyspace {} is in place, version {} ({} statements, {} ms)",
                keyspace,
                Math.max(installed, VERSION),
                statements().size(),
                (System.nanoTime() - begin) / 1_000_000);
    }

    /**
     * @return the version of the schema in place: 0 when the keyspace, its version table or its row is missing (a
     *     keyspace made before versions were recorded, or none at all)
     * @throws StorageException if the nodes cannot be read
     */
    public int installedVersion(CqlSession session) {
        Row row;
        try {
            row = session.execute(SimpleStatement.newInstance("SELECT version FROM " + keyspace + "." + SCHEMA_VERSION
                                    + " WHERE component = 'tally'")
                            .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM)
                            .setTimeout(ddlTimeout))
                    .one();
        } catch (InvalidQueryException missing) {
            return 0; // no such keyspace or table
        } catch (DriverException e) {
            throw new StorageException(
                    "Reading the schema version of keyspace " + keyspace + " failed: " + e.getMessage(), e);
        }
        return row == null || row.isNull("version") ? 0 : row.getInt("version");
    }

    /**
     * Checks that the schema in place is this build's or newer; runs no DDL.
     *
     * @throws StorageException naming the versions and {@code tally schema apply}, when it is older or missing
     */
    public void check(CqlSession session) {
        int installed = installedVersion(session);
        if (installed < VERSION) {
            throw new StorageException("Keyspace " + keyspace + " has "
                    + (installed == 0 ? "no Tally schema version" : "schema version " + installed)
                    + ", and this Tally needs version " + VERSION + ": run `tally schema apply` once, with the same "
                    + "tally.cassandra.* settings, then start again (or set tally.cassandra.schema.apply=true to let "
                    + "this process apply it, on a single node)");
        }
        if (installed > VERSION) {
            LOG.info(
                    "Keyspace {} has schema version {}, newer than this build's {}: it reads the tables it knows",
                    keyspace,
                    installed,
                    VERSION);
        }
    }

    /**
     * Runs {@code cql} at LOCAL_QUORUM. A node can coordinate it before a table just created has reached it (the
     * driver's agreement check leaves out nodes it does not count as up yet, as on a cluster that just started): an
     * unknown table is asked about again for up to the DDL timeout.
     */
    private void execute(CqlSession session, String cql, String what) {
        long deadline = System.nanoTime() + ddlTimeout.toNanos();
        while (true) {
            try {
                session.execute(SimpleStatement.newInstance(cql)
                        .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM)
                        .setTimeout(ddlTimeout));
                return;
            } catch (InvalidQueryException e) {
                if (System.nanoTime() >= deadline
                        || !String.valueOf(e.getMessage()).contains("does not exist")) {
                    throw new StorageException(what + " failed (" + e.getMessage() + "): " + cql, e);
                }
                pause(cql);
            } catch (DriverException e) {
                throw new StorageException(what + " failed (" + e.getMessage() + "): " + cql, e);
            }
        }
    }

    private static void pause(String cql) {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while waiting for the schema to reach every node: " + cql, e);
        }
    }

    /**
     * The driver answers "no agreement" at once while its control connection is down (a node just restarted), so
     * ask again for up to the DDL timeout before giving up.
     */
    private void awaitAgreement(CqlSession session, String cql) {
        long deadline = System.nanoTime() + ddlTimeout.toNanos();
        while (!session.checkSchemaAgreement()) {
            if (System.nanoTime() >= deadline) {
                throw new StorageException(
                        "The Cassandra nodes did not agree on the schema within " + ddlTimeout + " after: " + cql);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("Interrupted while waiting for schema agreement after: " + cql, e);
            }
        }
    }

    private void restoreMetadata(CqlSession session, boolean enabled) {
        if (!enabled) {
            return;
        }
        try {
            session.setSchemaMetadataEnabled(true)
                    .toCompletableFuture()
                    .get(ddlTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Schema metadata refresh after creating keyspace {} failed: {}", keyspace, e.toString());
        }
    }

    @Override
    public String toString() {
        return "TallySchema{keyspace=" + keyspace + ", replication=" + replication + ", defaultTtl=" + defaultTtl + '}';
    }

    /** Collects the schema's settings; not thread-safe. Setters validate their argument. */
    public static final class Builder {
        private String keyspace = DEFAULT_KEYSPACE;
        private Replication replication = Replication.simple(1);
        private Duration defaultTtl = DEFAULT_TTL;
        private Duration ddlTimeout = DEFAULT_DDL_TIMEOUT;

        private Builder() {}

        /**
         * @param name lowercase letters, digits and underscores, starting with a letter, at most 48 characters
         * @throws IllegalArgumentException for any other name
         */
        public Builder keyspace(String name) {
            if (name == null || !KEYSPACE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("keyspace must match " + KEYSPACE_NAME + ", was '" + name + "'");
            }
            this.keyspace = name;
            return this;
        }

        /** The keyspace's replication (default SimpleStrategy, factor 1). */
        public Builder replication(Replication replication) {
            this.replication = Objects.requireNonNull(replication, "replication");
            return this;
        }

        /**
         * @param ttl how long rows live, whole seconds, at least one second and at most {@link #MAX_TTL}
         * @throws IllegalArgumentException outside that range or with a fraction of a second
         */
        public Builder defaultTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0 || ttl.getNano() != 0) {
                throw new IllegalArgumentException(
                        "default TTL must be whole seconds in [1 s, " + MAX_TTL.toSeconds() + " s], was " + ttl);
            }
            this.defaultTtl = ttl;
            return this;
        }

        /**
         * @param timeout timeout of each DDL statement
         * @throws IllegalArgumentException if not positive
         */
        public Builder ddlTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("DDL timeout must be positive, was " + timeout);
            }
            this.ddlTimeout = timeout;
            return this;
        }

        public TallySchema build() {
            return new TallySchema(this);
        }
    }
}
