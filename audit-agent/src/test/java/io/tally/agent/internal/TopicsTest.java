package io.tally.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void audits_every_topic_but_tallys_own_and_kafkas_internal_ones() {
        assertThat(Topics.audited("orders")).isTrue();
        assertThat(Topics.audited("trades")).isTrue();
        assertThat(Topics.audited("tally")).isTrue();
        assertThat(Topics.audited("tallyho.events")).isTrue();
        assertThat(Topics.audited("_private")).isTrue();
        assertThat(Topics.audited("")).isTrue();

        assertThat(Topics.audited("tally.audit")).isFalse();
        assertThat(Topics.audited("tally.")).isFalse();
        assertThat(Topics.audited("__consumer_offsets")).isFalse();
        assertThat(Topics.audited("__")).isFalse();
        assertThat(Topics.audited(null)).isFalse();
    }
}
