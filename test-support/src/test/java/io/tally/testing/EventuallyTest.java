package io.tally.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventuallyTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    @Test
    void returns_as_soon_as_the_condition_holds() {
        AtomicInteger attempts = new AtomicInteger();

        Eventually.await(LONG, Duration.ZERO, "the third attempt", () -> attempts.incrementAndGet() == 3);

        assertThat(attempts).hasValue(3);
    }

    @Test
    void returns_the_first_value_accepted() {
        AtomicInteger counter = new AtomicInteger();

        int value = Eventually.await(LONG, Duration.ZERO, "five", counter::incrementAndGet, n -> n >= 5);

        assertThat(value).isEqualTo(5);
    }

    @Test
    void an_attempt_that_throws_counts_as_not_yet() {
        AtomicInteger attempts = new AtomicInteger();

        Eventually.await(LONG, Duration.ZERO, "a read that stops failing", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("not yet");
            }
            assertThat(attempts).hasValueGreaterThan(3);
            return true;
        });

        assertThat(attempts).hasValue(4);
    }

    @Test
    void a_timeout_names_what_was_awaited_and_the_last_value() {
        AtomicInteger counter = new AtomicInteger();

        assertThatThrownBy(() -> Eventually.await(
                        Duration.ofMillis(50),
                        Duration.ofMillis(5),
                        "a negative count",
                        counter::incrementAndGet,
                        n -> n < 0))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("timed out after 50 ms awaiting a negative count")
                .hasMessageContaining("the last value was " + counter.get());
    }

    @Test
    void a_timeout_carries_the_last_exception_as_its_cause() {
        IOException down = new IOException("connection refused");

        assertThatThrownBy(() -> Eventually.await(Duration.ofMillis(20), Duration.ofMillis(5), "the server", () -> {
                    throw down;
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(
                        "awaiting the server; the last attempt threw java.io.IOException: connection refused")
                .hasCause(down);
    }

    @Test
    void a_zero_timeout_asks_once() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> Eventually.await(Duration.ZERO, Duration.ofSeconds(1), "never", () -> {
                    attempts.incrementAndGet();
                    return false;
                }))
                .isInstanceOf(AssertionError.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void an_interrupted_wait_fails_and_keeps_the_interrupt() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Eventually.await(LONG, Duration.ofMillis(100), "something", () -> false))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("interrupted while awaiting something");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
