package io.tally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiConfigTest {

    @Test
    void defaults_serve_port_8080_without_tokens() {
        ApiConfig c = ApiConfig.defaults();

        assertThat(c.getInt(ApiConfig.PORT)).isEqualTo(8080);
        assertThat(c.tokens()).isEmpty();
        assertThat(c.getLong(ApiConfig.WINDOW_MS)).isEqualTo(3_600_000);
    }

    @Test
    void tokens_are_a_comma_separated_list_and_never_printed() {
        ApiConfig c = ApiConfig.fromProperties(Map.of(ApiConfig.TOKENS, " a1 , b2,, "));

        assertThat(c.tokens()).containsExactly("a1", "b2");
        assertThat(c.toString()).contains("2 token(s)").doesNotContain("a1");
        assertThat(c.with(ApiConfig.PORT, 0).tokens()).isEqualTo(List.of("a1", "b2"));
    }

    @Test
    void without_a_token_the_api_serves_this_host_only() {
        assertThat(ApiConfig.defaults().host()).isEqualTo("127.0.0.1");
        assertThat(ApiConfig.defaults().localOnly()).isTrue();
        assertThat(ApiConfig.fromProperties(Map.of(ApiConfig.HOST, "::1")).localOnly())
                .isTrue();
        assertThat(ApiConfig.fromProperties(Map.of(ApiConfig.HOST, "localhost")).host())
                .isEqualTo("localhost");
    }

    @Test
    void other_hosts_are_served_with_a_token_or_when_said_open() {
        ApiConfig withToken = ApiConfig.fromProperties(Map.of(ApiConfig.TOKENS, "s3cret"));
        assertThat(withToken.host()).isEqualTo("0.0.0.0");
        assertThat(withToken.localOnly()).isFalse();
        assertThat(ApiConfig.fromProperties(Map.of(ApiConfig.OPEN, "true")).host())
                .isEqualTo("0.0.0.0");
        assertThat(ApiConfig.fromProperties(Map.of(ApiConfig.HOST, "10.0.0.5", ApiConfig.TOKENS, "s3cret"))
                        .host())
                .isEqualTo("10.0.0.5");
        // a token set and the API kept local by its host: the host is what the user said
        assertThat(ApiConfig.fromProperties(Map.of(ApiConfig.HOST, "127.0.0.1", ApiConfig.TOKENS, "s3cret"))
                        .localOnly())
                .isTrue();
    }

    @Test
    void an_address_other_hosts_reach_without_a_token_is_refused_naming_the_ways_out() {
        for (String host : List.of("0.0.0.0", "10.0.0.5", "tally.example.com", "::")) {
            assertThatThrownBy(() -> ApiConfig.fromProperties(Map.of(ApiConfig.HOST, host)))
                    .as(host)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(ApiConfig.HOST + "=" + host)
                    .hasMessageContaining(ApiConfig.TOKENS)
                    .hasMessageContaining(ApiConfig.OPEN + "=true");
        }
        assertThat(ApiConfig.fromProperties(Map.of(ApiConfig.HOST, "0.0.0.0", ApiConfig.OPEN, "true"))
                        .localOnly())
                .isFalse();
    }

    @Test
    void bad_settings_name_the_key_and_the_value() {
        assertThatThrownBy(() -> ApiConfig.fromProperties(Map.of("tally.api.prot", "1")))
                .hasMessageContaining("tally.api.prot");
        assertThatThrownBy(() -> ApiConfig.fromProperties(Map.of(ApiConfig.PORT, "http")))
                .hasMessageContaining(ApiConfig.PORT)
                .hasMessageContaining("Invalid value http");
        assertThatThrownBy(() -> ApiConfig.fromProperties(Map.of(ApiConfig.PORT, "70000")))
                .hasMessageContaining(ApiConfig.PORT)
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> ApiConfig.fromProperties(Map.of(ApiConfig.REFRESH_MS, "10")))
                .hasMessageContaining(ApiConfig.REFRESH_MS);
    }

    @Test
    void other_components_keys_are_ignored() {
        assertThat(ApiConfig.fromProperties(Map.of("tally.reconciler.grace.ms", "5", "tally.bucket.ms", "1000"))
                        .getInt(ApiConfig.PORT))
                .isEqualTo(8080);
    }
}
