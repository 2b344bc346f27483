package io.tally.core.codec;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.WireMessage;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.util.List;
import java.util.Map;

/** One realistic message of every type, for codec, schema and fuzz tests. */
final class WireSamples {
    static final AgentIdentity AGENT = new AgentIdentity("3f1c9a52-7d1e-4a5b-9a8e-0c1d2e3f4a5b", "app-host-7");
    static final Bucket BUCKET = Bucket.of(1_764_000_012_345L, 60_000);

    private WireSamples() {}

    static AuditRecord counts(boolean withDigest) {
        LatencySketch latency = new LatencySketch();
        IdDigest digest = new IdDigest(IdDigest.DEFAULT_CELLS);
        for (int i = 0; i < 250; i++) {
            latency.add(3 + i % 40);
            digest.add(0x1234_5678_9abcL * (i + 1));
        }
        return AuditRecord.builder(AGENT, "producer", "orders", BUCKET, CountingMode.ACK)
                .seq(41)
                .emittedAt(1_764_000_070_000L)
                .count(250)
                .bytes(250 * 1024)
                .noTimestamp(2)
                .skewed(1)
                .failed(3)
                .latency(latency)
                .digest(withDigest ? digest : null)
                .build();
    }

    static Heartbeat heartbeat() {
        return Heartbeat.builder(AGENT, "consumer.billing")
                .seq(42)
                .emittedAt(1_764_000_075_000L)
                .watermarks(Map.of("orders", 1_764_000_069_999L, "payments", 1_764_000_060_000L))
                .dropped(17)
                .build();
    }

    /** A consumer's heartbeat: per partition it reads, one of them with nothing passed yet. */
    static Heartbeat partitionedHeartbeat() {
        return Heartbeat.builder(AGENT, "consumer.billing")
                .seq(43)
                .emittedAt(1_764_000_075_000L)
                .watermarks(Map.of("orders", 1_764_000_069_999L, "payments", 1_764_000_060_000L))
                .partitions(Map.of(
                        "orders",
                        Map.of(0, 1_764_000_069_999L, 5, 1_764_000_061_000L),
                        "payments",
                        Map.of(2, io.tally.core.EventTimes.NONE),
                        "refunds",
                        Map.of()))
                .dropped(17)
                .droppedByBucket(Map.of("orders", Map.of(1_764_000_060_000L, 12L, 1_764_000_000_000L, 5L)))
                .startOffsets(Map.of("orders", Map.of(0, 1_200L, 5, 0L), "payments", Map.of(2, 77L)))
                .waiting(Map.of("orders", 31L))
                .build();
    }

    /** The log tier's counts: with the lowest offset it counted per partition. */
    static AuditRecord logCounts() {
        AuditRecord c = counts(true);
        return AuditRecord.builder(AGENT, "log", "orders", BUCKET, CountingMode.LOG)
                .seq(44)
                .emittedAt(c.emittedAt())
                .count(250)
                .bytes(250 * 1024)
                .latency(c.latency())
                .digest(c.digest())
                .firstOffsets(Map.of(3, 9_000L, 0, 12_345L))
                .lastOffsets(Map.of(3, 9_249L, 0, 12_594L))
                .build();
    }

    static TierAggregate aggregate() {
        return TierAggregate.empty("orders", "producer", BUCKET)
                .plus(counts(true))
                .plus(counts(true));
    }

    static TierProgress progress() {
        return TierProgress.builder("log", "orders")
                .watermark(1_764_000_069_000L)
                .lastHeartbeatAt(1_764_000_075_000L)
                .liveAgents(2)
                .updatedAt(1_764_000_076_000L)
                .build();
    }

    /** Progress of a tier whose agents dropped counts in two buckets. */
    static TierProgress progressWithDrops() {
        return TierProgress.builder("consumer.billing", "orders")
                .watermark(1_764_000_069_000L)
                .lastHeartbeatAt(1_764_000_075_000L)
                .liveAgents(2)
                .updatedAt(1_764_000_076_000L)
                .dropped(Map.of(1_764_000_060_000L, 12L, 1_764_000_000_000L, 5L))
                .startOffsets(Map.of(0, 1_200L, 5, 0L))
                .waiting(31)
                .build();
    }

    static List<WireMessage> all() {
        return List.of(
                counts(true),
                counts(false),
                heartbeat(),
                partitionedHeartbeat(),
                aggregate(),
                progress(),
                progressWithDrops(),
                logCounts(),
                TierAggregate.empty("orders", "log", BUCKET).plus(logCounts()),
                aggregate().toBuilder().stateSince(1_764_000_050_000L).build(),
                TierProgress.builder("producer", "orders")
                        .watermark(1_764_000_069_000L)
                        .liveAgents(1)
                        .stateSince(1_764_000_050_000L)
                        .build(),
                Heartbeat.builder(AGENT, "t").emittedAt(-5).closed(true).build(),
                transactionalProducerHeartbeat(),
                TierProgress.builder("producer", "orders")
                        .watermark(1_764_000_069_000L)
                        .liveAgents(1)
                        .transactional(true)
                        .build(),
                TierProgress.builder("consumer.billing", "orders")
                        .watermark(1_764_000_069_000L)
                        .liveAgents(1)
                        .misconfigured(
                                "its agents count in buckets of 60000 ms and this deployment in buckets of "
                                        + "10000 ms: set tally.bucket.ms=10000 on the clients of tier consumer.billing",
                                1_764_000_069_000L)
                        .build());
    }

    /** A heartbeat of a producer that writes in transactions. */
    static Heartbeat transactionalProducerHeartbeat() {
        return Heartbeat.builder(AGENT, "producer")
                .seq(45)
                .emittedAt(1_764_000_075_000L)
                .watermarks(Map.of("orders", 1_764_000_069_999L))
                .transactional(true)
                .build();
    }
}
