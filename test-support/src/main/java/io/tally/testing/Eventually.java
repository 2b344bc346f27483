package io.tally.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Waits in a test for something that happens on another thread or in another process: asks again and again, every
 * {@code pollEvery}, until the answer is right or {@code timeout} has passed, then fails with an {@link AssertionError}
 * that names what was awaited, how long, and the last answer or exception seen.
 *
 * <p>An attempt that throws (an exception or a failed assertion) counts as "not yet"; the last such throwable is the
 * failure's cause. The condition is asked at least once, and once more when the timeout is reached, so a timeout of
 * zero asks exactly once. A condition that blocks by itself (a consumer's {@code poll}) can be polled every
 * {@link Duration#ZERO}. Time is the JVM's monotonic clock; the calling thread is the one that asks.
 *
 * <pre>{@code
 * Eventually.await(Duration.ofSeconds(30), Duration.ofMillis(50), "a heartbeat", () -> !sink.heartbeats().isEmpty());
 * List<Row> rows = Eventually.await(Duration.ofSeconds(60), Duration.ofMillis(200), "both verdicts",
 *         () -> store.verdicts(topic), list -> list.size() == 2);
 * }</pre>
 */
public final class Eventually {

    /** A yes-or-no question that may throw while the answer is not there yet. */
    @FunctionalInterface
    public interface Condition {
        /** @return true once what is awaited has happened */
        boolean holds() throws Exception;
    }

    /** A value read again at every attempt. */
    @FunctionalInterface
    public interface Probe<T> {
        /** @return the current value; may throw while it cannot be read yet */
        T read() throws Exception;
    }

    private Eventually() {}

    /**
     * Waits until {@code condition} holds.
     *
     * @param timeout   how long to keep asking, at least {@link Duration#ZERO}
     * @param pollEvery the pause between two attempts, at least {@link Duration#ZERO}
     * @param what      what is awaited, for the failure's message ("the consumer's heartbeat")
     * @throws AssertionError if it did not hold within {@code timeout}, or the thread was interrupted while waiting
     */
    public static void await(Duration timeout, Duration pollEvery, String what, Condition condition) {
        Objects.requireNonNull(condition, "condition");
        await(timeout, pollEvery, what, condition::holds, Boolean.TRUE::equals);
    }

    /**
     * Reads {@code probe} until {@code done} accepts its value, and returns that value.
     *
     * @param timeout   how long to keep reading, at least {@link Duration#ZERO}
     * @param pollEvery the pause between two reads, at least {@link Duration#ZERO}
     * @param what      what is awaited, for the failure's message
     * @return the first value {@code done} accepted
     * @throws AssertionError if no value was accepted within {@code timeout} (the message shows the last value read),
     *     or the thread was interrupted while waiting
     */
    public static <T> T await(
            Duration timeout, Duration pollEvery, String what, Probe<? extends T> probe, Predicate<? super T> done) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(done, "done");
        if (timeout.isNegative() || pollEvery.isNegative()) {
            throw new IllegalArgumentException("negative timeout or pause: " + timeout + ", " + pollEvery);
        }
        long start = System.nanoTime();
        long timeoutNanos = timeout.toNanos();
        Throwable lastFailure = null;
        boolean read = false;
        T last = null;
        while (true) {
            try {
                T value = probe.read();
                read = true;
                last = value;
                lastFailure = null;
                if (done.test(value)) {
                    return value;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while awaiting " + what, e);
            } catch (Exception | AssertionError e) {
                lastFailure = e;
            }
            long left = timeoutNanos - (System.nanoTime() - start);
            if (left <= 0) {
                String message = "timed out after " + timeout.toMillis() + " ms awaiting " + what;
                if (lastFailure != null) {
                    message += "; the last attempt threw " + lastFailure;
                } else if (read) {
                    message += "; the last value was " + last;
                }
                throw failure(message, lastFailure);
            }
            try {
                Thread.sleep(Math.min(pollEvery.toMillis(), Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while awaiting " + what, e);
            }
        }
    }

    private static AssertionError failure(String message, Throwable cause) {
        return cause == null ? new AssertionError(message) : new AssertionError(message, cause);
    }
}
