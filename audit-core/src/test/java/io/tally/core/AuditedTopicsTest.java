package io.tally.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AuditedTopicsTest {
    @Test
    void audits_every_topic_but_tallys_own_and_kafkas_internal_ones() {
        assertThat(AuditedTopics.audited("orders")).isTrue();
        assertThat(AuditedTopics.audited("trades")).isTrue();
        assertThat(AuditedTopics.audited("tally")).isTrue();
        assertThat(AuditedTopics.audited("tallyho.events")).isTrue();
        assertThat(AuditedTopics.audited("_private")).isTrue();
        assertThat(AuditedTopics.audited("")).isTrue();

        assertThat(AuditedTopics.audited("tally.audit")).isFalse();
        assertThat(AuditedTopics.audited("tally.")).isFalse();
        assertThat(AuditedTopics.audited("__consumer_offsets")).isFalse();
        assertThat(AuditedTopics.audited("__")).isFalse();
        assertThat(AuditedTopics.audited(null)).isFalse();
    }

    @Test
    void the_log_tiers_patterns_and_its_default_regex_draw_the_same_line() {
        assertThat(AuditedTopics.ALL).isEqualTo("^(?!tally\\.|__).*");
        Pattern all = Pattern.compile(AuditedTopics.ALL);
        Pattern any = AuditedTopics.pattern(".*");
        Pattern orders = AuditedTopics.pattern("orders|tally\\.audit|__consumer_offsets");
        for (String topic : new String[] {
            "orders", "tally", "tallyho.events", "_private", "", "tally.audit", "tally.", "__consumer_offsets", "__"
        }) {
            boolean audited = AuditedTopics.audited(topic);
            assertThat(all.matcher(topic).matches()).as(topic).isEqualTo(audited);
            assertThat(any.matcher(topic).matches()).as(topic).isEqualTo(audited);
            assertThat(orders.matcher(topic).matches()).as(topic).isEqualTo(audited && topic.equals("orders"));
        }
    }
}
