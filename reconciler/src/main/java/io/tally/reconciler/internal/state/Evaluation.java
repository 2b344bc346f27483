package io.tally.reconciler.internal.state;

import io.tally.storage.Discrepancy;
import io.tally.storage.EdgeVerdict;
import java.util.List;

/**
 * What one evaluation tick changed.
 *
 * @param verdicts      edge verdicts that are new or changed
 * @param discrepancies discrepancies that are new or changed (kind, counts, or status)
 * @param judged        edge-buckets judged in this tick
 */
public record Evaluation(List<EdgeVerdict> verdicts, List<Discrepancy> discrepancies, int judged) {
    public Evaluation {
        verdicts = List.copyOf(verdicts);
        discrepancies = List.copyOf(discrepancies);
    }
}
