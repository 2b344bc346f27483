package io.tally.broker.internal;

import io.tally.broker.BrokerException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs one blocking task per node at the same time (a broker's start waits for the other controllers) on
 * short-lived daemon threads named {@code tally-broker-<action>-<n>}, and collects every failure instead of
 * stopping at the first. A single node runs on the calling thread.
 */
final class NodeTasks {

    private final long waitMs;

    /** Tasks that count as hung after {@code waitMs} milliseconds. */
    NodeTasks(long waitMs) {
        this.waitMs = waitMs;
    }

    /** Runs {@code task} for every node and returns the failures, empty when all succeeded. */
    List<Throwable> run(String action, List<KafkaNode> nodes, Consumer<KafkaNode> task) {
        if (nodes.size() == 1) {
            try {
                task.accept(nodes.get(0));
                return List.of();
            } catch (RuntimeException e) {
                return List.of(e);
            }
        }
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size(), runnable -> {
            Thread thread = new Thread(runnable, "tally-broker-" + action + "-" + threadNumber.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<Void>> futures = nodes.stream()
                    .map(node -> CompletableFuture.runAsync(() -> task.accept(node), pool))
                    .collect(Collectors.toList());
            List<Throwable> errors = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                int nodeId = nodes.get(i).spec().id();
                try {
                    futures.get(i).get(waitMs, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    errors.add(new BrokerException(
                            "Node " + nodeId + " failed to " + action + ": " + e.getCause(), e.getCause()));
                } catch (TimeoutException e) {
                    errors.add(new BrokerException(
                            "Node " + nodeId + " did not " + action + " within " + waitMs + " ms", e));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    errors.add(new BrokerException("Interrupted while nodes " + action, e));
                    break;
                }
            }
            return errors;
        } finally {
            pool.shutdown();
        }
    }
}
