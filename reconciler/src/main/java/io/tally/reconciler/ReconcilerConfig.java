package io.tally.reconciler;

import io.tally.core.settings.RoleConfig;
import io.tally.core.settings.SettingsTable;
import io.tally.core.settings.SharedSettings;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The reconciler's settings: its own {@value #PREFIX}* keys and the shared keys it reads (Tally's Kafka cluster and
 * topics, the Cassandra cluster, the log tier's topics, the agents' flush interval), in one {@link SettingsTable}
 * ({@link #TABLE}) from which the README's reference is rendered. Immutable and thread-safe.
 *
 * <p>Keys starting with {@value SharedSettings#KAFKA_PREFIX} are passed, without the prefix, to the reconciler's
 * Kafka clients (for example {@code tally.kafka.security.protocol}).
 */
public final class ReconcilerConfig extends RoleConfig<ReconcilerConfig> {
    /** Prefix of the reconciler's own keys. */
    public static final String PREFIX = "tally.reconciler.";

    public static final String GROUP_ID = PREFIX + "group.id";
    public static final String AGENT_LIVENESS = PREFIX + "agent.liveness";
    public static final String RETENTION_MS = PREFIX + "retention.ms";
    public static final String TOPOLOGY_FILE = PREFIX + "topology.file";
    public static final String LOG_TIER = PREFIX + "log.tier";
    public static final String GRACE_MS = PREFIX + "grace.ms";
    public static final String STALL_TIMEOUT_MS = PREFIX + "stall.timeout.ms";
    public static final String IDLE_AFTER_MS = PREFIX + "idle.after.ms";
    public static final String IDLE_LAG_MS = PREFIX + "idle.lag.ms";
    public static final String LIVENESS_MS = PREFIX + "liveness.ms";
    public static final String EVALUATE_INTERVAL_MS = PREFIX + "evaluate.interval.ms";
    public static final String LAG_CHECK_INTERVAL_MS = PREFIX + "lag.check.interval.ms";
    public static final String WINDOW_MS = PREFIX + "window.ms";
    public static final String TIER_RETIRE_MS = PREFIX + "tier.retire.ms";
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

    private static final ConfigDef.Validator PERCENTILE = ConfigDef.LambdaValidator.with(
            (name, value) -> {
                double q = (Double) value;
                if (!(q > 0 && q <= 1)) {
                    throw new ConfigException(name, value, "must be in (0, 1]");
                }
            },
            () -> "(0, 1]");

    /** Every key the reconciler reads, in the order the README shows them. */
    public static final SettingsTable TABLE = SettingsTable.builder("reconciler", PREFIX)
            .shared(
                    SharedSettings.KAFKA_BOOTSTRAP_SERVERS,
                    SharedSettings.AGGREGATES_TOPIC,
                    SharedSettings.AUDIT_TOPIC,
                    SharedSettings.ALERTS_TOPIC,
                    SharedSettings.LOG_TOPICS,
                    SharedSettings.LOG_COMMITTED_TOPICS,
                    SharedSettings.FLUSH_INTERVAL_MS)
            .shared(SharedSettings.CASSANDRA)
            .define(new ConfigDef()
                    .define(
                            GROUP_ID,
                            Type.STRING,
                            "tally-reconciler",
                            Importance.MEDIUM,
                            "Consumer group of the reconciler instances; instances share the partitions of the "
                                    + "aggregates topic.")
                    .define(
                            AGENT_LIVENESS,
                            Type.BOOLEAN,
                            true,
                            Importance.MEDIUM,
                            "Read the agents' heartbeats from the audit topic for their liveness (AUDIT_GAP); "
                                    + "false turns that off.")
                    .define(
                            RETENTION_MS,
                            Type.LONG,
                            1209600000L,
                            Range.atLeast(1000),
                            Importance.MEDIUM,
                            "TTL of new tables: how long audit data is kept (14 days).")
                    .define(
                            TOPOLOGY_FILE,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            "JSON file of explicit edges, topic renames and per-topic policies; empty for the "
                                    + "default topology `producer → log → every other tier`.")
                    .define(
                            LOG_TIER,
                            Type.STRING,
                            "auto",
                            ValidString.in("auto", "expected", "none"),
                            Importance.MEDIUM,
                            "When the default topology expects the log tier on a topic: `auto` once it has "
                                    + "reported on any topic, `expected` always (the deployment runs the "
                                    + "log-tier job), `none` only where it has reported. A topic that expects "
                                    + "it and that it has not reported on waits for it (PENDING, then STALLED) "
                                    + "instead of being judged without it.")
                    .define(
                            GRACE_MS,
                            Type.LONG,
                            10000L,
                            Range.atLeast(0),
                            Importance.MEDIUM,
                            "How long after a bucket's end counts may still arrive: a bucket is judged once "
                                    + "both tiers' watermarks pass its end plus this.")
                    .define(
                            STALL_TIMEOUT_MS,
                            Type.LONG,
                            300000L,
                            Range.atLeast(1000),
                            Importance.MEDIUM,
                            "A tier whose watermark has not moved for this long while upstream has data is "
                                    + "STALLED.")
                    .define(
                            IDLE_AFTER_MS,
                            Type.LONG,
                            15000L,
                            Range.atLeast(0),
                            Importance.MEDIUM,
                            "A tier with live agents whose watermark has not moved for this long, and is not "
                                    + "behind its upstream, is idle: its watermark follows the clock.")
                    .define(
                            IDLE_LAG_MS,
                            Type.LONG,
                            10000L,
                            Range.atLeast(0),
                            Importance.MEDIUM,
                            "How far behind the clock an idle or caught-up tier's watermark is put, and how "
                                    + "long a consumer group's commit must have been seen before the counts it "
                                    + "released are taken as arrived (a couple of agent flush intervals).")
                    .define(
                            LIVENESS_MS,
                            Type.LONG,
                            30000L,
                            Range.atLeast(1000),
                            Importance.MEDIUM,
                            "A tier whose last heartbeat is older is not considered alive (never idle); an "
                                    + "unclosed agent silent this long is dead.")
                    .define(
                            EVALUATE_INTERVAL_MS,
                            Type.LONG,
                            1000L,
                            Range.atLeast(10),
                            Importance.MEDIUM,
                            "How often the open edge-buckets are judged.")
                    .define(
                            LAG_CHECK_INTERVAL_MS,
                            Type.LONG,
                            5000L,
                            Range.atLeast(100),
                            Importance.MEDIUM,
                            "How often consumer groups' committed offsets are compared with the log end (admin "
                                    + "client).")
                    .define(
                            WINDOW_MS,
                            Type.LONG,
                            86400000L,
                            Range.atLeast(60000),
                            Importance.MEDIUM,
                            "Buckets starting longer ago than this are forgotten (late data for them is "
                                    + "stored, not judged); one not final by then ends STALLED with what was not "
                                    + "counted.")
                    .define(
                            TIER_RETIRE_MS,
                            Type.LONG,
                            21600000L,
                            Range.atLeast(60000),
                            Importance.MEDIUM,
                            "A consumer group's tier none of whose agents has reported for this long is retired: the "
                                    + "buckets since are NOT_JUDGED for it (saying why) instead of STALLED one by one, "
                                    + "until it reports again. A group whose committed offsets on the topic are gone "
                                    + "(deleted or expired) is retired once its agents are dead.")
                    .define(
                            LATENCY_SLA_MS,
                            Type.LONG,
                            0L,
                            Range.atLeast(0),
                            Importance.MEDIUM,
                            "Default latency SLA of a topic (ms, at the downstream tier); 0 = none.")
                    .define(
                            LATENCY_PERCENTILE,
                            Type.DOUBLE,
                            0.99,
                            PERCENTILE,
                            Importance.MEDIUM,
                            "Default percentile compared with the SLA, in (0, 1].")
                    .define(
                            ALERT_MIN_MISSING,
                            Type.LONG,
                            1L,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "Default smallest number of missing messages that alerts.")
                    .define(
                            ALERT_MIN_DUPLICATED,
                            Type.LONG,
                            1L,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "Default smallest number of duplicated messages that alerts.")
                    .define(
                            ALERT_HOLD_MS,
                            Type.LONG,
                            30000L,
                            Range.atLeast(0),
                            Importance.MEDIUM,
                            "A discrepancy alerts only once its bucket has been due this long and the "
                                    + "discrepancy has been known this long: a death noticed late turns it "
                                    + "into AUDIT_GAP first, and a bucket judged before its last counts "
                                    + "arrived (or late, after a lag) is corrected or resolved first.")
                    .define(
                            ALERT_LOG,
                            Type.BOOLEAN,
                            true,
                            Importance.MEDIUM,
                            "Log alerts (logger `io.tally.reconciler.alerts`, WARN).")
                    .define(
                            ALERT_KAFKA,
                            Type.BOOLEAN,
                            true,
                            Importance.MEDIUM,
                            "Write alerts as JSON to the alerts topic.")
                    .define(
                            WEBHOOK_URL,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            "POST alerts as JSON with a Slack-compatible `text` to this URL; empty for none.")
                    .define(
                            WEBHOOK_TIMEOUT_MS,
                            Type.LONG,
                            5000L,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "Connect and request timeout of a webhook call.")
                    .define(
                            ALERT_MAX_ATTEMPTS,
                            Type.INT,
                            10,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "Deliveries of an alert a sink may fail before it is given up on that sink (an "
                                    + "ERROR in the log; the alert state keeps the last error). Sinks run off "
                                    + "the reconciler's loop, each on a thread of its own.")
                    .define(
                            ALERT_BACKOFF_MS,
                            Type.LONG,
                            1000L,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "Wait before an alert that a sink failed to deliver is tried again; doubles with "
                                    + "each failure, up to 5 minutes.")
                    .define(
                            MAX_IDS,
                            Type.INT,
                            100,
                            Range.atLeast(0),
                            Importance.MEDIUM,
                            "Most lost (and duplicated) ids named per discrepancy.")
                    .define(
                            STORE_DIGESTS,
                            Type.BOOLEAN,
                            false,
                            Importance.MEDIUM,
                            "Also store each aggregate's id digest in `tier_buckets` (about 3 KB a row at 128 "
                                    + "cells; the node is then bound by bytes, see BENCHMARKS.md). The "
                                    + "reconciler does not need it: it keeps digests in memory and rebuilds "
                                    + "them from the compacted aggregates topic; lost and duplicated ids are "
                                    + "stored with each discrepancy."))
            .passThrough(SharedSettings.KAFKA_PREFIX, SharedSettings.KAFKA_PREFIX_DOC)
            .build();

    private ReconcilerConfig(Map<String, ?> properties) {
        super(TABLE, properties, ReconcilerConfig::fromProperties);
    }

    /**
     * @param properties keys of {@link #TABLE} and {@value SharedSettings#KAFKA_PREFIX}*; other roles' keys are ignored
     * @throws IllegalArgumentException naming the key and value for an unknown {@value #PREFIX} key, a bad value or one
     *     out of range
     */
    public static ReconcilerConfig fromProperties(Map<String, ?> properties) {
        return new ReconcilerConfig(properties);
    }

    /** @return every default */
    public static ReconcilerConfig defaults() {
        return fromProperties(Map.of());
    }

    /** A webhook's URL holds its secret in the path: shown by where it goes. */
    @Override
    protected Map<String, ?> shown() {
        Map<String, Object> shown = new java.util.LinkedHashMap<>(values());
        shown.put(WEBHOOK_URL, io.tally.core.settings.Secrets.url(getString(WEBHOOK_URL)));
        return shown;
    }
}
