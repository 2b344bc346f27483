package io.tally.agent.internal;

/** What an agent exposes through JMX, as {@code io.tally.agent:type=Agent,tier=<tier>,instance=<instance id>}. */
public interface AgentMetricsMBean {
    /** @return messages counted and sent in audit records since start */
    long getCounted();

    /**
     * @return records handed to the producer's {@code send()} for audited topics, since start (producer agents):
     *         each ends acknowledged (counted) or failed, so the difference to those two is what is in flight
     */
    long getAttempted();

    /** @return records the producer reported as not sent, since start; counted apart as failed in the buckets */
    long getFailedSends();

    /** @return messages that could not be counted or whose audit record was lost, since start */
    long getDropped();

    /** @return audit records the audit topic refused or timed out, since start (each is retried) */
    long getSendErrors();

    /** @return audit records waiting to be sent */
    int getBufferedRecords();

    /** @return open (topic, bucket) counters */
    int getOpenBuckets();

    /** @return exceptions caught in interceptor callbacks (never passed to the application), since start */
    long getCallbackErrors();

    /** @return consumed records discarded because their offsets were never committed by this consumer */
    long getUncommittedDiscarded();
}
