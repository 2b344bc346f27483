package io.tally.core;

/**
 * What an agent emits on {@code tally.audit}: counts ({@link AuditRecord}) or liveness ({@link Heartbeat}). Every
 * message carries the agent's identity and a sequence number that grows by one per message, so that a resend of
 * the same {@code (agent instance, seq)} is recognised and dropped.
 */
public sealed interface AuditMessage extends WireMessage permits AuditRecord, Heartbeat {

    /** @return who emitted the message */
    AgentIdentity agent();

    /** @return the agent's sequence number of this message, from 0 */
    long seq();

    /** @return when the agent emitted the message, epoch ms */
    long emittedAt();

    /** @return the tier the agent reports as */
    String tier();
}
