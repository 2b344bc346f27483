package io.tally.core.settings;

import io.tally.core.AuditedTopics;
import io.tally.core.EventTimeSpec;
import io.tally.core.sketch.IdDigest;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings that several roles read and that must agree between them: Tally's Kafka cluster and topics, the
 * bucket size, the digest, the clock-skew bounds, the topics of the log tier, the agents' flush interval and the
 * Cassandra cluster. Each is declared here once; a role's {@link SettingsTable} takes the ones it reads with
 * {@link SettingsTable.Builder#shared(String...)}. A shared key carries no role prefix.
 */
public final class SharedSettings {
    /** Prefix of the settings passed, without it, to a role's Kafka clients ({@code tally.kafka.sasl.mechanism}). */
    public static final String KAFKA_PREFIX = "tally.kafka.";
    /** The Kafka cluster of Tally's own topics. */
    public static final String KAFKA_BOOTSTRAP_SERVERS = KAFKA_PREFIX + "bootstrap.servers";

    public static final String AUDIT_TOPIC = "tally.audit.topic";
    public static final String AGGREGATES_TOPIC = "tally.aggregates.topic";
    public static final String ALERTS_TOPIC = "tally.alerts.topic";
    public static final String DLQ_TOPIC = "tally.dlq.topic";
    public static final String SETTINGS_TOPIC = "tally.settings.topic";
    public static final String BUCKET_MS = "tally.bucket.ms";
    /** The default of {@link #BUCKET_MS}: one minute. */
    public static final long DEFAULT_BUCKET_MS = 60_000L;

    public static final String FLUSH_INTERVAL_MS = "tally.flush.interval.ms";
    public static final String DIGEST_CELLS = "tally.digest.cells";
    public static final String SKEW_FUTURE_MS = "tally.skew.future.ms";
    public static final String SKEW_PAST_MS = "tally.skew.past.ms";
    public static final String LOG_TOPICS = "tally.log.topics";
    public static final String LOG_COMMITTED_TOPICS = "tally.log.committed.topics";
    public static final String CASSANDRA_CONTACT_POINTS = "tally.cassandra.contact.points";
    public static final String CASSANDRA_DATACENTER = "tally.cassandra.datacenter";
    public static final String CASSANDRA_KEYSPACE = "tally.cassandra.keyspace";
    public static final String CASSANDRA_REPLICATION = "tally.cassandra.replication";
    public static final String CASSANDRA_SCHEMA_APPLY = "tally.cassandra.schema.apply";
    public static final String CASSANDRA_READ_CONSISTENCY = "tally.cassandra.read.consistency";
    public static final String CASSANDRA_WRITE_CONSISTENCY = "tally.cassandra.write.consistency";
    public static final String CASSANDRA_USERNAME = "tally.cassandra.username";
    public static final String CASSANDRA_PASSWORD = "tally.cassandra.password";
    public static final String CASSANDRA_SSL_ENABLED = "tally.cassandra.ssl.enabled";
    public static final String CASSANDRA_SSL_TRUSTSTORE_PATH = "tally.cassandra.ssl.truststore.path";
    public static final String CASSANDRA_SSL_TRUSTSTORE_PASSWORD = "tally.cassandra.ssl.truststore.password";
    public static final String CASSANDRA_SSL_KEYSTORE_PATH = "tally.cassandra.ssl.keystore.path";
    public static final String CASSANDRA_SSL_KEYSTORE_PASSWORD = "tally.cassandra.ssl.keystore.password";
    public static final String CASSANDRA_SSL_HOSTNAME_VALIDATION = "tally.cassandra.ssl.hostname.validation";
    /** Every key of the store a role that reads or writes it declares, in the order the README shows them. */
    public static final String[] CASSANDRA = {
        CASSANDRA_CONTACT_POINTS,
        CASSANDRA_DATACENTER,
        CASSANDRA_KEYSPACE,
        CASSANDRA_REPLICATION,
        CASSANDRA_SCHEMA_APPLY,
        CASSANDRA_READ_CONSISTENCY,
        CASSANDRA_WRITE_CONSISTENCY,
        CASSANDRA_USERNAME,
        CASSANDRA_PASSWORD,
        CASSANDRA_SSL_ENABLED,
        CASSANDRA_SSL_TRUSTSTORE_PATH,
        CASSANDRA_SSL_TRUSTSTORE_PASSWORD,
        CASSANDRA_SSL_KEYSTORE_PATH,
        CASSANDRA_SSL_KEYSTORE_PASSWORD,
        CASSANDRA_SSL_HOSTNAME_VALIDATION
    };
    /** The consistency levels the store's settings accept. */
    public static final List<String> CONSISTENCY_LEVELS =
            List.of("ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_ONE", "LOCAL_QUORUM", "EACH_QUORUM");

    /** The prefixes of the roles' own keys: a key under one is that role's to read, and to refuse when unknown. */
    public static final List<String> ROLE_PREFIXES =
            List.of("tally.aggregator.", "tally.reconciler.", "tally.api.", "tally.broker.", "tally.cassandra.");

    /** Documentation of {@link #KAFKA_PREFIX} in a reference table. */
    public static final String KAFKA_PREFIX_DOC = "Passed, without the prefix, to the role's Kafka clients: security "
            + "and timeouts, for example `tally.kafka.security.protocol=SASL_SSL`.";

    /** Validates a regular expression. */
    public static final ConfigDef.Validator REGEX = (name, value) -> {
        try {
            Pattern.compile(String.valueOf(value));
        } catch (PatternSyntaxException e) {
            throw new ConfigException(name, value, "not a regular expression: " + e.getDescription());
        }
    };

    /**
     * Validates an event-time specification ({@link EventTimeSpec}: {@code tally.event.time} and the log tier's
     * {@code tally.aggregator.log.event.time}); the error names the key and the value.
     */
    public static final ConfigDef.Validator EVENT_TIME = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                EventTimeSpec.parse(value == null ? null : String.valueOf(value));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, "must be " + EventTimeSpec.FORMS);
            }
        }

        @Override
        public String toString() {
            return "record, header:NAME, json:PATH";
        }
    };

    private static final ConfigDef.Validator DIGEST_SIZE = ConfigDef.LambdaValidator.with(
            (name, value) -> {
                int cells = (Integer) value;
                if (cells != 0 && (cells < IdDigest.MIN_CELLS || cells > IdDigest.MAX_CELLS)) {
                    throw new ConfigException(
                            name,
                            value,
                            "must be 0 (off) or between " + IdDigest.MIN_CELLS + " and " + IdDigest.MAX_CELLS);
                }
            },
            () -> "0 (off) or " + IdDigest.MIN_CELLS + ".." + IdDigest.MAX_CELLS);

    static final SettingsTable TABLE = SettingsTable.builder("shared")
            .define(new ConfigDef()
                    .define(
                            KAFKA_BOOTSTRAP_SERVERS,
                            Type.STRING,
                            "localhost:9092",
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "Kafka cluster of Tally's topics (and of the audited topics the log " + "tier reads).")
                    .define(
                            AUDIT_TOPIC,
                            Type.STRING,
                            "tally.audit",
                            new ConfigDef.NonEmptyString(),
                            Importance.MEDIUM,
                            "Topic of the agents' (and the log tier's) audit records and heartbeats.")
                    .define(
                            AGGREGATES_TOPIC,
                            Type.STRING,
                            "tally.aggregates",
                            new ConfigDef.NonEmptyString(),
                            Importance.MEDIUM,
                            "Compacted topic of cumulative per-tier aggregates (key "
                                    + "topic|tier|bucketStart) and tier progress (key progress|tier|topic), written by "
                                    + "the aggregator, read by the reconciler.")
                    .define(
                            ALERTS_TOPIC,
                            Type.STRING,
                            "tally.alerts",
                            new ConfigDef.NonEmptyString(),
                            Importance.LOW,
                            "Topic the reconciler's Kafka alert sink writes to.")
                    .define(
                            DLQ_TOPIC,
                            Type.STRING,
                            "tally.audit.dlq",
                            new ConfigDef.NonEmptyString(),
                            Importance.LOW,
                            "Dead-letter topic: audit messages the aggregator cannot use, unchanged, with the reason "
                                    + "in the header 'tally.dlq.reason'.")
                    .define(
                            SETTINGS_TOPIC,
                            Type.STRING,
                            "tally.settings",
                            new ConfigDef.NonEmptyString(),
                            Importance.LOW,
                            "Compacted topic where the aggregator publishes what every agent must share with it "
                                    + "(bucket size, digest cells, skew bounds); an agent not given them reads them "
                                    + "there when its client starts.")
                    .define(
                            BUCKET_MS,
                            Type.LONG,
                            DEFAULT_BUCKET_MS,
                            Range.atLeast(1_000),
                            Importance.HIGH,
                            "Event-time bucket size in ms; the same for every agent and the aggregator (records of "
                                    + "another size go to the dead-letter topic).")
                    .define(
                            FLUSH_INTERVAL_MS,
                            Type.LONG,
                            5_000L,
                            Range.between(100, 600_000),
                            Importance.MEDIUM,
                            "How often agents send their counts, in ms (consumers also at every commit). A shorter "
                                    + "interval narrows what a crash can leave uncounted; the reconciler allows an "
                                    + "agent that died that much uncounted (AUDIT_GAP).")
                    .define(
                            DIGEST_CELLS,
                            Type.INT,
                            IdDigest.DEFAULT_CELLS,
                            DIGEST_SIZE,
                            Importance.LOW,
                            "Cells of the id digest that names lost and duplicated messages; 0 turns it off. 128 "
                                    + "cells decode 99% of buckets with up to 32 differences; the same in every "
                                    + "tier.")
                    .define(
                            SKEW_FUTURE_MS,
                            Type.LONG,
                            3_600_000L,
                            Range.atLeast(0),
                            Importance.LOW,
                            "Event times further ahead of the clock than this are counted apart as skewed. The "
                                    + "aggregator also refuses an agent's record with a bucket further ahead of the "
                                    + "agent's clock (dead-letter topic).")
                    .define(
                            SKEW_PAST_MS,
                            Type.LONG,
                            14L * 24 * 3_600_000L,
                            Range.atLeast(0),
                            Importance.LOW,
                            "Event times further behind the clock than this are counted apart as skewed.")
                    .define(
                            LOG_TOPICS,
                            Type.STRING,
                            AuditedTopics.ALL,
                            REGEX,
                            Importance.MEDIUM,
                            "Regular expression of the topics the log tier audits; Tally's own (tally.*) and "
                                    + "Kafka's internal (__*) topics never are. The reconciler expects the log tier "
                                    + "on these topics only.")
                    .define(
                            LOG_COMMITTED_TOPICS,
                            Type.STRING,
                            "",
                            REGEX,
                            Importance.LOW,
                            "Regular expression of topics the log tier always also reads with "
                                    + "isolation.level=read_committed and counts as tier log.committed, the reference "
                                    + "of read_committed consumers; empty for none. Topics the brokers say are written "
                                    + "in transactions are counted so without it; list a topic here when that cannot "
                                    + "be asked (no DescribeProducers permission) or its transactional writers may "
                                    + "pause longer than the brokers' producer.id.expiration.ms. Each such topic is "
                                    + "read twice.")
                    .define(
                            CASSANDRA_CONTACT_POINTS,
                            Type.STRING,
                            "localhost:9042",
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "Cassandra nodes of the reconciler and the API, `host[:port]` "
                                    + "comma-separated; `memory` keeps everything in the process's own memory, "
                                    + "shared with no other process and gone at its end (tests, trials).")
                    .define(
                            CASSANDRA_DATACENTER,
                            Type.STRING,
                            "datacenter1",
                            new ConfigDef.NonEmptyString(),
                            Importance.LOW,
                            "Local data center of the Cassandra driver.")
                    .define(
                            CASSANDRA_KEYSPACE,
                            Type.STRING,
                            "tally",
                            new ConfigDef.NonEmptyString(),
                            Importance.LOW,
                            "Keyspace.")
                    .define(
                            CASSANDRA_REPLICATION,
                            Type.STRING,
                            "1",
                            new ConfigDef.NonEmptyString(),
                            Importance.LOW,
                            "Replication of a new keyspace: a factor (`3`, SimpleStrategy) or `dc1=3,dc2=2` "
                                    + "(NetworkTopologyStrategy, what a cluster wants: replicas placed by rack).")
                    .define(
                            CASSANDRA_SCHEMA_APPLY,
                            Type.BOOLEAN,
                            false,
                            Importance.MEDIUM,
                            "Whether this role creates the keyspace and tables itself at start. Off: the schema is "
                                    + "applied once by `tally schema apply` (two processes creating a table at "
                                    + "once through different nodes can lose its data), and the role refuses to "
                                    + "start against an older schema. `standalone` and `demo` apply their own.")
                    .define(
                            CASSANDRA_READ_CONSISTENCY,
                            Type.STRING,
                            "LOCAL_QUORUM",
                            ConfigDef.CaseInsensitiveValidString.in(CONSISTENCY_LEVELS.toArray(String[]::new)),
                            Importance.MEDIUM,
                            "Consistency level of every read. With the writes' LOCAL_QUORUM, a read sees every "
                                    + "acknowledged write though a replica is down or behind.")
                    .define(
                            CASSANDRA_WRITE_CONSISTENCY,
                            Type.STRING,
                            "LOCAL_QUORUM",
                            ConfigDef.CaseInsensitiveValidString.in(CONSISTENCY_LEVELS.toArray(String[]::new)),
                            Importance.MEDIUM,
                            "Consistency level of every write: a write is acknowledged once this many replicas "
                                    + "hold it (LOCAL_QUORUM: 2 of 3).")
                    .define(
                            CASSANDRA_USERNAME,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            "Role to log in as, for a cluster with `PasswordAuthenticator`; empty: no login.")
                    .define(
                            CASSANDRA_PASSWORD,
                            Type.PASSWORD,
                            null,
                            Importance.MEDIUM,
                            "Password of `tally.cassandra.username`; never logged or shown.")
                    .define(
                            CASSANDRA_SSL_ENABLED,
                            Type.BOOLEAN,
                            false,
                            Importance.MEDIUM,
                            "Speak TLS to the nodes (their `client_encryption_options`).")
                    .define(
                            CASSANDRA_SSL_TRUSTSTORE_PATH,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            "Trust store (JKS or PKCS12) of the nodes' certificates or their CA; empty: the "
                                    + "JVM's default trust store.")
                    .define(
                            CASSANDRA_SSL_TRUSTSTORE_PASSWORD,
                            Type.PASSWORD,
                            null,
                            Importance.MEDIUM,
                            "Password of the trust store.")
                    .define(
                            CASSANDRA_SSL_KEYSTORE_PATH,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            "Key store of this client's own certificate, for nodes that require one "
                                    + "(`require_client_auth`); empty: none.")
                    .define(
                            CASSANDRA_SSL_KEYSTORE_PASSWORD,
                            Type.PASSWORD,
                            null,
                            Importance.MEDIUM,
                            "Password of the key store.")
                    .define(
                            CASSANDRA_SSL_HOSTNAME_VALIDATION,
                            Type.BOOLEAN,
                            true,
                            Importance.MEDIUM,
                            "Check that a node's certificate names the address it was reached at."))
            .build();

    private SharedSettings() {}

    /**
     * @return whether {@code key} is a shared key: one of the table's, or a setting of the roles' Kafka clients
     *     ({@value #KAFKA_PREFIX}*), which a role without Kafka clients (the API) leaves to the roles that have some
     */
    public static boolean isShared(String key) {
        return TABLE.definition().names().contains(key) || key.startsWith(KAFKA_PREFIX);
    }

    /** @return the shared keys as one table, for the README */
    public static SettingsTable table() {
        return TABLE;
    }
}
