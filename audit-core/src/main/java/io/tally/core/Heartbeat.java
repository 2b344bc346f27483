package io.tally.core;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An agent's liveness and progress, sent when it is idle and with every flush: per topic, the highest event time
 * it has seen and passed on. A {@code closed} heartbeat is the last message of an agent that shut down cleanly, so
 * that the reconciler can tell a finished agent from a dead one.
 *
 * @param agent      who sends it
 * @param seq        the agent's message sequence number
 * @param emittedAt  when it was sent, epoch ms
 * @param tier       the tier the agent reports as
 * @param watermarks topic → highest event time passed, epoch ms; unmodifiable, sorted by topic
 * @param closed     whether this is the agent's final message
 * @param dropped    messages the agent could not count since it started (bounds reached, audit topic
 *                   unreachable), cumulative
 */
public record Heartbeat(
        AgentIdentity agent,
        long seq,
        long emittedAt,
        String tier,
        Map<String, Long> watermarks,
        boolean closed,
        long dropped) implements AuditMessage {

    /** @throws IllegalArgumentException if a name is empty or too long, or seq or dropped is negative */
    public Heartbeat {
        Objects.requireNonNull(agent, "agent");
        Names.nonNegative("seq", seq);
        Names.tier(tier);
        Names.nonNegative("dropped", dropped);
        TreeMap<String, Long> copy = new TreeMap<>();
        watermarks.forEach((topic, watermark) -> copy.put(Names.topic(topic), Objects.requireNonNull(watermark)));
        watermarks = Collections.unmodifiableMap(copy);
    }
}
