package io.tally.api.internal.view;

import io.tally.core.AuditIds;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import java.util.List;

/**
 * A discrepancy as the API shows it. Ids of messages are 16 hex digits, the form of the {@code tally.id} header,
 * so people can search their logs and topics for them.
 *
 * @param idsComplete whether the lost and duplicated ids name every missing and extra message (false when the
 *                    digest could not be decoded, or more ids were found than are kept)
 * @param resolvedAt  when it was resolved, epoch ms, or null while open
 */
public record DiscrepancyView(
        String id,
        String topic,
        long bucketStart,
        long bucketEnd,
        String upstreamTier,
        String downstreamTier,
        String kind,
        long upstreamCount,
        long downstreamCount,
        long missing,
        long duplicated,
        List<String> lostIds,
        List<String> duplicatedIds,
        boolean idsComplete,
        String detail,
        String status,
        long detectedAt,
        Long resolvedAt) {

    public static DiscrepancyView of(Discrepancy d) {
        return new DiscrepancyView(
                d.id().toString(),
                d.topic(),
                d.bucket().start(),
                d.bucket().end(),
                d.upstreamTier(),
                d.downstreamTier(),
                d.kind().name(),
                d.upstreamCount(),
                d.downstreamCount(),
                d.missing(),
                d.duplicated(),
                hex(d.lostIds()),
                hex(d.duplicatedIds()),
                d.lostIds().size() == d.missing() && d.duplicatedIds().size() == d.duplicated(),
                d.detail(),
                d.status().name(),
                d.detectedAt(),
                d.status() == DiscrepancyStatus.RESOLVED ? d.resolvedAt() : null);
    }

    private static List<String> hex(List<Long> ids) {
        return ids.stream().map(AuditIds::hex).toList();
    }

    /**
     * One page of discrepancies.
     *
     * @param orderedBy  {@code bucketStart} (a query with a topic) or {@code detectedAt}: the order, newest first
     * @param nextCursor the cursor of the next page, or null on the last page
     */
    public record Page(List<DiscrepancyView> items, String orderedBy, String nextCursor) {}
}
