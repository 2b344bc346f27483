package io.tally.reconciler.internal.state;

import io.tally.storage.Discrepancy;
import io.tally.storage.EdgeVerdict;
import io.tally.storage.VerdictRollup;
import java.util.List;

/**
 * What one evaluation tick changed.
 *
 * @param verdicts      edge verdicts that are new or changed
 * @param discrepancies discrepancies that are new or changed (kind, counts, or status)
 * @param judged        edge-buckets judged in this tick
 * @param rollups       the hourly rollups of every topic-hour in which a verdict changed, recomputed whole
 */
public record Evaluation(
        List<EdgeVerdict> verdicts, List<Discrepancy> discrepancies, int judged, List<VerdictRollup> rollups) {
    public Evaluation {
        verdicts = List.copyOf(verdicts);
        discrepancies = List.copyOf(discrepancies);
        rollups = List.copyOf(rollups);
    }
}
