package io.tally.standalone;

import java.util.concurrent.CountDownLatch;

/** Keeps a foreground command alive until Ctrl-C (or SIGTERM), then closes what it started, once. */
final class ForegroundService {
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * Registers {@code onStop} to run at JVM shutdown and blocks until it has run.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    void runUntilStopped(Runnable onStop) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                onStop.run();
            } finally {
                stopped.countDown();
            }
        }, "tally-shutdown"));
        stopped.await();
    }
}
