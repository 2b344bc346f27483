package io.tally.storage.internal;

import java.util.List;

/**
 * Every CQL statement of Tally's schema, in the order they run. Each creates only what is missing
 * ({@code IF NOT EXISTS}), so running them again changes nothing. The tables are documented in
 * {@code storage/README.md}; keep the two in step.
 *
 * <p>Times are CQL {@code timestamp} (epoch milliseconds), days are CQL {@code date} (the UTC day), ids of
 * messages are {@code bigint}. Every table expires its rows after the default TTL.
 */
public final class SchemaStatements {
    private SchemaStatements() {}

    /**
     * @param keyspace a validated keyspace name
     * @param replicationCql the replication map literal
     * @param ttlSeconds default_time_to_live of every table
     */
    public static List<String> all(String keyspace, String replicationCql, long ttlSeconds) {
        String ks = keyspace + ".";
        String options = " AND default_time_to_live = " + ttlSeconds;
        return List.of(
                "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = " + replicationCql
                        + " AND durable_writes = true",
                "CREATE TABLE IF NOT EXISTS " + ks + "tier_buckets ("
                        + "topic text, "
                        + "day date, "
                        + "bucket_start timestamp, "
                        + "tier text, "
                        + "bucket_size_ms bigint, "
                        + "count bigint, "
                        + "bytes bigint, "
                        + "no_timestamp_count bigint, "
                        + "skewed_count bigint, "
                        + "failed_count bigint, "
                        + "records bigint, "
                        + "latency_sketch blob, "
                        + "id_digest blob, "
                        + "updated_at timestamp, "
                        + "counted_on_consume bigint, "
                        + "state_since bigint, "
                        + "PRIMARY KEY ((topic, day), bucket_start, tier)"
                        + ") WITH comment = 'Cumulative aggregate of one (topic, tier, bucket); "
                        + "day = UTC day of bucket_start'"
                        + options,
                "CREATE TABLE IF NOT EXISTS " + ks + "discrepancies ("
                        + discrepancyColumns("topic text, ")
                        + "PRIMARY KEY ((day), detected_at, id)"
                        + ") WITH CLUSTERING ORDER BY (detected_at DESC, id ASC)"
                        + " AND comment = 'Discrepancies by UTC day of detection, newest first'"
                        + options,
                "CREATE TABLE IF NOT EXISTS " + ks + "discrepancies_by_topic ("
                        + discrepancyColumns("topic text, ")
                        + "PRIMARY KEY ((topic), bucket_start, id)"
                        + ") WITH CLUSTERING ORDER BY (bucket_start DESC, id ASC)"
                        + " AND comment = 'The rows of discrepancies by topic and bucket, newest bucket first; "
                        + "written alongside'"
                        + options,
                "CREATE TABLE IF NOT EXISTS " + ks + "discrepancies_by_id ("
                        + "id uuid PRIMARY KEY, "
                        + "day date, "
                        + "detected_at timestamp, "
                        + "topic text, "
                        + "bucket_start timestamp"
                        + ") WITH comment = 'Where a discrepancy lives in discrepancies and discrepancies_by_topic; "
                        + "never updated'"
                        + options,
                "CREATE TABLE IF NOT EXISTS " + ks + "tier_progress ("
                        + "tier text, "
                        + "topic text, "
                        + "watermark timestamp, "
                        + "earliest_event_time timestamp, "
                        + "last_heartbeat timestamp, "
                        + "closed boolean, "
                        + "live_agents int, "
                        + "updated_at timestamp, "
                        + "PRIMARY KEY ((tier), topic)"
                        + ") WITH comment = 'How far each tier has seen each topic'"
                        + options,
                "CREATE TABLE IF NOT EXISTS " + ks + "alert_state ("
                        + "discrepancy_id uuid, "
                        + "sink text, "
                        + "last_sent_status text, "
                        + "sent_at timestamp, "
                        + "attempts int, "
                        + "last_error text, "
                        + "PRIMARY KEY ((discrepancy_id), sink)"
                        + ") WITH comment = 'What each alert sink last sent about a discrepancy'"
                        + options,
                "CREATE TABLE IF NOT EXISTS " + ks + "edge_verdicts ("
                        + "topic text, "
                        + "day date, "
                        + "bucket_start timestamp, "
                        + "upstream_tier text, "
                        + "downstream_tier text, "
                        + "bucket_size_ms bigint, "
                        + "verdict text, "
                        + "upstream_count bigint, "
                        + "downstream_count bigint, "
                        + "judged_at timestamp, "
                        + "reason text, "
                        + "PRIMARY KEY ((topic, day), bucket_start, upstream_tier, downstream_tier)"
                        + ") WITH comment = 'Latest verdict of each edge of a topic for each bucket; "
                        + "day = UTC day of bucket_start'"
                        + options,
                "CREATE TABLE IF NOT EXISTS " + ks + "verdict_rollups ("
                        + "hour_start timestamp, "
                        + "topic text, "
                        + "edge_buckets map<text, bigint>, "
                        + "upstream bigint, "
                        + "delivered bigint, "
                        + "last_final_bucket timestamp, "
                        + "bucket_size_ms bigint, "
                        + "updated_at timestamp, "
                        + "PRIMARY KEY ((hour_start), topic)"
                        + ") WITH comment = 'What the verdicts of each topic add up to per hour of bucket starts'"
                        + options,
                "CREATE TABLE IF NOT EXISTS " + ks + "agents ("
                        + "tier text, "
                        + "instance_id text, "
                        + "last_seen_at timestamp, "
                        + "interval_ms bigint, "
                        + "closed boolean, "
                        + "watermarks map<text, bigint>, "
                        + "rates map<text, frozen<list<bigint>>>, "
                        + "PRIMARY KEY ((tier), instance_id)"
                        + ") WITH comment = 'What the reconciler knows about each agent: closed or silent, its "
                        + "spacing and recent rate per topic (AUDIT_GAP); read at its start'"
                        + options,

                // columns added after a table's first release: ADD IF NOT EXISTS keeps a re-run a no-op
                "ALTER TABLE " + ks + "edge_verdicts ADD IF NOT EXISTS reason text",
                "ALTER TABLE " + ks + "tier_buckets ADD IF NOT EXISTS counted_on_consume bigint",
                "ALTER TABLE " + ks + "tier_buckets ADD IF NOT EXISTS state_since bigint",
                // last: its row says every statement above has run
                "CREATE TABLE IF NOT EXISTS " + ks + "schema_version ("
                        + "component text PRIMARY KEY, "
                        + "version int, "
                        + "applied_at timestamp"
                        + ") WITH comment = 'The version of the schema above, written once it is in place; "
                        + "never expires'");
    }

    /** The columns shared by discrepancies and discrepancies_by_topic, each followed by ", ". */
    private static String discrepancyColumns(String topicColumn) {
        return "day date, "
                + "detected_at timestamp, "
                + "id uuid, "
                + topicColumn
                + "bucket_start timestamp, "
                + "bucket_size_ms bigint, "
                + "upstream_tier text, "
                + "downstream_tier text, "
                + "kind text, "
                + "upstream_count bigint, "
                + "downstream_count bigint, "
                + "missing bigint, "
                + "duplicated bigint, "
                + "lost_ids list<bigint>, "
                + "duplicated_ids list<bigint>, "
                + "detail text, "
                + "status text, "
                + "resolved_at timestamp, ";
    }
}
