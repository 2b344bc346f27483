package io.tally.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class BrokerSaslTest {
    private static final String SECRET = "s3cret-Pa55";

    @Test
    void is_off_by_default_and_gives_clients_nothing_to_add() {
        BrokerSasl sasl = BrokerConfig.builder().build().sasl();

        assertThat(sasl.enabled()).isFalse();
        assertThat(sasl.mechanism()).isEqualTo("none");
        assertThat(sasl.securityProtocol()).isEqualTo("PLAINTEXT");
        assertThat(sasl.users()).isEmpty();
        assertThat(sasl.clientProperties()).isEmpty();
    }

    @Test
    void scram_users_are_the_brokers_own_first_then_the_applications() {
        BrokerSasl sasl = BrokerConfig.fromProperties(Map.of(
                        BrokerConfig.SASL_MECHANISM, "SCRAM-SHA-512",
                        BrokerConfig.SASL_PASSWORD, SECRET,
                        BrokerConfig.SASL_USERS, "billing=pw-1, orders=pw=2"))
                .sasl();

        assertThat(sasl.enabled()).isTrue();
        assertThat(sasl.securityProtocol()).isEqualTo("SASL_PLAINTEXT");
        assertThat(sasl.username()).isEqualTo("tally");
        assertThat(sasl.users()).containsOnlyKeys("tally", "billing", "orders");
        assertThat(sasl.users().keySet()).first().isEqualTo("tally");
        assertThat(sasl.users().get("orders").value()).isEqualTo("pw=2");
    }

    @Test
    void clients_log_in_as_the_brokers_own_user_with_a_hidden_jaas_config() {
        BrokerSasl sasl = BrokerConfig.builder()
                .sasl("SCRAM-SHA-512", "admin", SECRET)
                .build()
                .sasl();

        Map<String, Object> client = sasl.clientProperties();

        assertThat(client)
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        Password jaas = (Password) client.get("sasl.jaas.config");
        assertThat(jaas.value())
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" "
                        + "password=\"" + SECRET + "\";");
        assertThat(client.toString()).doesNotContain(SECRET);
    }

    @Test
    void passwords_appear_in_no_text_of_the_settings() {
        BrokerConfig config = BrokerConfig.builder()
                .sasl("SCRAM-SHA-512", "tally", SECRET)
                .saslUser("app", SECRET + "-app")
                .kafkaProperty("ssl.keystore.password", SECRET + "-ks")
                .build();

        assertThat(config.toString())
                .contains("tally.broker.sasl.mechanism=SCRAM-SHA-512 users [tally, app]")
                .contains("ssl.keystore.password=[hidden]")
                .doesNotContain(SECRET);
        assertThat(config.sasl().toString()).doesNotContain(SECRET);
    }

    @Test
    void a_mechanism_without_a_password_is_refused_naming_the_key() {
        assertThatThrownBy(() -> BrokerConfig.fromProperties(Map.of(BrokerConfig.SASL_MECHANISM, "SCRAM-SHA-512")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BrokerConfig.SASL_PASSWORD);
    }

    @Test
    void users_without_a_mechanism_are_refused_rather_than_left_unchecked() {
        assertThatThrownBy(() -> BrokerConfig.fromProperties(Map.of(BrokerConfig.SASL_PASSWORD, SECRET)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BrokerConfig.SASL_MECHANISM)
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void an_unknown_mechanism_is_refused_naming_the_key() {
        assertThatThrownBy(() -> BrokerConfig.fromProperties(
                        Map.of(BrokerConfig.SASL_MECHANISM, "PLAIN", BrokerConfig.SASL_PASSWORD, SECRET)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BrokerConfig.SASL_MECHANISM)
                .hasMessageContaining("PLAIN");
    }

    @Test
    void bad_users_are_refused_naming_the_key_and_user_never_the_password() {
        Map<String, String> base = Map.of(BrokerConfig.SASL_MECHANISM, "SCRAM-SHA-512");
        assertThatThrownBy(() -> BrokerConfig.fromProperties(with(base, BrokerConfig.SASL_PASSWORD, "a,b-" + SECRET)))
                .hasMessageContaining(BrokerConfig.SASL_PASSWORD)
                .hasMessageContaining("tally")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> BrokerConfig.fromProperties(
                        with(with(base, BrokerConfig.SASL_PASSWORD, SECRET), BrokerConfig.SASL_USERS, "app:" + SECRET)))
                .hasMessageContaining(BrokerConfig.SASL_USERS)
                .hasMessageContaining("entry 1")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> BrokerConfig.fromProperties(with(
                        with(base, BrokerConfig.SASL_PASSWORD, SECRET), BrokerConfig.SASL_USERS, "tally=" + SECRET)))
                .hasMessageContaining("user tally is given twice")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> BrokerConfig.fromProperties(
                        with(with(base, BrokerConfig.SASL_PASSWORD, SECRET), BrokerConfig.SASL_USERNAME, "my user")))
                .hasMessageContaining(BrokerConfig.SASL_USERNAME)
                .hasMessageContaining("'my user'");
    }

    @Test
    void the_bundle_keeps_the_sasl_listener_settings_its_own() {
        assertThatThrownBy(() -> BrokerConfig.builder()
                        .kafkaProperty("sasl.enabled.mechanisms", "PLAIN")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sasl.enabled.mechanisms")
                .hasMessageContaining(BrokerConfig.SASL_MECHANISM);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> out = new java.util.HashMap<>(base);
        out.put(key, value);
        return out;
    }
}
