package io.tally.core;

import java.util.Locale;

/** How the agent that produced an {@link AuditRecord} decided that a message counts. */
public enum CountingMode {
    /** A producer counted the record when the broker acknowledged it. */
    ACK,
    /** A consumer counted the record when its offset was committed (the default for consumers). */
    COMMIT,
    /** A consumer that never commits through the client counted the record after a wait on consume. */
    CONSUME,
    /** A non-Kafka tier counted the record through the {@code Auditor} API. */
    DIRECT,
    /** The log-tier auditor counted the record as it is stored in the broker. */
    LOG;

    /** @return the lowercase name used on the wire */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @return the mode with the given wire name
     * @throws IllegalArgumentException if there is none
     */
    public static CountingMode fromWireName(String name) {
        for (CountingMode mode : values()) {
            if (mode.wireName().equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown counting mode '" + name + "'");
    }
}
