package io.tally.reconciler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reconciler's settings: one typed table ({@link #OPTIONS}) of keys, types, defaults, lower bounds and
 * documentation, from which the README's table is generated ({@link #markdownTable()}). Immutable and thread-safe.
 *
 * <p>Keys starting with {@value #KAFKA_PREFIX} are passed, without the prefix, to the reconciler's Kafka clients
 * (for example {@code tally.reconciler.kafka.security.protocol}).
 */
public final class ReconcilerConfig {
    /** Prefix of every key. */
    public static final String PREFIX = "tally.reconciler.";
    /** Prefix of the keys passed to the Kafka clients. */
    public static final String KAFKA_PREFIX = PREFIX + "kafka.";

    public static final String BOOTSTRAP_SERVERS = PREFIX + "bootstrap.servers";
    public static final String GROUP_ID = PREFIX + "group.id";
    public static final String AGGREGATES_TOPIC = PREFIX + "aggregates.topic";
    public static final String AUDIT_TOPIC = PREFIX + "audit.topic";
    public static final String ALERTS_TOPIC = PREFIX + "alerts.topic";
    public static final String CASSANDRA_CONTACT_POINTS = PREFIX + "cassandra.contact.points";
    public static final String CASSANDRA_DATACENTER = PREFIX + "cassandra.datacenter";
    public static final String CASSANDRA_KEYSPACE = PREFIX + "cassandra.keyspace";
    public static final String CASSANDRA_REPLICATION = PREFIX + "cassandra.replication";
    public static final String RETENTION_MS = PREFIX + "retention.ms";
    public static final String TOPOLOGY_FILE = PREFIX + "topology.file";
    public static final String LOG_TIER = PREFIX + "log.tier";
    public static final String LOG_TOPICS = PREFIX + "log.topics";
    public static final String LOG_COMMITTED_TOPICS = PREFIX + "log.committed.topics";
    public static final String GRACE_MS = PREFIX + "grace.ms";
    public static final String STALL_TIMEOUT_MS = PREFIX + "stall.timeout.ms";
    public static final String IDLE_AFTER_MS = PREFIX + "idle.after.ms";
    public static final String IDLE_LAG_MS = PREFIX + "idle.lag.ms";
    public static final String LIVENESS_MS = PREFIX + "liveness.ms";
    public static final String AGENT_FLUSH_INTERVAL_MS = PREFIX + "agent.flush.interval.ms";
    public static final String EVALUATE_INTERVAL_MS = PREFIX + "evaluate.interval.ms";
    public static final String LAG_CHECK_INTERVAL_MS = PREFIX + "lag.check.interval.ms";
    public static final String WINDOW_MS = PREFIX + "window.ms";
    public static final String LATENCY_SLA_MS = PREFIX + "latency.sla.ms";
    public static final String LATENCY_PERCENTILE = PREFIX + "latency.percentile";
    public static final String ALERT_MIN_MISSING = PREFIX + "alert.min.missing";
    public static final String ALERT_MIN_DUPLICATED = PREFIX + "alert.min.duplicated";
    public static final String ALERT_HOLD_MS = PREFIX + "alert.hold.ms";
    public static final String ALERT_LOG = PREFIX + "alert.log";
    public static final String ALERT_KAFKA = PREFIX + "alert.kafka";
    public static final String WEBHOOK_URL = PREFIX + "alert.webhook.url";
    public static final String WEBHOOK_TIMEOUT_MS = PREFIX + "alert.webhook.timeout.ms";
    public static final String ALERT_MAX_ATTEMPTS = PREFIX + "alert.max.attempts";
    public static final String ALERT_BACKOFF_MS = PREFIX + "alert.backoff.ms";
    public static final String MAX_IDS = PREFIX + "max.ids";
    public static final String STORE_DIGESTS = PREFIX + "store.digests";

    /** The value types of the table. */
    public enum Type {
        STRING,
        LONG,
        INT,
        DOUBLE,
        BOOLEAN
    }

    /**
     * One key of the table.
     *
     * @param key          the key
     * @param type         its type
     * @param defaultValue its default as text; empty for none
     * @param min          lower bound of a number (inclusive), or null
     * @param doc          what it does
     */
    public record Option(String key, Type type, String defaultValue, Double min, String doc) {}

    /** Every key, in the order the README shows them. */
    public static final List<Option> OPTIONS = List.of(
            new Option(
                    BOOTSTRAP_SERVERS,
                    Type.STRING,
                    "localhost:9092",
                    null,
                    "Kafka cluster of `tally.aggregates`, " + "`tally.audit` and `tally.alerts`."),
            new Option(
                    GROUP_ID,
                    Type.STRING,
                    "tally-reconciler",
                    null,
                    "Consumer group of the reconciler instances; "
                            + "instances share the partitions of the aggregates topic."),
            new Option(
                    AGGREGATES_TOPIC,
                    Type.STRING,
                    "tally.aggregates",
                    null,
                    "Compacted topic of tier aggregates " + "and progress written by the aggregator."),
            new Option(
                    AUDIT_TOPIC,
                    Type.STRING,
                    "tally.audit",
                    null,
                    "Topic of the agents' records and heartbeats, "
                            + "read for agent liveness (AUDIT_GAP); empty to turn that off."),
            new Option(ALERTS_TOPIC, Type.STRING, "tally.alerts", null, "Topic the Kafka alert sink writes to."),
            new Option(
                    CASSANDRA_CONTACT_POINTS,
                    Type.STRING,
                    "localhost:9042",
                    null,
                    "Cassandra nodes, `host[:port]` "
                            + "comma-separated; `memory` keeps everything in memory (tests, trials)."),
            new Option(
                    CASSANDRA_DATACENTER,
                    Type.STRING,
                    "datacenter1",
                    null,
                    "Local data center of the Cassandra " + "driver."),
            new Option(CASSANDRA_KEYSPACE, Type.STRING, "tally", null, "Keyspace; created at start if missing."),
            new Option(
                    CASSANDRA_REPLICATION,
                    Type.STRING,
                    "1",
                    null,
                    "Replication of a new keyspace: a factor (`3`, "
                            + "SimpleStrategy) or `dc1=3,dc2=2` (NetworkTopologyStrategy)."),
            new Option(
                    RETENTION_MS,
                    Type.LONG,
                    "1209600000",
                    1000d,
                    "TTL of new tables: how long audit data is kept " + "(14 days)."),
            new Option(
                    TOPOLOGY_FILE,
                    Type.STRING,
                    "",
                    null,
                    "JSON file of explicit edges, topic renames and per-topic "
                            + "policies; empty for the default topology `producer → log → every other tier`."),
            new Option(
                    LOG_TIER,
                    Type.STRING,
                    "auto",
                    null,
                    "When the default topology expects the log tier on a "
                            + "topic: `auto` once it has reported on any topic, `expected` always (the deployment runs the "
                            + "log-tier job), `none` only where it has reported. A topic that expects it and that it has not "
                            + "reported on waits for it (PENDING, then STALLED) instead of being judged without it."),
            new Option(
                    LOG_TOPICS,
                    Type.STRING,
                    ".*",
                    null,
                    "The topics the log-tier job reads (its "
                            + "`tally.log.topics`, a regular expression); the others never expect the log tier."),
            new Option(
                    LOG_COMMITTED_TOPICS,
                    Type.STRING,
                    "",
                    null,
                    "The topics the log-tier job also counts as "
                            + "`log.committed` (its `tally.log.committed.topics`, a regular expression; empty for none): "
                            + "where the log tier is expected, their `read_committed` consumer tiers wait for `log.committed` "
                            + "rather than being judged against `log`."),
            new Option(
                    GRACE_MS,
                    Type.LONG,
                    "10000",
                    0d,
                    "How long after a bucket's end counts may still arrive: a "
                            + "bucket is judged once both tiers' watermarks pass its end plus this."),
            new Option(
                    STALL_TIMEOUT_MS,
                    Type.LONG,
                    "300000",
                    1000d,
                    "A tier whose watermark has not moved for this " + "long while upstream has data is STALLED."),
            new Option(
                    IDLE_AFTER_MS,
                    Type.LONG,
                    "15000",
                    0d,
                    "A tier with live agents whose watermark has not moved "
                            + "for this long, and is not behind its upstream, is idle: its watermark follows the clock."),
            new Option(
                    IDLE_LAG_MS,
                    Type.LONG,
                    "10000",
                    0d,
                    "How far behind the clock an idle or caught-up tier's "
                            + "watermark is put (a couple of agent flush intervals)."),
            new Option(
                    LIVENESS_MS,
                    Type.LONG,
                    "30000",
                    1000d,
                    "A tier whose last heartbeat is older is not considered "
                            + "alive (never idle); an unclosed agent silent this long is dead."),
            new Option(
                    AGENT_FLUSH_INTERVAL_MS,
                    Type.LONG,
                    "5000",
                    1d,
                    "The agents' flush interval: what an agent that " + "died can have left uncounted (AUDIT_GAP)."),
            new Option(EVALUATE_INTERVAL_MS, Type.LONG, "1000", 10d, "How often the open edge-buckets are judged."),
            new Option(
                    LAG_CHECK_INTERVAL_MS,
                    Type.LONG,
                    "5000",
                    100d,
                    "How often consumer groups' committed offsets " + "are compared with the log end (admin client)."),
            new Option(
                    WINDOW_MS,
                    Type.LONG,
                    "86400000",
                    60000d,
                    "Buckets starting longer ago than this are forgotten "
                            + "(late data for them is stored, not judged)."),
            new Option(
                    LATENCY_SLA_MS,
                    Type.LONG,
                    "0",
                    0d,
                    "Default latency SLA of a topic (ms, at the downstream " + "tier); 0 = none."),
            new Option(
                    LATENCY_PERCENTILE,
                    Type.DOUBLE,
                    "0.99",
                    0d,
                    "Default percentile compared with the SLA, in (0, " + "1]."),
            new Option(
                    ALERT_MIN_MISSING,
                    Type.LONG,
                    "1",
                    1d,
                    "Default smallest number of missing messages that " + "alerts."),
            new Option(
                    ALERT_MIN_DUPLICATED,
                    Type.LONG,
                    "1",
                    1d,
                    "Default smallest number of duplicated messages that " + "alerts."),
            new Option(
                    ALERT_HOLD_MS,
                    Type.LONG,
                    "30000",
                    0d,
                    "A discrepancy alerts only once its bucket has been due "
                            + "this long and the discrepancy has been known this long: a death noticed late turns it into "
                            + "AUDIT_GAP first, and a bucket judged before its last counts arrived (or late, after a lag) is "
                            + "corrected or resolved first."),
            new Option(
                    ALERT_LOG, Type.BOOLEAN, "true", null, "Log alerts (logger `io.tally.reconciler.alerts`, WARN)."),
            new Option(ALERT_KAFKA, Type.BOOLEAN, "true", null, "Write alerts as JSON to the alerts topic."),
            new Option(
                    WEBHOOK_URL,
                    Type.STRING,
                    "",
                    null,
                    "POST alerts as JSON with a Slack-compatible `text` to this " + "URL; empty for none."),
            new Option(WEBHOOK_TIMEOUT_MS, Type.LONG, "5000", 1d, "Connect and request timeout of a webhook call."),
            new Option(
                    ALERT_MAX_ATTEMPTS,
                    Type.INT,
                    "10",
                    1d,
                    "Deliveries of an alert a sink may fail before it is "
                            + "given up on that sink (an ERROR in the log; the alert state keeps the last error). Sinks run "
                            + "off the reconciler's loop, each on a thread of its own."),
            new Option(
                    ALERT_BACKOFF_MS,
                    Type.LONG,
                    "1000",
                    1d,
                    "Wait before an alert that a sink failed to deliver is "
                            + "tried again; doubles with each failure, up to 5 minutes."),
            new Option(MAX_IDS, Type.INT, "100", 0d, "Most lost (and duplicated) ids named per discrepancy."),
            new Option(
                    STORE_DIGESTS,
                    Type.BOOLEAN,
                    "false",
                    null,
                    "Also store each aggregate's id digest in `tier_buckets` (about 3 KB a row at 128 cells; the "
                            + "node is then bound by bytes, see BENCHMARKS.md). The reconciler does not need it: it keeps "
                            + "digests in memory and rebuilds them from the compacted aggregates topic; lost and duplicated "
                            + "ids are stored with each discrepancy."));

    private static final Map<String, Option> BY_KEY = new LinkedHashMap<>();

    static {
        OPTIONS.forEach(o -> BY_KEY.put(o.key(), o));
    }

    private final Map<String, Object> values;
    private final Map<String, String> kafka;

    private ReconcilerConfig(Map<String, Object> values, Map<String, String> kafka) {
        this.values = Collections.unmodifiableMap(values);
        this.kafka = Collections.unmodifiableMap(kafka);
    }

    /** @return every default */
    public static ReconcilerConfig defaults() {
        return fromProperties(Map.of());
    }

    /**
     * @param properties keys of {@link #OPTIONS} and {@value #KAFKA_PREFIX}*; other keys not starting with
     *                   {@value #PREFIX} are ignored
     * @throws IllegalArgumentException naming the key and value for an unknown key, a bad value or one out of range
     */
    public static ReconcilerConfig fromProperties(Map<String, ?> properties) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> kafka = new LinkedHashMap<>();
        for (Option o : OPTIONS) {
            values.put(o.key(), parse(o, o.defaultValue()));
        }
        properties.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                kafka.put(key.substring(KAFKA_PREFIX.length()), String.valueOf(value));
            } else if (key.startsWith(PREFIX)) {
                Option o = BY_KEY.get(key);
                if (o == null) {
                    throw new IllegalArgumentException("unknown reconciler setting '" + key + "'");
                }
                values.put(key, parse(o, String.valueOf(value).trim()));
            }
        });
        return new ReconcilerConfig(values, kafka);
    }

    /** @return a copy with {@code key} set to {@code value} (parsed and validated like {@link #fromProperties}) */
    public ReconcilerConfig with(String key, Object value) {
        Map<String, Object> all = new LinkedHashMap<>();
        values.forEach((k, v) -> all.put(k, String.valueOf(v)));
        kafka.forEach((k, v) -> all.put(KAFKA_PREFIX + k, v));
        all.put(key, value);
        return fromProperties(all);
    }

    private static Object parse(Option o, String text) {
        try {
            Object v = switch (o.type()) {
                case STRING -> text;
                case LONG -> Long.parseLong(text);
                case INT -> Integer.parseInt(text);
                case DOUBLE -> Double.parseDouble(text);
                case BOOLEAN -> {
                    if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                        throw new NumberFormatException("not a boolean");
                    }
                    yield Boolean.parseBoolean(text);
                }
            };
            if (o.min() != null && v instanceof Number n && n.doubleValue() < o.min()) {
                throw new IllegalArgumentException(
                        o.key() + " must be >= " + o.min().longValue() + ", was " + text);
            }
            if (o.key().equals(LOG_TIER)
                    && !java.util.Set.of("auto", "expected", "none").contains(text)) {
                throw new IllegalArgumentException(o.key() + " must be auto, expected or none, was '" + text + "'");
            }
            if (o.key().equals(LOG_TOPICS) || o.key().equals(LOG_COMMITTED_TOPICS)) {
                try {
                    java.util.regex.Pattern.compile(text);
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new IllegalArgumentException(
                            o.key() + " must be a regular expression, was '" + text + "': " + e.getDescription(), e);
                }
            }
            if (o.key().equals(LATENCY_PERCENTILE) && !((Double) v > 0 && (Double) v <= 1)) {
                throw new IllegalArgumentException(o.key() + " must be in (0, 1], was " + text);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    o.key() + " must be " + o.type().name().toLowerCase(java.util.Locale.ROOT) + ", was '" + text + "'",
                    e);
        }
    }

    /** @return a string setting */
    public String getString(String key) {
        return (String) get(key);
    }

    /** @return a long setting */
    public long getLong(String key) {
        return (Long) get(key);
    }

    /** @return an int setting */
    public int getInt(String key) {
        return (Integer) get(key);
    }

    /** @return a double setting */
    public double getDouble(String key) {
        return (Double) get(key);
    }

    /** @return a boolean setting */
    public boolean getBoolean(String key) {
        return (Boolean) get(key);
    }

    /** @return the {@value #KAFKA_PREFIX}* settings without the prefix */
    public Map<String, String> kafkaProperties() {
        return kafka;
    }

    private Object get(String key) {
        return Objects.requireNonNull(values.get(key), () -> "no reconciler setting " + key);
    }

    /** @return the Markdown table of {@link #OPTIONS} (key, type, default, description) */
    public static String markdownTable() {
        List<String> rows = new ArrayList<>();
        rows.add("| key | type | default | description |");
        rows.add("|---|---|---|---|");
        for (Option o : OPTIONS) {
            rows.add("| `" + o.key() + "` | " + o.type().name().toLowerCase(java.util.Locale.ROOT) + " | "
                    + (o.defaultValue().isEmpty() ? "—" : "`" + o.defaultValue() + "`") + " | " + o.doc() + " |");
        }
        return String.join("\n", rows) + "\n";
    }

    @Override
    public String toString() {
        return "ReconcilerConfig" + values;
    }
}
