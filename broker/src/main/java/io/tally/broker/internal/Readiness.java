package io.tally.broker.internal;

import io.tally.broker.BrokerException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * Waits until the running brokers serve clients: an Admin client's {@code describeCluster} must list every
 * expected node. This is what a client of the bundle will see, so it is checked from the outside.
 */
final class Readiness {

    private static final long POLL_MS = 100;

    private Readiness() {}

    /**
     * Blocks until {@code describeCluster} lists exactly {@code expectedIds}, or fails.
     *
     * @param clientSecurity the settings a client needs to log in ({@code BrokerSasl#clientProperties}), or none
     * @param fatalFault reports a fatal fault of a node, which ends the wait early
     * @throws BrokerException on timeout or fatal fault
     */
    static void awaitNodes(
            String bootstrapServers,
            Map<String, Object> clientSecurity,
            Set<Integer> expectedIds,
            Duration timeout,
            Supplier<String> fatalFault) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int requestMs = (int) Math.max(1_000, Math.min(5_000, timeout.toMillis()));
        Map<String, Object> props = new HashMap<>(clientSecurity);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "tally-broker-readiness");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestMs);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, requestMs);
        props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        Set<Integer> seen = Set.of();
        Exception lastError = null;
        try (Admin admin = Admin.create(props)) {
            while (true) {
                String fault = fatalFault.get();
                if (fault != null) {
                    throw new BrokerException("A node hit a fatal fault while starting: " + fault);
                }
                try {
                    seen = admin
                            .describeCluster(new DescribeClusterOptions().timeoutMs(requestMs))
                            .nodes()
                            .get(requestMs, TimeUnit.MILLISECONDS)
                            .stream()
                            .map(Node::id)
                            .collect(Collectors.toSet());
                    if (seen.equals(expectedIds)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    lastError = e;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new BrokerException(
                            "Brokers at " + bootstrapServers + " did not list nodes " + expectedIds
                                    + " within " + timeout.toMillis()
                                    + " ms (tally.broker.start.timeout.ms); last seen "
                                    + seen,
                            lastError);
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for brokers at " + bootstrapServers, e);
        }
    }
}
