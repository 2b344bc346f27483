package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tally.core.Bucket;
import io.tally.storage.testing.AuditStoreContract;
import io.tally.storage.testing.CassandraNodeExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(CassandraNodeExtension.class)
class CassandraAuditStoreIT extends AuditStoreContract {
    private static final String KEYSPACE = "tally_contract";
    private static CassandraAuditStore store;

    @BeforeAll
    static void createStore(CqlSession session) {
        store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace(KEYSPACE).build());
    }

    @Override
    protected AuditStore store() {
        return store;
    }

    @Test
    void a_discrepancy_naming_a_thousand_ids_of_each_kind_is_stored_whole_in_no_batch_the_node_warns_of(
            LocalCassandraNode node) throws Exception {
        List<Long> lost = LongStream.range(0, 1_000).boxed().toList();
        List<Long> duplicated = LongStream.range(5_000, 6_000).boxed().toList();
        long bucket = 1_765_000_020_000L; // a whole minute
        Discrepancy d = new Discrepancy(
                Discrepancy.idOf("many-ids", "log", "consumer.x", bucket),
                "many-ids",
                new Bucket(bucket, 60_000),
                "log",
                "consumer.x",
                Verdict.MIXED,
                5_000,
                5_000,
                1_000,
                1_000,
                lost,
                duplicated,
                "1,000 missing and 1,000 duplicated, every one named",
                DiscrepancyStatus.OPEN,
                bucket + 120_000,
                0);

        store.putDiscrepancy(d);

        assertThat(store.discrepancy(d.id())).contains(d);
        assertThat(store.discrepancies(DiscrepancyQuery.ofTopic("many-ids", bucket, bucket + 1)))
                .containsExactly(d);
        // Cassandra logs each batch past batch_size_warn_threshold (5 KiB), and refuses one past 50 KiB: with its ids
        // in the batch, this discrepancy was refused ("Batch too large"), and the reconciler would have retried forever
        assertThat(Files.readAllLines(node.logFile(), StandardCharsets.UTF_8))
                .noneMatch(line -> line.contains("Batch for [") && line.contains(KEYSPACE + "."));
    }
}
