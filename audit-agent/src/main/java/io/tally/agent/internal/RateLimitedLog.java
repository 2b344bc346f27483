package io.tally.agent.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A WARN log line that is written at most once a minute; the lines held back in between are counted and reported
 * with the next one. The agent lives in someone else's process: it must not flood their logs.
 */
final class RateLimitedLog {
    private static final long INTERVAL_NANOS = 60_000_000_000L;
    private final Logger log;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log) {
        this.log = log;
    }

    void warn(String message, Throwable cause) {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextAllowed.compareAndSet(next, now + INTERVAL_NANOS)) {
            long held = suppressed.getAndSet(0);
            if (held > 0) {
                log.warn("{} ({} similar warnings suppressed in the last minute)", message, held, cause);
            } else {
                log.warn(message, cause);
            }
        } else {
            suppressed.incrementAndGet();
        }
    }
}
