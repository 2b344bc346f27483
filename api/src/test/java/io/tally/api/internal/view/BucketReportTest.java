package io.tally.api.internal.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.Bucket;
import io.tally.storage.EdgeVerdict;
import io.tally.storage.InMemoryAuditStore;
import io.tally.storage.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class BucketReportTest {
    private static final Bucket FIRST = new Bucket(60_000, 60_000);
    private static final Bucket SECOND = FIRST.next();

    private static EdgeVerdict verdict(Bucket b, String upstream, Verdict v) {
        return new EdgeVerdict("orders", b, upstream, "consumer.dashboard", v, 10, 10, b.end() + 1_000, "");
    }

    @Test
    void an_edge_replaced_by_another_into_the_same_tier_is_not_listed_in_buckets_judged_by_the_new_one() {
        InMemoryAuditStore store = new InMemoryAuditStore();
        // the topic was found transactional: the group is compared with log.committed from the second bucket on,
        // and the first bucket's log edge was retired
        store.putVerdicts(List.of(
                verdict(FIRST, "log", Verdict.NOT_JUDGED),
                verdict(FIRST, "log.committed", Verdict.COMPLETE),
                verdict(SECOND, "log.committed", Verdict.COMPLETE)));

        BucketReport report = BucketReport.read(store, "orders", 0, 600_000);

        assertThat(report.buckets().get(0).edges())
                .extracting(BucketReport.EdgeRow::upstreamTier)
                .containsExactly("log", "log.committed");
        assertThat(report.buckets().get(1).edges())
                .as("no row of the old edge, never judged, in a bucket the new one judged")
                .extracting(BucketReport.EdgeRow::upstreamTier)
                .containsExactly("log.committed");
    }

    @Test
    void an_edge_not_judged_yet_in_a_bucket_is_still_listed_there() {
        InMemoryAuditStore store = new InMemoryAuditStore();
        store.putVerdicts(List.of(verdict(FIRST, "log", Verdict.COMPLETE)));
        store.putVerdicts(List.of(
                new EdgeVerdict("orders", SECOND, "producer", "log", Verdict.PENDING, 10, 5, SECOND.end(), "")));

        BucketReport report = BucketReport.read(store, "orders", 0, 600_000);

        assertThat(report.buckets().get(1).edges())
                .extracting(BucketReport.EdgeRow::upstreamTier, BucketReport.EdgeRow::verdict)
                .contains(org.assertj.core.groups.Tuple.tuple("log", null));
    }
}
