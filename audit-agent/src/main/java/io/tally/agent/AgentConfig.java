package io.tally.agent;

import io.tally.agent.internal.InternalSettings;
import io.tally.core.settings.RoleConfig;
import io.tally.core.settings.SettingsTable;
import io.tally.core.settings.SharedSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every {@code tally.*} setting of the agent, in one typed table (key, type, default, validator, documentation): its
 * own keys and the shared keys it reads ({@link SharedSettings}). The agent reads them from the configuration of the
 * Kafka client it is attached to, or from the map given to {@link Auditor#create}. The README's reference is rendered
 * from {@link #TABLE}.
 *
 * <p>A bad value, or a {@code tally.} key that is not in the table (a typo), fails with a {@link ConfigException}
 * naming the key, as a Kafka client expects of its plug-ins. Immutable and thread-safe.
 */
public final class AgentConfig extends RoleConfig<AgentConfig> {
    public static final String TIER = "tally.tier";
    /** The name {@link SharedSettings#KAFKA_BOOTSTRAP_SERVERS} had in the first releases' public contract; still read. */
    public static final String AUDIT_BOOTSTRAP_SERVERS = "tally.audit.bootstrap.servers";

    public static final String EVENT_TIME = "tally.event.time";
    public static final String COMMIT_WAIT_MS = "tally.consumer.commit.wait.ms";
    public static final String PARTITION_IDLE_MS = "tally.consumer.partition.idle.ms";
    public static final String PENDING_IDLE_MS = "tally.consumer.pending.idle.ms";
    public static final String MAX_PENDING_RECORDS = "tally.consumer.max.pending.records";
    public static final String MAX_OPEN_BUCKETS = "tally.max.open.buckets";
    public static final String MAX_BUFFERED_RECORDS = "tally.max.buffered.records";
    public static final String CLOSE_TIMEOUT_MS = "tally.close.timeout.ms";
    public static final String HOST = "tally.host";
    public static final String SETTINGS_WAIT_MS = "tally.settings.wait.ms";

    /** Every key the agent reads, in the order the README shows them. */
    public static final SettingsTable TABLE = SettingsTable.builder("agent")
            .define(new ConfigDef()
                    .define(
                            TIER,
                            Type.STRING,
                            null,
                            Importance.HIGH,
                            "The tier this client reports as. Default: 'producer' for producers, 'consumer.<group.id>' "
                                    + "for consumers; a consumer without a group is a reader, 'reader.<client.id>' "
                                    + "('reader' when Kafka made its client.id up), judged for loss only; required for "
                                    + "the Auditor API."))
            .sharedWithDefault(
                    SharedSettings.KAFKA_BOOTSTRAP_SERVERS,
                    null,
                    "The agent sends its audit records there; default: its client's own bootstrap.servers (and its "
                            + "security settings).")
            .define(new ConfigDef()
                    .define(
                            AUDIT_BOOTSTRAP_SERVERS,
                            Type.LIST,
                            null,
                            Importance.LOW,
                            "The name tally.kafka.bootstrap.servers had in the first releases, still read; giving "
                                    + "both with different values is an error."))
            .shared(SharedSettings.AUDIT_TOPIC, SharedSettings.BUCKET_MS, SharedSettings.FLUSH_INTERVAL_MS)
            .define(new ConfigDef()
                    .define(
                            EVENT_TIME,
                            Type.STRING,
                            "record",
                            SharedSettings.EVENT_TIME,
                            Importance.MEDIUM,
                            "Where a message's event time comes from: 'record' (the Kafka timestamp as stored in the "
                                    + "log), 'header:NAME' (epoch ms as 8 bytes big-endian or decimal text), or "
                                    + "'json:PATH' (a dotted path into a JSON value; epoch ms or ISO-8601)."))
            .shared(
                    SharedSettings.DIGEST_CELLS,
                    SharedSettings.SKEW_FUTURE_MS,
                    SharedSettings.SKEW_PAST_MS,
                    SharedSettings.SETTINGS_TOPIC)
            .define(new ConfigDef()
                    .define(
                            SETTINGS_WAIT_MS,
                            Type.LONG,
                            2_000L,
                            Range.atLeast(0),
                            Importance.LOW,
                            "How long a client's start may wait to read the deployment's bucket size, digest cells "
                                    + "and skew bounds from tally.settings.topic, for those of them it does not set; "
                                    + "0 never reads them (the agent's defaults then apply).")
                    .define(
                            COMMIT_WAIT_MS,
                            Type.LONG,
                            60_000L,
                            Range.atLeast(0),
                            Importance.LOW,
                            "Consumers count a record when its offset is committed, however late the commit comes. A "
                                    + "partition none of whose records was committed for this long since it was first "
                                    + "read is read by a client that does not commit through the consumer: it counts "
                                    + "on consume instead (mode 'consume' in its records) until a commit for it comes. "
                                    + "A consumer without a group.id counts on consume from the start.")
                    .define(
                            PENDING_IDLE_MS,
                            Type.LONG,
                            1_800_000L,
                            Range.atLeast(1),
                            Importance.LOW,
                            "Records waiting for a commit in a partition that has returned nothing for this long "
                                    + "belong to a partition this consumer lost in a rebalance: they are given up (its "
                                    + "next owner counts them). Keep it above the longest commit interval (Kafka "
                                    + "Connect flushes every 60 s, Flink commits at checkpoints).")
                    .define(
                            MAX_PENDING_RECORDS,
                            Type.LONG,
                            500_000L,
                            Range.atLeast(1),
                            Importance.LOW,
                            "Most records waiting for a commit, in all partitions (about 28 bytes each). A partition "
                                    + "that would bring more counts on consume from then on (mode 'consume' in its "
                                    + "records, a warning in the log): a crash can then count some of its records "
                                    + "twice.")
                    .define(
                            PARTITION_IDLE_MS,
                            Type.LONG,
                            30_000L,
                            Range.atLeast(1),
                            Importance.LOW,
                            "Consumers report a watermark per partition they read, and a tier's watermark is the "
                                    + "lowest of them. A partition that has returned no records for this long and has "
                                    + "none waiting for a commit (caught up, or revoked in a rebalance) is left out, "
                                    + "so that it does not hold the tier back.")
                    .define(
                            MAX_OPEN_BUCKETS,
                            Type.INT,
                            10_000,
                            Range.atLeast(1),
                            Importance.LOW,
                            "Most (topic, bucket) counters held between flushes; past it, messages are dropped from "
                                    + "the audit and counted as dropped, never blocking the client.")
                    .define(
                            MAX_BUFFERED_RECORDS,
                            Type.INT,
                            10_000,
                            Range.atLeast(1),
                            Importance.LOW,
                            "Most audit records waiting for the audit topic (for example while it is unreachable); "
                                    + "past it the oldest are dropped and their messages counted as dropped.")
                    .define(
                            CLOSE_TIMEOUT_MS,
                            Type.LONG,
                            5_000L,
                            Range.atLeast(0),
                            Importance.LOW,
                            "How long closing the client waits for the last audit records to be sent.")
                    .define(
                            HOST,
                            Type.STRING,
                            null,
                            Importance.LOW,
                            "Host name put in the audit records. Default: the machine's name."))
            .passThrough(
                    SharedSettings.KAFKA_PREFIX,
                    "Passed, without the prefix, to the agent's own producer, for example "
                            + "`tally.kafka.sasl.jaas.config`. Its defaults: `acks=all`, idempotence on, and the host "
                            + "producer's `compression.type` (`none` for a consumer).")
            .build();

    private AgentConfig(Map<String, ?> settings) {
        super(TABLE, settings, AgentConfig::fromProperties);
    }

    /**
     * @param settings the client's configuration or an Auditor's; only {@code tally.*} keys are read
     * @throws ConfigException if a {@code tally.} key is unknown or has a bad value
     */
    public static AgentConfig fromProperties(Map<String, ?> settings) {
        try {
            return new AgentConfig(tallyKeys(settings));
        } catch (IllegalArgumentException e) {
            // what a Kafka client expects from its plug-ins' configuration
            throw new ConfigException(e.getMessage());
        }
    }

    /** @return every default */
    public static AgentConfig defaults() {
        return fromProperties(Map.of());
    }

    /** @return the audit cluster, by its name or the name it had first; null for the client's own */
    public List<String> auditBootstrapServers() {
        String servers = getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS);
        return servers != null ? List.of(servers.split("\\s*,\\s*", -1)) : getList(AUDIT_BOOTSTRAP_SERVERS);
    }

    /**
     * @return the settings but the test hooks under {@value InternalSettings#PREFIX}; the audit cluster may be given
     *     as a list, the way a Kafka client's {@code bootstrap.servers} can be
     * @throws ConfigException if the audit cluster is given under both its names, with different values
     */
    private static Map<String, Object> tallyKeys(Map<String, ?> settings) {
        Map<String, Object> tally = new HashMap<>();
        settings.forEach((key, value) -> {
            if (!key.startsWith(InternalSettings.PREFIX)) {
                tally.put(key, value);
            }
        });
        Object name = tally.get(SharedSettings.KAFKA_BOOTSTRAP_SERVERS);
        Object first = tally.get(AUDIT_BOOTSTRAP_SERVERS);
        if (name != null && first != null && !String.valueOf(name).equals(String.valueOf(first))) {
            throw new ConfigException(
                    AUDIT_BOOTSTRAP_SERVERS,
                    first,
                    "is the old name of " + SharedSettings.KAFKA_BOOTSTRAP_SERVERS + ", which says " + name
                            + ": give one of them");
        }
        if (name instanceof List<?> list) {
            tally.put(
                    SharedSettings.KAFKA_BOOTSTRAP_SERVERS,
                    String.join(",", list.stream().map(String::valueOf).toList()));
        }
        return tally;
    }
}
