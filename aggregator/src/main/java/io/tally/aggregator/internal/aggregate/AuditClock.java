package io.tally.aggregator.internal.aggregate;

/**
 * The time of the audit stream as this subtask has read it, against which agents' liveness is judged: the arrival of
 * the newest heartbeat read, advanced by the processing time since it was read. Caught up, it runs a little behind
 * the wall clock (by the pipeline's latency); working through a backlog (a job restored from a checkpoint minutes
 * old), it stays at the backlog's time, so that agents whose heartbeats wait further on in the backlog are not taken
 * for dead — which would let the tier's watermark pass buckets whose counts are still unread. Not thread-safe: one
 * per subtask, used from its processing thread.
 */
final class AuditClock {
    private long lastArrival = Long.MIN_VALUE;
    private long readAt;

    /** A heartbeat that arrived (reached the audit topic) at {@code arrival} was read at {@code processingNow}. */
    void read(long arrival, long processingNow) {
        lastArrival = Math.max(lastArrival, arrival);
        readAt = processingNow;
    }

    /**
     * @param newestKnown the newest arrival the caller knows of (a key's heartbeats restored from a checkpoint), for
     *                    a subtask that has read none since it started: until it reads, nothing has happened since
     * @return the audit stream's time now, never ahead of {@code processingNow}
     */
    long now(long processingNow, long newestKnown) {
        if (lastArrival == Long.MIN_VALUE) {
            return Math.min(processingNow, newestKnown);
        }
        return Math.min(processingNow, lastArrival + Math.max(0, processingNow - readAt));
    }
}
