package io.tally.aggregator;

import io.tally.aggregator.internal.aggregate.TopicGroups;
import io.tally.core.settings.RoleConfig;
import io.tally.core.settings.SettingsTable;
import io.tally.core.settings.SharedSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The aggregator's settings: its own {@value #PREFIX}* keys and the shared keys it reads (Tally's Kafka cluster and
 * topics, the bucket size, the digest, the skew bounds, the log tier's topics), in one {@link SettingsTable}
 * ({@link #TABLE}) from which the README's reference is rendered. The Flink settings the jobs need are derived from
 * it at the edge ({@link Jobs#flinkSettings}).
 *
 * <p>Keys starting with {@value SharedSettings#KAFKA_PREFIX} are passed, without the prefix, to the jobs' Kafka
 * sources, sinks and admin client. Immutable and thread-safe; the jobs copy the values they need, so a change after a
 * job was built has no effect on it.
 */
public final class AggregatorConfig extends RoleConfig<AggregatorConfig> {
    /** Prefix of the aggregator's own keys. */
    public static final String PREFIX = "tally.aggregator.";

    public static final String PARALLELISM = PREFIX + "parallelism";
    public static final String STATE_RETENTION_MS = PREFIX + "state.retention.ms";
    public static final String EMIT_INTERVAL_MS = PREFIX + "emit.interval.ms";
    public static final String CHECKPOINT_INTERVAL_MS = PREFIX + "checkpoint.interval.ms";
    public static final String CHECKPOINT_DIR = PREFIX + "checkpoint.dir";
    public static final String MAX_RESTARTS = PREFIX + "max.restarts";
    public static final String LIVENESS_TIMEOUT_MS = PREFIX + "liveness.timeout.ms";
    public static final String DEDUP_WINDOW = PREFIX + "dedup.window";
    public static final String LOG_EVENT_TIME = PREFIX + "log.event.time";
    public static final String LOG_STARTING_OFFSETS = PREFIX + "log.starting.offsets";
    public static final String LOG_FLUSH_INTERVAL_MS = PREFIX + "log.flush.interval.ms";
    public static final String LOG_PARTITION_IDLE_MS = PREFIX + "log.partition.idle.ms";
    public static final String GROUP_ID = PREFIX + "group.id";
    public static final String CREATE_TOPICS = PREFIX + "create.topics";
    public static final String TOPIC_PARTITIONS = PREFIX + "topic.partitions";
    public static final String TOPIC_GROUPS = PREFIX + "topic.groups";

    private static final ConfigDef.Validator GROUPS = (name, value) -> {
        try {
            TopicGroups.parse(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    };

    /** Every key the aggregator reads, in the order the README shows them. */
    public static final SettingsTable TABLE = SettingsTable.builder("aggregator", PREFIX)
            .shared(
                    SharedSettings.KAFKA_BOOTSTRAP_SERVERS,
                    SharedSettings.AUDIT_TOPIC,
                    SharedSettings.AGGREGATES_TOPIC,
                    SharedSettings.DLQ_TOPIC,
                    SharedSettings.SETTINGS_TOPIC,
                    SharedSettings.BUCKET_MS)
            .define(new ConfigDef()
                    .define(PARALLELISM, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM, "Parallelism of each job.")
                    .define(
                            STATE_RETENTION_MS,
                            Type.LONG,
                            Duration.ofDays(2).toMillis(),
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "How long a bucket accepts late records and an agent's sequence "
                                    + "numbers are remembered (state TTL), in ms. Records for buckets that ended "
                                    + "longer ago go to the dead-letter topic.")
                    .define(
                            EMIT_INTERVAL_MS,
                            Type.LONG,
                            1_000L,
                            Range.atLeast(1),
                            Importance.LOW,
                            "At most one aggregate (or progress) update per key in this interval: the debounce of "
                                    + "the upserts on the aggregates topic.")
                    .define(
                            CHECKPOINT_INTERVAL_MS,
                            Type.LONG,
                            10_000L,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "Checkpoint interval. The log-tier job's audit records become visible at each "
                                    + "checkpoint (transactional output), so this is also its reporting delay.")
                    .define(
                            CHECKPOINT_DIR,
                            Type.STRING,
                            null,
                            Importance.HIGH,
                            "Where checkpoints are kept (a Flink file system URI, e.g. file:///var/tally/ckpt). "
                                    + "Unset: the Flink cluster's own setting (in memory on a local MiniCluster). "
                                    + "Checkpoints are retained on cancellation; the local aggregator resumes from "
                                    + "the latest one at start.")
                    .define(
                            MAX_RESTARTS,
                            Type.INT,
                            10,
                            Range.atLeast(0),
                            Importance.LOW,
                            "Restarts after failures (with exponential back-off, from 1 s up to 1 min) before the "
                                    + "job gives up and fails; the count starts again after an hour without "
                                    + "failure. A failed job makes 'tally aggregator' and 'tally standalone' stop "
                                    + "with exit status 1, saying why, instead of restarting for ever.")
                    .define(
                            LIVENESS_TIMEOUT_MS,
                            Type.LONG,
                            60_000L,
                            Range.atLeast(1),
                            Importance.LOW,
                            "An agent is live while its latest heartbeat (by when it reached the audit topic, where "
                                    + "the topic has LogAppendTime timestamps; else by its emit time) is younger than "
                                    + "this and not closed; tier progress counts and waits for live agents only. Ages "
                                    + "are measured on the audit topic's time as read: a job working through a "
                                    + "backlog takes no agent for dead whose next heartbeat is still unread.")
                    .define(
                            DEDUP_WINDOW,
                            Type.INT,
                            65_536,
                            Range.between(64, 1 << 24),
                            Importance.LOW,
                            "Sequence numbers per agent tracked above its highest contiguous one (8 KB of state at "
                                    + "most). A message that arrives further than this behind the agent's newest "
                                    + "is counted in the metric seqGivenUp."))
            .shared(SharedSettings.LOG_TOPICS, SharedSettings.LOG_COMMITTED_TOPICS)
            .define(new ConfigDef()
                    .define(
                            LOG_EVENT_TIME,
                            Type.STRING,
                            "record",
                            SharedSettings.EVENT_TIME,
                            Importance.MEDIUM,
                            "Event time of an audited record, as the agents' tally.event.time: 'record' (the "
                                    + "timestamp in the log), 'header:NAME' or 'json:PATH' (only this one reads "
                                    + "values).")
                    .define(
                            LOG_STARTING_OFFSETS,
                            Type.STRING,
                            "earliest",
                            ValidString.in("earliest", "latest"),
                            Importance.LOW,
                            "Where the log-tier job starts on a partition it has no checkpointed or "
                                    + "committed offset for.")
                    .define(
                            LOG_FLUSH_INTERVAL_MS,
                            Type.LONG,
                            5_000L,
                            Range.atLeast(1),
                            Importance.LOW,
                            "How often the log-tier job emits its counts and heartbeat (also at every checkpoint).")
                    .define(
                            LOG_PARTITION_IDLE_MS,
                            Type.LONG,
                            30_000L,
                            Range.atLeast(1),
                            Importance.LOW,
                            "The log tier reports a watermark per partition it reads, and its watermark on a "
                                    + "topic is the lowest of them; a partition with no new record for this long "
                                    + "(caught up) is left out, so that it does not hold the tier back."))
            .shared(SharedSettings.DIGEST_CELLS, SharedSettings.SKEW_FUTURE_MS, SharedSettings.SKEW_PAST_MS)
            .define(new ConfigDef()
                    .define(
                            GROUP_ID,
                            Type.STRING,
                            "tally-aggregator",
                            new ConfigDef.NonEmptyString(),
                            Importance.LOW,
                            "Consumer group of the jobs' sources (suffixes '.audit' and '.log'); "
                                    + "offsets are committed there at checkpoints for monitoring, the checkpoint "
                                    + "itself is authoritative.")
                    .define(
                            CREATE_TOPICS,
                            Type.BOOLEAN,
                            true,
                            Importance.LOW,
                            "Create the audit, aggregates (compacted) and dead-letter topics when missing.")
                    .define(
                            TOPIC_PARTITIONS,
                            Type.INT,
                            3,
                            Range.atLeast(1),
                            Importance.LOW,
                            "Partitions of the topics created by the aggregator.")
                    .define(
                            TOPIC_GROUPS,
                            Type.STRING,
                            "",
                            GROUPS,
                            Importance.LOW,
                            "Topics whose aggregates go to one partition of the aggregates topic, so that one "
                                    + "reconciler judges an edge between them (a mirror, a rename in the topology "
                                    + "file): 'orders,orders.mirror;payments,payments.dr'. Empty: every topic on "
                                    + "its own."))
            .passThrough(SharedSettings.KAFKA_PREFIX, SharedSettings.KAFKA_PREFIX_DOC)
            .build();

    private AggregatorConfig(Map<String, ?> settings) {
        super(TABLE, settings, AggregatorConfig::fromProperties);
    }

    /**
     * @param settings keys of {@link #TABLE} and {@value SharedSettings#KAFKA_PREFIX}*; other roles' keys are ignored
     * @throws IllegalArgumentException naming the key and the value when a setting is unknown or invalid
     */
    public static AggregatorConfig fromProperties(Map<String, ?> settings) {
        return new AggregatorConfig(settings);
    }

    /** @return every default */
    public static AggregatorConfig defaults() {
        return fromProperties(Map.of());
    }

    /** @return the value of a key in ms as a duration */
    public Duration duration(String key) {
        return Duration.ofMillis(getLong(key));
    }
}
