package io.tally.agent;

import io.tally.agent.internal.EventTimeSource;
import io.tally.agent.internal.InternalSettings;
import io.tally.core.sketch.IdDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every {@code tally.*} setting of the agent, in one typed table (key, type, default, validator, documentation).
 * The agent reads them from the configuration of the Kafka client it is attached to, or from the map given to
 * {@link Auditor#create}. The README's reference is generated from {@link #toMarkdown()}.
 *
 * <p>A bad value, or a {@code tally.} key that is not in the table (a typo), fails with a
 * {@link ConfigException} naming the key.
 */
public final class AgentConfig extends AbstractConfig {
    public static final String TIER = "tally.tier";
    public static final String AUDIT_BOOTSTRAP_SERVERS = "tally.audit.bootstrap.servers";
    public static final String AUDIT_TOPIC = "tally.audit.topic";
    public static final String BUCKET_MS = "tally.bucket.ms";
    public static final String FLUSH_INTERVAL_MS = "tally.flush.interval.ms";
    public static final String EVENT_TIME = "tally.event.time";
    public static final String DIGEST_CELLS = "tally.digest.cells";
    public static final String SKEW_FUTURE_MS = "tally.skew.future.ms";
    public static final String SKEW_PAST_MS = "tally.skew.past.ms";
    public static final String COMMIT_WAIT_MS = "tally.consumer.commit.wait.ms";
    public static final String PARTITION_IDLE_MS = "tally.consumer.partition.idle.ms";
    public static final String PENDING_IDLE_MS = "tally.consumer.pending.idle.ms";
    public static final String MAX_PENDING_RECORDS = "tally.consumer.max.pending.records";
    public static final String MAX_OPEN_BUCKETS = "tally.max.open.buckets";
    public static final String MAX_BUFFERED_RECORDS = "tally.max.buffered.records";
    public static final String CLOSE_TIMEOUT_MS = "tally.close.timeout.ms";
    public static final String HOST = "tally.host";
    /** Settings under this prefix go, without it, to the agent's own producer (security, timeouts...). */
    public static final String AUDIT_PRODUCER_PREFIX = "tally.audit.producer.";

    public static final String DEFAULT_AUDIT_TOPIC = "tally.audit";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    TIER,
                    Type.STRING,
                    null,
                    Importance.HIGH,
                    "The tier this client reports as. Default: 'producer' for producers, 'consumer.<group.id>' for "
                            + "consumers ('consumer' without a group); required for the Auditor API.")
            .define(
                    AUDIT_BOOTSTRAP_SERVERS,
                    Type.LIST,
                    null,
                    Importance.HIGH,
                    "Kafka cluster that receives the audit records. Default: the client's own bootstrap.servers "
                            + "(and its security settings).")
            .define(
                    AUDIT_TOPIC,
                    Type.STRING,
                    DEFAULT_AUDIT_TOPIC,
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Topic the audit records are written to.")
            .define(
                    BUCKET_MS,
                    Type.LONG,
                    60_000L,
                    Range.atLeast(1_000),
                    Importance.HIGH,
                    "Event-time bucket size in ms; must be the same for every agent and the aggregator.")
            .define(
                    FLUSH_INTERVAL_MS,
                    Type.LONG,
                    5_000L,
                    Range.between(100, 600_000),
                    Importance.MEDIUM,
                    "How often counts are sent, in ms; consumers also send at every commit. A shorter interval "
                            + "narrows what a crash can leave uncounted.")
            .define(
                    EVENT_TIME,
                    Type.STRING,
                    "record",
                    EventTimeSource.VALIDATOR,
                    Importance.MEDIUM,
                    "Where a message's event time comes from: 'record' (the Kafka timestamp as stored in the log), "
                            + "'header:NAME' (epoch ms as 8 bytes big-endian or decimal text), or 'json:PATH' "
                            + "(a dotted path into a JSON value; epoch ms or ISO-8601).")
            .define(
                    DIGEST_CELLS,
                    Type.INT,
                    IdDigest.DEFAULT_CELLS,
                    ConfigDef.LambdaValidator.with(
                            (name, value) -> {
                                int cells = (Integer) value;
                                if (cells != 0 && (cells < IdDigest.MIN_CELLS || cells > IdDigest.MAX_CELLS)) {
                                    throw new ConfigException(
                                            name,
                                            value,
                                            "must be 0 (off) or between " + IdDigest.MIN_CELLS + " and "
                                                    + IdDigest.MAX_CELLS);
                                }
                            },
                            () -> "0 (off) or " + IdDigest.MIN_CELLS + ".." + IdDigest.MAX_CELLS),
                    Importance.LOW,
                    "Cells of the id digest that names lost and duplicated messages; 0 turns it off. 128 cells "
                            + "decode 99% of buckets with up to 32 differences; must match across tiers.")
            .define(
                    SKEW_FUTURE_MS,
                    Type.LONG,
                    3_600_000L,
                    Range.atLeast(0),
                    Importance.LOW,
                    "Event times further than this ahead of the agent's clock are counted apart as skewed.")
            .define(
                    SKEW_PAST_MS,
                    Type.LONG,
                    14L * 24 * 3_600_000L,
                    Range.atLeast(0),
                    Importance.LOW,
                    "Event times further than this behind the agent's clock are counted apart as skewed.")
            .define(
                    COMMIT_WAIT_MS,
                    Type.LONG,
                    60_000L,
                    Range.atLeast(0),
                    Importance.LOW,
                    "Consumers count a record when its offset is committed, however late the commit comes. A "
                            + "partition none of whose records was committed for this long since it was first read "
                            + "is read by a client that does not commit through the consumer: it counts on consume "
                            + "instead (mode 'consume' in its records) until a commit for it comes. A consumer "
                            + "without a group.id counts on consume from the start.")
            .define(
                    PENDING_IDLE_MS,
                    Type.LONG,
                    1_800_000L,
                    Range.atLeast(1),
                    Importance.LOW,
                    "Records waiting for a commit in a partition that has returned nothing for this long belong to "
                            + "a partition this consumer lost in a rebalance: they are given up (its next owner "
                            + "counts them). Keep it above the longest commit interval (Kafka Connect flushes every "
                            + "60 s, Flink commits at checkpoints).")
            .define(
                    MAX_PENDING_RECORDS,
                    Type.LONG,
                    500_000L,
                    Range.atLeast(1),
                    Importance.LOW,
                    "Most records waiting for a commit, in all partitions (about 28 bytes each). A partition that "
                            + "would bring more counts on consume from then on (mode 'consume' in its records, a "
                            + "warning in the log): a crash can then count some of its records twice.")
            .define(
                    PARTITION_IDLE_MS,
                    Type.LONG,
                    30_000L,
                    Range.atLeast(1),
                    Importance.LOW,
                    "Consumers report a watermark per partition they read, and a tier's watermark is the lowest of "
                            + "them. A partition that has returned no records for this long and has none waiting "
                            + "for a commit (caught up, or revoked in a rebalance) is left out, so that it does not "
                            + "hold the tier back.")
            .define(
                    MAX_OPEN_BUCKETS,
                    Type.INT,
                    10_000,
                    Range.atLeast(1),
                    Importance.LOW,
                    "Most (topic, bucket) counters held between flushes; past it, messages are dropped from the "
                            + "audit and counted as dropped, never blocking the client.")
            .define(
                    MAX_BUFFERED_RECORDS,
                    Type.INT,
                    10_000,
                    Range.atLeast(1),
                    Importance.LOW,
                    "Most audit records waiting for the audit topic (for example while it is unreachable); past "
                            + "it the oldest are dropped and their messages counted as dropped.")
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
                    "Host name put in the audit records. Default: the machine's name.");

    /**
     * @param settings the client's configuration or an Auditor's; only {@code tally.*} keys are read
     * @throws ConfigException if a {@code tally.} key is unknown or has a bad value
     */
    public AgentConfig(Map<String, ?> settings) {
        super(DEFINITION, tallyKeys(settings), false);
    }

    /** @return the table as Markdown: one row per key with type, default and description */
    public static String toMarkdown() {
        StringBuilder out = new StringBuilder("| key | type | default | description |\n|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
            Object def = key.defaultValue;
            String shown = def == null ? "—" : def.toString().isEmpty() ? "\"\"" : def.toString();
            out.append("| `")
                    .append(key.name)
                    .append("` | ")
                    .append(key.type.toString().toLowerCase())
                    .append(" | `")
                    .append(shown)
                    .append("` | ")
                    .append(key.documentation)
                    .append(
                            key.validator != null
                                            && !(key.validator instanceof ConfigDef.NonEmptyString)
                                            && !(key.validator instanceof EventTimeSource.SpecValidator)
                                    ? " Valid: " + key.validator + "."
                                    : "")
                    .append(" |\n");
        }
        out.append("| `")
                .append(AUDIT_PRODUCER_PREFIX)
                .append("*` | | | Passed, without the prefix, to the agent's "
                        + "own producer, for example `tally.audit.producer.sasl.jaas.config`. Its defaults: `acks=all`, "
                        + "idempotence on, and the host producer's `compression.type` (`none` for a consumer). |\n");
        return out.toString();
    }

    private static Map<String, Object> tallyKeys(Map<String, ?> settings) {
        Map<String, Object> tally = new HashMap<>();
        TreeSet<String> unknown = new TreeSet<>();
        settings.forEach((key, value) -> {
            if (key.startsWith("tally.")
                    && !key.startsWith(AUDIT_PRODUCER_PREFIX)
                    && !key.startsWith(InternalSettings.PREFIX)) {
                if (DEFINITION.names().contains(key)) {
                    tally.put(key, value);
                } else {
                    unknown.add(key);
                }
            }
        });
        if (!unknown.isEmpty()) {
            throw new ConfigException("Unknown Tally setting(s) " + unknown + "; known settings: "
                    + new TreeSet<>(DEFINITION.names()) + " and " + AUDIT_PRODUCER_PREFIX + "*");
        }
        return tally;
    }
}
