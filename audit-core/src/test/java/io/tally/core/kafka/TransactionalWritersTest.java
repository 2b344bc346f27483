package io.tally.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.clients.admin.ProducerState;
import org.junit.jupiter.api.Test;

class TransactionalWritersTest {

    private static ProducerState producer(OptionalInt coordinatorEpoch, OptionalLong openTransactionAt) {
        return new ProducerState(7, 0, 41, 1_700_000_000_000L, coordinatorEpoch, openTransactionAt);
    }

    @Test
    void an_idempotent_producer_is_not_transactional() {
        assertThat(TransactionalWriters.transactional(producer(OptionalInt.empty(), OptionalLong.empty())))
                .isFalse();
    }

    @Test
    void a_producer_with_a_transaction_open_or_ended_is_transactional() {
        assertThat(TransactionalWriters.transactional(producer(OptionalInt.empty(), OptionalLong.of(120))))
                .as("open, before its first marker")
                .isTrue();
        assertThat(TransactionalWriters.transactional(producer(OptionalInt.of(0), OptionalLong.empty())))
                .as("a marker written (epoch 0 is an epoch)")
                .isTrue();
    }
}
