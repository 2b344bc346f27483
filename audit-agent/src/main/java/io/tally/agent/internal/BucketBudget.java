package io.tally.agent.internal;

import java.util.concurrent.atomic.AtomicInteger;

/** The bound on open (topic, bucket) counters of one agent ({@code tally.max.open.buckets}); thread-safe. */
final class BucketBudget {
    private final int max;
    private final AtomicInteger used = new AtomicInteger();

    BucketBudget(int max) {
        this.max = max;
    }

    boolean tryAcquire() {
        int now;
        do {
            now = used.get();
            if (now >= max) {
                return false;
            }
        } while (!used.compareAndSet(now, now + 1));
        return true;
    }

    void release(int n) {
        used.addAndGet(-n);
    }

    int used() {
        return used.get();
    }
}
