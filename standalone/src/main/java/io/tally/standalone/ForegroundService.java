package io.tally.standalone;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps a foreground command alive until Ctrl-C (or SIGTERM), then closes what it started, once; or until what it
 * runs fails by itself, which stops it with exit status 1 and the reason.
 */
final class ForegroundService {
    private ForegroundService() {}

    /**
     * Says how to stop, registers the closing of {@code service} to run at JVM shutdown, and blocks until it has
     * run.
     *
     * @param name    what the user started, for the messages ("the broker")
     * @param service what to close
     * @throws InterruptedException if the waiting thread is interrupted
     */
    static void runUntilStopped(String name, AutoCloseable service) throws InterruptedException {
        runUntilStopped(name, service, new CompletableFuture<>());
    }

    /**
     * As {@link #runUntilStopped(String, AutoCloseable)}, and also returns when {@code failure} completes: then
     * {@code service} is closed at once and the failure printed.
     *
     * @return the exit status: 0 when stopped by a signal (the JVM is exiting), 1 when {@code service} failed
     */
    static int runUntilStopped(String name, AutoCloseable service, CompletableFuture<? extends Throwable> failure)
            throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable close = new Runnable() {
            private boolean done;

            @Override
            public synchronized void run() {
                if (done) {
                    return;
                }
                done = true;
                try {
                    System.out.println("Stopping " + name + "...");
                    service.close();
                    System.out.println("Stopped " + name + ".");
                } catch (Exception e) {
                    System.err.println("tally: stopping " + name + " failed: " + e);
                } finally {
                    stopped.countDown();
                }
            }
        };
        Thread hook = new Thread(close, "tally-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        failure.thenAccept(cause -> stopped.countDown());
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
        Throwable cause = failure.getNow(null);
        if (cause == null) {
            return 0; // a signal: the hook is closing it
        }
        System.err.println("tally: " + name + " failed and stops: " + rootMessage(cause));
        close.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is exiting anyway
        }
        return 1;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (cause: " + root + ")";
    }
}
