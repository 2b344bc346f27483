package io.tally.reconciler.internal.state;

import io.tally.core.Bucket;
import io.tally.reconciler.internal.topology.Edge;
import io.tally.reconciler.internal.verdict.Judgement;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.Verdict;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The discrepancies the reconciler knows, by id: loaded from the store at start, so that a restarted reconciler
 * keeps their detection times and resolves what it finds fixed. Not thread-safe.
 */
final class DiscrepancyBook {
    private final Map<UUID, Discrepancy> byId = new HashMap<>();

    void load(Collection<Discrepancy> known) {
        known.forEach(d -> byId.put(d.id(), d));
    }

    /** @return the discrepancy to write after this judgement, or null if nothing changed */
    Discrepancy apply(Edge edge, Bucket bucket, Judgement j, long now) {
        UUID id = Discrepancy.idOf(edge.upstreamTopic(), edge.upstreamTier(), edge.downstreamTier(), bucket.start());
        Discrepancy existing = byId.get(id);
        Discrepancy next = null;
        if (j.verdict().isDiscrepancy()) {
            String detail = edge.upstreamTopic().equals(edge.downstreamTopic())
                    ? j.detail()
                    : j.detail() + " (downstream topic " + edge.downstreamTopic() + ")";
            Discrepancy d = new Discrepancy(
                    id,
                    edge.upstreamTopic(),
                    bucket,
                    edge.upstreamTier(),
                    edge.downstreamTier(),
                    j.verdict(),
                    j.upstreamCount(),
                    j.downstreamCount(),
                    j.missing(),
                    j.duplicated(),
                    j.lostIds(),
                    j.duplicatedIds(),
                    detail,
                    DiscrepancyStatus.OPEN,
                    existing == null ? now : existing.detectedAt(),
                    0);
            if (existing == null || !sameFinding(existing, d)) {
                next = d;
            }
        } else if (existing != null && existing.status() == DiscrepancyStatus.OPEN && resolves(existing, j)) {
            next = existing.withStatus(DiscrepancyStatus.RESOLVED, now);
        }
        if (next != null) {
            byId.put(id, next);
        }
        return next;
    }

    private static boolean resolves(Discrepancy open, Judgement j) {
        return j.verdict() == Verdict.COMPLETE
                || j.verdict() == Verdict.NOT_OBSERVED
                || j.verdict() == Verdict.NOT_JUDGED
                || (open.kind() == Verdict.STALLED && j.verdict() == Verdict.PENDING);
    }

    private static boolean sameFinding(Discrepancy a, Discrepancy b) {
        return a.status() == b.status()
                && a.kind() == b.kind()
                && a.upstreamCount() == b.upstreamCount()
                && a.downstreamCount() == b.downstreamCount()
                && a.missing() == b.missing()
                && a.duplicated() == b.duplicated();
    }

    void forgetTopics(java.util.Set<String> topics) {
        byId.values().removeIf(d -> topics.contains(d.topic()));
    }

    void evictBucketsBefore(long cutoff) {
        byId.values().removeIf(d -> d.bucket().start() < cutoff);
    }

    int size() {
        return byId.size();
    }
}
