package io.tally.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Writes and reads tier_buckets rows for the integration tests, as the real store will (prepared statements). */
final class TierBucketRows {
    private TierBucketRows() {}

    static void insert(CqlSession session, String topic, Instant bucketStart, String tier, long count, long bytes) {
        session.execute(session.prepare(
                        "INSERT INTO tally.tier_buckets (topic, day, bucket_start, tier, bucket_size_ms, count, bytes, "
                                + "no_timestamp_count, skewed_count, latency_sketch, id_digest, updated_at) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(
                        topic,
                        day(bucketStart),
                        bucketStart,
                        tier,
                        60_000L,
                        count,
                        bytes,
                        2L,
                        1L,
                        ByteBuffer.wrap(new byte[] {1, 2, 3}),
                        ByteBuffer.wrap(new byte[] {4, 5}),
                        bucketStart.plusSeconds(90)));
    }

    static Row select(CqlSession session, String topic, Instant bucketStart, String tier) {
        return session.execute(session.prepare("SELECT count, bytes FROM tally.tier_buckets "
                                + "WHERE topic = ? AND day = ? AND bucket_start = ? AND tier = ?")
                        .bind(topic, day(bucketStart), bucketStart, tier))
                .one();
    }

    static LocalDate day(Instant bucketStart) {
        return bucketStart.atZone(ZoneOffset.UTC).toLocalDate();
    }
}
