package io.tally.api.internal.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class UpstreamsTest {

    @Test
    void follows_the_default_topology() {
        Set<String> all = Set.of("producer", "log", "log.committed", "consumer.a");

        assertThat(Upstreams.of("producer", all)).isNull();
        assertThat(Upstreams.of("log", all)).isEqualTo("producer");
        assertThat(Upstreams.of("log.committed", all)).isEqualTo("log");
        assertThat(Upstreams.of("consumer.a", all)).isEqualTo("log");
        assertThat(Upstreams.of("consumer.a", Set.of("producer", "consumer.a"))).isEqualTo("producer");
        assertThat(Upstreams.of("consumer.a", Set.of("consumer.a"))).isNull();
        assertThat(Upstreams.of("log", Set.of("log", "consumer.a"))).isNull();
    }
}
