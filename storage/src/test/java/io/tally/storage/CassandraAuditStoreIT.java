package io.tally.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tally.storage.testing.AuditStoreContract;
import io.tally.storage.testing.CassandraNodeExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(CassandraNodeExtension.class)
class CassandraAuditStoreIT extends AuditStoreContract {
    private static CassandraAuditStore store;

    @BeforeAll
    static void createStore(CqlSession session) {
        store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace("tally_contract").build());
    }

    @Override
    protected AuditStore store() {
        return store;
    }
}
