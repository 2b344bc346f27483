package io.tally.aggregator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * The aggregator's settings: one typed table of Flink {@link ConfigOption}s (key, type, default, description) and
 * an immutable, validated view of them. The README's settings table is generated from {@link #OPTIONS}.
 *
 * <p>Build one with {@link #fromMap(Map)} (command-line arguments, a properties file) or {@link #of(Configuration)}.
 * Immutable and thread-safe; serializable parts are copied into the jobs, so a change after a job was built has
 * no effect on it.
 */
public final class AggregatorConfig {

    /** Kafka cluster the jobs read from and write to. */
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("tally.kafka.bootstrap.servers")
            .stringType()
            .defaultValue("localhost:9092")
            .withDescription("Kafka cluster holding the audited topics and Tally's own topics.");

    public static final ConfigOption<String> AUDIT_TOPIC = ConfigOptions.key("tally.audit.topic")
            .stringType()
            .defaultValue("tally.audit")
            .withDescription("Topic the agents (and the log-tier job) write audit records and heartbeats to.");
    public static final ConfigOption<String> AGGREGATES_TOPIC = ConfigOptions.key("tally.aggregates.topic")
            .stringType()
            .defaultValue("tally.aggregates")
            .withDescription("Compacted topic of cumulative per-tier aggregates (key topic|tier|bucketStart) "
                    + "and tier progress (key progress|tier|topic).");
    public static final ConfigOption<String> DLQ_TOPIC = ConfigOptions.key("tally.dlq.topic")
            .stringType()
            .defaultValue("tally.audit.dlq")
            .withDescription("Dead-letter topic: audit messages that cannot be used, unchanged, with the reason "
                    + "in the header 'tally.dlq.reason'.");
    public static final ConfigOption<Long> BUCKET_MS = ConfigOptions.key("tally.bucket.ms")
            .longType()
            .defaultValue(60_000L)
            .withDescription("Event-time bucket size of the deployment, ms; must equal the agents' tally.bucket.ms. "
                    + "Records of another size go to the dead-letter topic. Valid: [1000,...].");
    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("tally.aggregator.parallelism")
            .intType()
            .defaultValue(1)
            .withDescription("Parallelism of each job. Valid: [1,...].");
    public static final ConfigOption<Duration> STATE_RETENTION = ConfigOptions.key("tally.state.retention.ms")
            .durationType()
            .defaultValue(Duration.ofDays(2))
            .withDescription("How long a bucket accepts late records and an agent's sequence numbers are "
                    + "remembered (state TTL). Records for buckets that ended longer ago go to the dead-letter topic. "
                    + "A number is read as ms; '2 d', '36 h' also work.");
    public static final ConfigOption<Duration> EMIT_INTERVAL = ConfigOptions.key("tally.aggregator.emit.interval.ms")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("At most one aggregate (or progress) update per key in this interval: the debounce of the "
                    + "upserts on the aggregates topic.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key(
                    "tally.aggregator.checkpoint.interval.ms")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Checkpoint interval. The log-tier job's audit records become visible at "
                    + "each checkpoint (transactional output), so this is also its reporting delay.");
    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOptions.key("tally.aggregator.checkpoint.dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where checkpoints are kept (a Flink file system URI, e.g. file:///var/tally/ckpt). "
                    + "Unset: the Flink cluster's own setting (in memory on a local MiniCluster). Checkpoints are "
                    + "retained on cancellation; the local aggregator resumes from the latest one at start.");
    public static final ConfigOption<Integer> MAX_RESTARTS = ConfigOptions.key("tally.aggregator.max.restarts")
            .intType()
            .defaultValue(10)
            .withDescription("Restarts after failures (with exponential back-off, from 1 s up to 1 min) before the "
                    + "job gives up and fails; the count starts again after an hour without failure. A failed job "
                    + "makes 'tally aggregator' and 'tally standalone' stop with exit status 1, saying why, "
                    + "instead of restarting for ever. Valid: [0,...].");
    public static final ConfigOption<Duration> LIVENESS_TIMEOUT = ConfigOptions.key("tally.agent.liveness.timeout.ms")
            .durationType()
            .defaultValue(Duration.ofSeconds(60))
            .withDescription("An agent is live while its latest heartbeat (by its emit time) is younger than this "
                    + "and not closed; tier progress counts and waits for live agents only.");
    public static final ConfigOption<Integer> DEDUP_WINDOW = ConfigOptions.key("tally.aggregator.dedup.window")
            .intType()
            .defaultValue(65_536)
            .withDescription("Sequence numbers per agent tracked above its highest contiguous one (8 KB of state "
                    + "at most). A message that arrives further than this behind the agent's newest is counted in "
                    + "the metric seqGivenUp. Valid: [64,...,16777216].");
    public static final ConfigOption<String> LOG_TOPICS = ConfigOptions.key("tally.log.topics")
            .stringType()
            .defaultValue("^(?!tally\\.|__).*")
            .withDescription("Regex of the topics the log-tier job audits; Tally's own (tally.*) and Kafka's "
                    + "internal (__*) topics are never audited, whatever the regex.");
    public static final ConfigOption<String> LOG_COMMITTED_TOPICS = ConfigOptions.key("tally.log.committed.topics")
            .stringType()
            .defaultValue("")
            .withDescription("Regex of the topics the log-tier job also reads with isolation.level=read_committed "
                    + "and counts as tier log.committed, the reference of read_committed consumers; empty for none. "
                    + "Set it for topics whose transactional producers abort transactions: the aborted records are "
                    + "in log but never reach such consumers. Each topic listed is read twice.");
    public static final ConfigOption<String> LOG_EVENT_TIME = ConfigOptions.key("tally.log.event.time")
            .stringType()
            .defaultValue("record")
            .withDescription("Event time of an audited record, as the agents' tally.event.time: 'record' (the "
                    + "timestamp in the log), 'header:NAME' or 'json:PATH' (only this one reads values).");
    public static final ConfigOption<String> LOG_STARTING_OFFSETS = ConfigOptions.key("tally.log.starting.offsets")
            .stringType()
            .defaultValue("earliest")
            .withDescription("Where the log-tier job starts on a partition it has no checkpointed or committed "
                    + "offset for: 'earliest' or 'latest'.");
    public static final ConfigOption<Duration> LOG_FLUSH_INTERVAL = ConfigOptions.key("tally.log.flush.interval.ms")
            .durationType()
            .defaultValue(Duration.ofSeconds(5))
            .withDescription("How often the log-tier job emits its counts and heartbeat (also at every checkpoint).");
    public static final ConfigOption<Duration> LOG_PARTITION_IDLE = ConfigOptions.key("tally.log.partition.idle.ms")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("The log tier reports a watermark per partition it reads, and its watermark on a topic "
                    + "is the lowest of them; a partition with no new record for this long (caught up) is left out, "
                    + "so that it does not hold the tier back.");
    public static final ConfigOption<Integer> DIGEST_CELLS = ConfigOptions.key("tally.digest.cells")
            .intType()
            .defaultValue(128)
            .withDescription("Id digest cells of the log tier; must match the agents'. 0 turns it off.");
    public static final ConfigOption<Long> SKEW_FUTURE_MS = ConfigOptions.key("tally.skew.future.ms")
            .longType()
            .defaultValue(3_600_000L)
            .withDescription("Log tier: event times further ahead of the clock are counted apart as skewed. Also the "
                    + "furthest an agent's record may count ahead of the agent's clock: a record with a bucket "
                    + "further ahead is refused (dead-letter topic); keep the agents' tally.skew.future.ms at most "
                    + "this.");
    public static final ConfigOption<Long> SKEW_PAST_MS = ConfigOptions.key("tally.skew.past.ms")
            .longType()
            .defaultValue(1_209_600_000L)
            .withDescription("Log tier: event times further behind the clock are counted apart as skewed.");
    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("tally.aggregator.group.id")
            .stringType()
            .defaultValue("tally-aggregator")
            .withDescription("Consumer group of the jobs' sources (suffixes '.audit' and '.log'); offsets are "
                    + "committed there at checkpoints for monitoring, the checkpoint itself is authoritative.");
    public static final ConfigOption<Boolean> CREATE_TOPICS = ConfigOptions.key("tally.aggregator.create.topics")
            .booleanType()
            .defaultValue(true)
            .withDescription("Create the audit, aggregates (compacted) and dead-letter topics when missing.");
    public static final ConfigOption<String> TOPIC_GROUPS = ConfigOptions.key("tally.aggregator.topic.groups")
            .stringType()
            .defaultValue("")
            .withDescription("Topics whose aggregates go to one partition of the aggregates topic, so that one "
                    + "reconciler judges an edge between them (a mirror, a rename in the topology file): "
                    + "'orders,orders.mirror;payments,payments.dr'. Empty: every topic on its own.");
    public static final ConfigOption<Integer> TOPIC_PARTITIONS = ConfigOptions.key("tally.topic.partitions")
            .intType()
            .defaultValue(3)
            .withDescription("Partitions of the topics created by the aggregator.");

    /** Every option, in documentation order. */
    public static final List<ConfigOption<?>> OPTIONS = List.of(
            BOOTSTRAP_SERVERS,
            AUDIT_TOPIC,
            AGGREGATES_TOPIC,
            DLQ_TOPIC,
            BUCKET_MS,
            PARALLELISM,
            STATE_RETENTION,
            EMIT_INTERVAL,
            CHECKPOINT_INTERVAL,
            CHECKPOINT_DIR,
            MAX_RESTARTS,
            LIVENESS_TIMEOUT,
            DEDUP_WINDOW,
            LOG_TOPICS,
            LOG_EVENT_TIME,
            LOG_STARTING_OFFSETS,
            LOG_FLUSH_INTERVAL,
            LOG_PARTITION_IDLE,
            LOG_COMMITTED_TOPICS,
            DIGEST_CELLS,
            SKEW_FUTURE_MS,
            SKEW_PAST_MS,
            GROUP_ID,
            CREATE_TOPICS,
            TOPIC_PARTITIONS,
            TOPIC_GROUPS);

    private final Configuration conf;

    private AggregatorConfig(Configuration conf) {
        this.conf = conf;
        validate();
    }

    /**
     * @throws IllegalArgumentException naming the key and the value when a setting is invalid
     */
    public static AggregatorConfig of(Configuration configuration) {
        return new AggregatorConfig(new Configuration(configuration));
    }

    /**
     * @param settings keys of {@link #OPTIONS} to string values; unknown {@code tally.} keys are refused
     * @throws IllegalArgumentException naming the key and the value when a setting is unknown or invalid
     */
    public static AggregatorConfig fromMap(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (OPTIONS.stream().noneMatch(o -> o.key().equals(key))) {
                throw new IllegalArgumentException("unknown setting '" + key + "'");
            }
        }
        try {
            return new AggregatorConfig(Configuration.fromMap(settings));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** @return the defaults */
    public static AggregatorConfig defaults() {
        return new AggregatorConfig(new Configuration());
    }

    /** @return a copy with one option changed */
    public <T> AggregatorConfig with(ConfigOption<T> option, T value) {
        Configuration copy = new Configuration(conf);
        copy.set(option, value);
        return new AggregatorConfig(copy);
    }

    /** @return the value of {@code option}, or its default */
    public <T> T get(ConfigOption<T> option) {
        return read(option);
    }

    /** @return the value of an option without a default, or null when it is not set */
    public <T> T getOptional(ConfigOption<T> option) {
        return conf.getOptional(option).orElse(null);
    }

    private <T> T read(ConfigOption<T> option) {
        try {
            return conf.get(option);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    option.key() + ": invalid value '" + conf.toMap().get(option.key()) + "': " + e.getMessage(), e);
        }
    }

    private void validate() {
        for (ConfigOption<?> option : OPTIONS) {
            read(option);
        }
        atLeast(BUCKET_MS, 1000);
        atLeast(PARALLELISM, 1);
        atLeast(MAX_RESTARTS, 0);
        atLeast(DEDUP_WINDOW, 64);
        atMost(DEDUP_WINDOW, 1 << 24);
        atLeast(TOPIC_PARTITIONS, 1);
        atLeast(SKEW_FUTURE_MS, 0);
        atLeast(SKEW_PAST_MS, 0);
        int cells = read(DIGEST_CELLS);
        if (cells != 0 && (cells < 6 || cells > 65_536)) {
            throw invalid(DIGEST_CELLS, "must be 0 (off) or 6..65536");
        }
        positive(STATE_RETENTION);
        positive(EMIT_INTERVAL);
        positive(CHECKPOINT_INTERVAL);
        positive(LIVENESS_TIMEOUT);
        positive(LOG_FLUSH_INTERVAL);
        positive(LOG_PARTITION_IDLE);
        try {
            Pattern.compile(read(LOG_TOPICS));
        } catch (PatternSyntaxException e) {
            throw invalid(LOG_TOPICS, "is not a regular expression: " + e.getDescription());
        }
        try {
            Pattern.compile(read(LOG_COMMITTED_TOPICS));
        } catch (PatternSyntaxException e) {
            throw invalid(LOG_COMMITTED_TOPICS, "is not a regular expression: " + e.getDescription());
        }
        String eventTime = read(LOG_EVENT_TIME);
        if (!eventTime.equals("record")
                && !(eventTime.startsWith("header:") && eventTime.length() > 7)
                && !(eventTime.startsWith("json:") && eventTime.length() > 5)) {
            throw invalid(LOG_EVENT_TIME, "must be 'record', 'header:NAME' or 'json:PATH'");
        }
        try {
            io.tally.aggregator.internal.aggregate.TopicGroups.parse(read(TOPIC_GROUPS));
        } catch (IllegalArgumentException e) {
            throw invalid(TOPIC_GROUPS, e.getMessage());
        }
        String offsets = read(LOG_STARTING_OFFSETS);
        if (!offsets.equals("earliest") && !offsets.equals("latest")) {
            throw invalid(LOG_STARTING_OFFSETS, "must be 'earliest' or 'latest'");
        }
        for (ConfigOption<String> name :
                List.of(BOOTSTRAP_SERVERS, AUDIT_TOPIC, AGGREGATES_TOPIC, DLQ_TOPIC, GROUP_ID)) {
            if (read(name).isBlank()) {
                throw invalid(name, "must not be empty");
            }
        }
    }

    private void atLeast(ConfigOption<? extends Number> option, long min) {
        if (read(option).longValue() < min) {
            throw invalid(option, "must be >= " + min);
        }
    }

    private void atMost(ConfigOption<? extends Number> option, long max) {
        if (read(option).longValue() > max) {
            throw invalid(option, "must be <= " + max);
        }
    }

    private void positive(ConfigOption<Duration> option) {
        if (read(option).isNegative() || read(option).isZero()) {
            throw invalid(option, "must be > 0");
        }
    }

    private IllegalArgumentException invalid(ConfigOption<?> option, String why) {
        return new IllegalArgumentException(option.key() + ": invalid value '" + read(option) + "': " + why);
    }

    /** @return the settings table of the README, in Markdown, generated from {@link #OPTIONS} */
    public static String toMarkdown() {
        StringBuilder out = new StringBuilder("| key | type | default | description |\n|---|---|---|---|\n");
        for (ConfigOption<?> option : OPTIONS) {
            Object def = option.hasDefaultValue() ? option.defaultValue() : null;
            String type = def == null
                    ? "string"
                    : def instanceof Duration
                            ? "duration (ms)"
                            : def.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
            String shown =
                    def == null ? "—" : def instanceof Duration d ? String.valueOf(d.toMillis()) : def.toString();
            out.append("| `")
                    .append(option.key())
                    .append("` | ")
                    .append(type)
                    .append(" | `")
                    .append(shown.replace("|", "\\|"))
                    .append("` | ")
                    .append(describe(option).replace("|", "\\|"))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String describe(ConfigOption<?> option) {
        return new HtmlFormatter()
                .format(option.description())
                .replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AggregatorConfig other && conf.equals(other.conf);
    }

    @Override
    public int hashCode() {
        return Objects.hash(conf);
    }

    @Override
    public String toString() {
        return "AggregatorConfig" + conf.toMap();
    }
}
