package io.tally.reconciler.internal.verdict;

import io.tally.core.Bucket;
import io.tally.core.TierAggregate;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;

/** Aggregates with ids for the verdict tests. */
final class Fixtures {
    static final long MINUTE = 60_000;
    static final long T0 = 1_800_000_000_000L - Math.floorMod(1_800_000_000_000L, MINUTE);
    static final Bucket BUCKET = new Bucket(T0, MINUTE);

    private Fixtures() {}

    /** An aggregate counting ids {@code from..to-1} once each, plus {@code extra} ids once more. */
    static TierAggregate ids(String tier, long from, long to, long... extra) {
        IdDigest digest = new IdDigest(IdDigest.DEFAULT_CELLS);
        LatencySketch latency = new LatencySketch();
        long count = 0;
        for (long id = from; id < to; id++) {
            digest.add(id);
            latency.add(20);
            count++;
        }
        for (long id : extra) {
            digest.add(id);
            latency.add(20);
            count++;
        }
        return TierAggregate.builder("orders", tier, BUCKET)
                .count(count)
                .bytes(count * 10)
                .records(1)
                .latency(latency)
                .digest(digest)
                .updatedAt(T0)
                .build();
    }

    static TierAggregate counted(String tier, long count, long latencyMs) {
        LatencySketch latency = new LatencySketch();
        latency.add(latencyMs, count);
        return TierAggregate.builder("orders", tier, BUCKET)
                .count(count)
                .bytes(count * 10)
                .records(1)
                .latency(latency)
                .updatedAt(T0)
                .build();
    }

    /** A view whose watermark is {@code watermark} and has been moving. */
    static TierView at(String tier, long watermark) {
        return new TierView(tier, watermark, watermark, watermark, false, T0 - 10 * MINUTE);
    }
}
