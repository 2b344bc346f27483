package io.tally.storage.internal.cql;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.tally.storage.CassandraConsistency;

/** Every statement of the Cassandra store, prepared once per session. */
public final class Statements {
    static final String TIER_BUCKET_COLUMNS = "topic, day, bucket_start, tier, bucket_size_ms, count, bytes, "
            + "no_timestamp_count, skewed_count, failed_count, records, latency_sketch, id_digest, updated_at, "
            + "counted_on_consume, state_since";
    static final String DISCREPANCY_COLUMNS = "day, detected_at, id, topic, bucket_start, bucket_size_ms, "
            + "upstream_tier, downstream_tier, kind, upstream_count, downstream_count, missing, duplicated, "
            + "lost_ids, duplicated_ids, detail, status, resolved_at";
    static final String VERDICT_COLUMNS = "topic, day, bucket_start, upstream_tier, downstream_tier, bucket_size_ms, "
            + "verdict, upstream_count, downstream_count, judged_at, reason";
    static final String PROGRESS_COLUMNS = "tier, topic, watermark, last_heartbeat, live_agents, updated_at";
    static final String ROLLUP_COLUMNS =
            "hour_start, topic, edge_buckets, upstream, delivered, last_final_bucket, " + "bucket_size_ms, updated_at";
    static final String ALERT_COLUMNS = "discrepancy_id, sink, last_sent_status, sent_at, attempts, last_error";
    static final String AGENT_COLUMNS = "tier, instance_id, last_seen_at, interval_ms, closed, watermarks, rates";

    public final PreparedStatement insertTierBucket;
    public final PreparedStatement selectTierBuckets;
    public final PreparedStatement insertProgress;
    public final PreparedStatement selectProgress;
    public final PreparedStatement insertVerdict;
    public final PreparedStatement selectVerdicts;
    public final PreparedStatement insertDiscrepancy;
    public final PreparedStatement insertDiscrepancyByTopic;
    public final PreparedStatement insertDiscrepancyById;
    /** A discrepancy's named ids, written apart from its rows: a batch with them exceeds Cassandra's batch size warning */
    public final PreparedStatement updateDiscrepancyIds;

    public final PreparedStatement updateDiscrepancyByTopicIds;
    public final PreparedStatement selectDiscrepancyById;
    public final PreparedStatement selectDiscrepancy;
    public final PreparedStatement selectDiscrepanciesOfDay;
    public final PreparedStatement selectDiscrepanciesOfTopic;
    public final PreparedStatement selectDiscrepanciesOfDayAfter;
    public final PreparedStatement selectDiscrepanciesOfTopicAfter;
    public final PreparedStatement insertRollup;
    public final PreparedStatement selectRollupsOfHour;
    public final PreparedStatement insertAlertState;
    public final PreparedStatement selectAlertState;
    public final PreparedStatement insertAgent;
    public final PreparedStatement selectAgents;

    /** Prepares every statement, each read and write with its consistency level (bound statements inherit it). */
    public Statements(CqlSession session, String keyspace, CassandraConsistency consistency) {
        String ks = keyspace + '.';
        insertTierBucket = prepare(session, consistency.write(), insert(ks + "tier_buckets", TIER_BUCKET_COLUMNS));
        selectTierBuckets = prepare(
                session,
                consistency.read(),
                "SELECT " + TIER_BUCKET_COLUMNS + " FROM " + ks + "tier_buckets "
                        + "WHERE topic = ? AND day = ? AND bucket_start >= ? AND bucket_start < ?");
        insertProgress = prepare(session, consistency.write(), insert(ks + "tier_progress", PROGRESS_COLUMNS));
        selectProgress =
                prepare(session, consistency.read(), "SELECT " + PROGRESS_COLUMNS + " FROM " + ks + "tier_progress");
        insertVerdict = prepare(session, consistency.write(), insert(ks + "edge_verdicts", VERDICT_COLUMNS));
        selectVerdicts = prepare(
                session,
                consistency.read(),
                "SELECT " + VERDICT_COLUMNS + " FROM " + ks + "edge_verdicts "
                        + "WHERE topic = ? AND day = ? AND bucket_start >= ? AND bucket_start < ?");
        insertDiscrepancy = prepare(session, consistency.write(), insert(ks + "discrepancies", DISCREPANCY_COLUMNS));
        insertDiscrepancyByTopic =
                prepare(session, consistency.write(), insert(ks + "discrepancies_by_topic", DISCREPANCY_COLUMNS));
        insertDiscrepancyById = prepare(
                session,
                consistency.write(),
                insert(ks + "discrepancies_by_id", "id, day, detected_at, topic, bucket_start"));
        updateDiscrepancyIds = prepare(
                session,
                consistency.write(),
                "UPDATE " + ks + "discrepancies SET lost_ids = ?, duplicated_ids = ? "
                        + "WHERE day = ? AND detected_at = ? AND id = ?");
        updateDiscrepancyByTopicIds = prepare(
                session,
                consistency.write(),
                "UPDATE " + ks + "discrepancies_by_topic SET lost_ids = ?, duplicated_ids = ? "
                        + "WHERE topic = ? AND bucket_start = ? AND id = ?");
        selectDiscrepancyById = prepare(
                session,
                consistency.read(),
                "SELECT day, detected_at, topic, bucket_start FROM " + ks + "discrepancies_by_id WHERE id = ?");
        selectDiscrepancy = prepare(
                session,
                consistency.read(),
                "SELECT " + DISCREPANCY_COLUMNS + " FROM " + ks + "discrepancies "
                        + "WHERE day = ? AND detected_at = ? AND id = ?");
        selectDiscrepanciesOfDay = prepare(
                session,
                consistency.read(),
                "SELECT " + DISCREPANCY_COLUMNS + " FROM " + ks
                        + "discrepancies WHERE day = ? AND detected_at >= ? AND detected_at < ?");
        selectDiscrepanciesOfTopic = prepare(
                session,
                consistency.read(),
                "SELECT " + DISCREPANCY_COLUMNS + " FROM " + ks
                        + "discrepancies_by_topic WHERE topic = ? AND bucket_start >= ? AND bucket_start < ?");
        selectDiscrepanciesOfDayAfter = prepare(
                session,
                consistency.read(),
                "SELECT " + DISCREPANCY_COLUMNS + " FROM " + ks
                        + "discrepancies WHERE day = ? AND detected_at = ? AND id > ?");
        selectDiscrepanciesOfTopicAfter = prepare(
                session,
                consistency.read(),
                "SELECT " + DISCREPANCY_COLUMNS + " FROM " + ks
                        + "discrepancies_by_topic WHERE topic = ? AND bucket_start = ? AND id > ?");
        insertRollup = prepare(session, consistency.write(), insert(ks + "verdict_rollups", ROLLUP_COLUMNS));
        selectRollupsOfHour = prepare(
                session,
                consistency.read(),
                "SELECT " + ROLLUP_COLUMNS + " FROM " + ks + "verdict_rollups " + "WHERE hour_start = ?");
        insertAlertState = prepare(session, consistency.write(), insert(ks + "alert_state", ALERT_COLUMNS));
        selectAlertState = prepare(
                session,
                consistency.read(),
                "SELECT " + ALERT_COLUMNS + " FROM " + ks + "alert_state " + "WHERE discrepancy_id = ? AND sink = ?");
        insertAgent = prepare(session, consistency.write(), insert(ks + "agents", AGENT_COLUMNS));
        selectAgents = prepare(session, consistency.read(), "SELECT " + AGENT_COLUMNS + " FROM " + ks + "agents");
    }

    private static PreparedStatement prepare(CqlSession session, ConsistencyLevel level, String cql) {
        return session.prepare(SimpleStatement.newInstance(cql).setConsistencyLevel(level));
    }

    private static String insert(String table, String columns) {
        int n = columns.split(",").length;
        return "INSERT INTO " + table + " (" + columns + ") VALUES (" + "?, ".repeat(n - 1) + "?)";
    }
}
