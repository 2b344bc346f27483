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
