package io.tally.aggregator.internal.decode;

import io.tally.core.AuditRecord;
import io.tally.core.CodecException;

/**
 * Counts that decode but that this deployment cannot use because their agent is configured otherwise (a bucket size
 * other than the deployment's): not a loss of what they counted, but a tier to set up again, which its progress then
 * says.
 */
public final class RefusedCounts extends CodecException {
    private static final long serialVersionUID = 1L;
    private final transient AuditRecord record;
    private final String reason;

    /**
     * @param message what the dead-letter topic records
     * @param reason  what the tier is told, naming the setting and both values
     */
    RefusedCounts(String message, String reason, AuditRecord record) {
        super(message);
        this.reason = reason;
        this.record = record;
    }

    /** @return why the agent's counts are refused, naming the setting and both values */
    public String reason() {
        return reason;
    }

    /** @return the refused record */
    public AuditRecord record() {
        return record;
    }
}
