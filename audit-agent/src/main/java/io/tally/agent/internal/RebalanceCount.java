package io.tally.agent.internal;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * How many rebalances a consumer has completed, read from its own {@code rebalance-total} metric as the client's JMX
 * reporter publishes it (an interceptor is handed no reference to its consumer, nor told of a rebalance). Costs one
 * local attribute read, no request to the cluster; {@code -1} where the metric is not published (the JMX reporter
 * left out of {@code metric.reporters}).
 */
final class RebalanceCount implements LongSupplier {
    /** The characters the client's JMX reporter leaves unquoted in a client id. */
    private static final Pattern PLAIN = Pattern.compile("[\\w-%\\. \t]*");

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name;

    private RebalanceCount(ObjectName name) {
        this.name = name;
    }

    /** @return the count of the consumer {@code clientId}'s completed rebalances, or a supplier of -1 when unnamed */
    static LongSupplier of(String clientId) {
        if (clientId == null || clientId.isEmpty()) {
            return () -> -1;
        }
        try {
            String id = PLAIN.matcher(clientId).matches() ? clientId : ObjectName.quote(clientId);
            return new RebalanceCount(
                    new ObjectName("kafka.consumer:type=consumer-coordinator-metrics,client-id=" + id));
        } catch (javax.management.MalformedObjectNameException e) {
            return () -> -1;
        }
    }

    @Override
    public long getAsLong() {
        try {
            return server.getAttribute(name, "rebalance-total") instanceof Number n ? n.longValue() : -1;
        } catch (Exception e) {
            return -1; // not registered (yet, or at all)
        }
    }
}
