package io.tally.core;

import java.util.Objects;

/**
 * Who emitted an audit message: one running agent instance. The instance id is new at every start, so that
 * {@code (instanceId, seq)} identifies a message across restarts and lets the aggregator drop resends.
 *
 * @param instanceId a unique id of this agent instance (a random UUID by default); 1 to 128 characters
 * @param host       the host the agent runs on, for people reading alerts; may be empty, never null
 */
public record AgentIdentity(String instanceId, String host) {

    /** Longest accepted instance id or host name. */
    public static final int MAX_LENGTH = 255;

    /** @throws IllegalArgumentException if a field is null, empty (instance id) or too long */
    public AgentIdentity {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(host, "host");
        if (instanceId.isEmpty() || instanceId.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("agent instance id must have 1 to " + MAX_LENGTH + " characters");
        }
        if (host.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("host name longer than " + MAX_LENGTH + " characters");
        }
    }
}
