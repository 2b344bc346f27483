package io.tally.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class AgentRuntimeTest {
    private static Map<String, Object> client(Object jaas) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "127.0.0.1:1");
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("sasl.jaas.config", jaas);
        settings.put("tally.close.timeout.ms", "100");
        return settings;
    }

    private static Password jaas(String password) {
        return new Password("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"app\" "
                + "password=\"" + password + "\";");
    }

    @Test
    void agents_whose_credentials_differ_only_in_a_password_get_emitters_of_their_own() {
        try (AgentRuntime first = AgentRuntime.start(client(jaas("one")), "producer");
                AgentRuntime second = AgentRuntime.start(client(jaas("two")), "producer");
                AgentRuntime sameAsFirst = AgentRuntime.start(client(jaas("one")), "producer")) {
            assertThat(jaas("one").toString()).isEqualTo(jaas("two").toString()); // both print [hidden]
            assertThat(second.emitter())
                    .as("another password: another producer")
                    .isNotSameAs(first.emitter());
            assertThat(sameAsFirst.emitter()).as("the same settings share one").isSameAs(first.emitter());
        }
    }
}
