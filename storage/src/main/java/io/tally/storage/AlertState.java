package io.tally.storage;

import java.util.Objects;
import java.util.UUID;

/**
 * What one alert sink last sent about one discrepancy, so that a restarted reconciler does not send it again.
 *
 * @param discrepancyId  the discrepancy
 * @param sink           the sink's name ({@code log}, {@code webhook}, {@code kafka}, ...)
 * @param lastSentStatus what was last delivered (for example {@code OPEN LOSS} or {@code RESOLVED}), or empty if
 *                       nothing was delivered yet
 * @param sentAt         when it was last delivered (or last attempted, while failing), epoch ms
 * @param attempts       failed attempts since the last delivery
 * @param lastError      the last failure, or empty
 */
public record AlertState(
        UUID discrepancyId, String sink, String lastSentStatus, long sentAt, int attempts, String lastError) {
    public AlertState {
        Objects.requireNonNull(discrepancyId, "discrepancyId");
        Objects.requireNonNull(sink, "sink");
        lastSentStatus = lastSentStatus == null ? "" : lastSentStatus;
        lastError = lastError == null ? "" : lastError;
    }
}
