package io.tally.agent.internal;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An agent's counters, registered as an MBean while the agent runs. Thread-safe. */
final class AgentMetrics implements AgentMetricsMBean {
    private static final Logger LOG = LoggerFactory.getLogger(AgentMetrics.class);

    private final Agent agent;
    private final LongAdder counted = new LongAdder();
    private final AttemptCounter attempted = new AttemptCounter();
    private final LongAdder failedSends = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    private final LongAdder callbackErrors = new LongAdder();
    private final LongAdder uncommittedDiscarded = new LongAdder();
    private final AtomicInteger buffered = new AtomicInteger();
    private ObjectName name;

    AgentMetrics(Agent agent) {
        this.agent = agent;
    }

    void register() {
        try {
            name = new ObjectName("io.tally.agent:type=Agent,tier=" + ObjectName.quote(agent.tier()) + ",instance="
                    + ObjectName.quote(agent.identity().instanceId()));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            server.registerMBean(this, name);
        } catch (Exception | LinkageError e) {
            LOG.debug("Agent metrics not registered in JMX", e);
            name = null;
        }
    }

    void unregister() {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (Exception e) {
                LOG.debug("Agent metrics not unregistered from JMX", e);
            }
        }
    }

    void counted(long messages) {
        counted.add(messages);
    }

    /** The producer's send() calls on audited topics: one counter the interceptor increments directly. */
    AttemptCounter attempted() {
        return attempted;
    }

    void failedSend() {
        failedSends.increment();
    }

    void sendError() {
        sendErrors.increment();
    }

    void callbackError() {
        callbackErrors.increment();
    }

    void uncommittedDiscarded(long messages) {
        uncommittedDiscarded.add(messages);
    }

    void buffered(int delta) {
        buffered.addAndGet(delta);
    }

    @Override
    public long getCounted() {
        return counted.sum();
    }

    @Override
    public long getAttempted() {
        return attempted.sum();
    }

    @Override
    public long getFailedSends() {
        return failedSends.sum();
    }

    @Override
    public long getDropped() {
        return agent.dropped();
    }

    @Override
    public long getSendErrors() {
        return sendErrors.sum();
    }

    @Override
    public int getBufferedRecords() {
        return buffered.get();
    }

    @Override
    public int getOpenBuckets() {
        return agent.rules().budget.used();
    }

    @Override
    public long getCallbackErrors() {
        return callbackErrors.sum();
    }

    @Override
    public long getUncommittedDiscarded() {
        return uncommittedDiscarded.sum();
    }
}
