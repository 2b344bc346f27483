package io.tally.storage;

import io.tally.storage.testing.AuditStoreContract;

class InMemoryAuditStoreTest extends AuditStoreContract {
    private final InMemoryAuditStore store = new InMemoryAuditStore();

    @Override
    protected AuditStore store() {
        return store;
    }
}
