package io.tally.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.CountingMode;
import io.tally.core.counting.BucketCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TierCounterTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final long BUCKET_MS = 10_000;

    private final Drops dropped = new Drops();
    private final TierCounter counter =
            new TierCounter(new AgentCountingRules(BUCKET_MS, 64, 60_000, 3_600_000, 1_000), CountingMode.ACK, dropped);

    @Test
    void drains_what_was_counted_and_starts_afresh() {
        counter.count("orders", T0, T0 + 3, 100, 1);
        counter.count("orders", T0 + BUCKET_MS, T0 + BUCKET_MS + 3, 100, 2);
        counter.countFailed("payments", T0);
        Map<String, List<BucketCounts>> first = counter.drain();
        assertThat(first.get("orders")).extracting(BucketCounts::count).containsExactlyInAnyOrder(1L, 1L);
        assertThat(first.get("payments")).extracting(BucketCounts::failed).containsExactly(1L);
        assertThat(counter.drain()).isEmpty();
        assertThat(counter.watermarks()).containsEntry("orders", T0 + BUCKET_MS);
    }

    /** Writers on several threads and a draining thread between them: every message is drained exactly once. */
    @Test
    void concurrent_counting_and_draining_lose_and_repeat_nothing() throws Exception {
        int writers = 3;
        int perWriter = 300_000;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        long drained = 0;
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                long id = w;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perWriter; i++) {
                        long time = T0 + (i % 4) * BUCKET_MS; // several buckets, so sets grow while drained
                        counter.count("orders", time, time + 5, 10, id << 32 | i);
                    }
                    return null;
                }));
            }
            start.countDown();
            Thread finisher = new Thread(() -> {
                try {
                    for (Future<?> f : done) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                } catch (Exception e) {
                    // the assertions below report it
                } finally {
                    writing.set(false);
                }
            });
            finisher.start();
            while (writing.get()) {
                drained += total(counter.drain());
            }
            for (Future<?> f : done) {
                f.get();
            }
            drained += total(counter.drain());
        } finally {
            pool.shutdownNow();
        }
        assertThat(dropped.total()).isZero();
        assertThat(drained).isEqualTo((long) writers * perWriter);
    }

    private static long total(Map<String, List<BucketCounts>> drained) {
        return drained.values().stream()
                .flatMap(List::stream)
                .mapToLong(BucketCounts::count)
                .sum();
    }
}
