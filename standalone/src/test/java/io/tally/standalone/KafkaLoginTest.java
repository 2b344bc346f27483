package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.broker.BrokerConfig;
import org.junit.jupiter.api.Test;

class KafkaLoginTest {

    @Test
    void a_broker_without_sasl_asks_clients_for_nothing_more() {
        assertThat(KafkaLogin.lines(BrokerConfig.builder().build().sasl(), "  "))
                .isEmpty();
    }

    @Test
    void a_scram_broker_names_the_settings_and_users_a_client_needs_and_never_a_password() {
        String lines = KafkaLogin.lines(
                BrokerConfig.builder()
                        .sasl("SCRAM-SHA-512", "tally", "pw-of-tally")
                        .saslUser("payments", "pw-of-payments")
                        .build()
                        .sasl(),
                "  ");

        assertThat(lines)
                .contains("  security.protocol=SASL_PLAINTEXT")
                .contains("  sasl.mechanism=SCRAM-SHA-512")
                .contains("  sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"USER\" password=\"PASSWORD\";")
                .contains("[tally, payments]")
                .doesNotContain("pw-of");
    }
}
