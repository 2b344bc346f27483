package io.tally.standalone;

import java.util.concurrent.CountDownLatch;

/** Keeps a foreground command alive until Ctrl-C (or SIGTERM), then closes what it started, once. */
final class ForegroundService {
    private ForegroundService() {
    }

    /**
     * Says how to stop, registers the closing of {@code service} to run at JVM shutdown, and blocks until it has
     * run.
     *
     * @param name    what the user started, for the messages ("the broker")
     * @param service what to close
     * @throws InterruptedException if the waiting thread is interrupted
     */
    static void runUntilStopped(String name, AutoCloseable service) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                System.out.println("Stopping " + name + "...");
                service.close();
                System.out.println("Stopped " + name + ".");
            } catch (Exception e) {
                System.err.println("tally: stopping " + name + " failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "tally-shutdown"));
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }
}
