package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ForegroundServiceTest {

    @Test
    void a_service_that_fails_by_itself_is_closed_once_and_the_command_exits_with_1() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            later.schedule(
                    () -> failure.complete(new IllegalStateException("the job gave up after 10 restarts")),
                    100,
                    TimeUnit.MILLISECONDS);

            int status = ForegroundService.runUntilStopped("the aggregator", closes::incrementAndGet, failure);

            assertThat(status).isEqualTo(1);
            assertThat(closes).hasValue(1);
        } finally {
            later.shutdownNow();
        }
    }
}
