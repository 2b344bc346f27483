package io.tally.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TiersTest {
    @Test
    void a_group_names_the_tier_and_a_consumer_without_one_is_a_reader_named_by_a_client_id_it_was_given() {
        assertThat(Tiers.ofConsumer("billing", "consumer-billing-1")).isEqualTo("consumer.billing");
        assertThat(Tiers.ofConsumer(null, "app-1-StreamThread-1-restore-consumer"))
                .isEqualTo("reader.app-1-StreamThread-1-restore-consumer");
        assertThat(Tiers.ofConsumer("", "consumer-null-3"))
                .as("Kafka's own, the same in every JVM")
                .isEqualTo("reader");
        assertThat(Tiers.ofConsumer(null, "consumer--1")).isEqualTo("reader");
        assertThat(Tiers.ofConsumer(null, null)).isEqualTo("reader");
        assertThat(Tiers.ofConsumer("g".repeat(300), null)).hasSize(255);
    }

    @Test
    void readers_are_told_apart_from_groups() {
        assertThat(Tiers.isReader("reader")).isTrue();
        assertThat(Tiers.isReader("reader.cache")).isTrue();
        assertThat(Tiers.isReader("readers")).isFalse();
        assertThat(Tiers.isReader("consumer.reader")).isFalse();
    }
}
