package io.tally.api.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenAuthTest {

    @Test
    void lets_everyone_in_without_tokens() {
        TokenAuth auth = new TokenAuth(List.of());

        assertThat(auth.enabled()).isFalse();
        assertThat(auth.allows(null)).isTrue();
    }

    @Test
    void lets_in_exactly_the_configured_bearer_tokens() {
        TokenAuth auth = new TokenAuth(List.of("alpha-token", "beta"));

        assertThat(auth.allows("Bearer alpha-token")).isTrue();
        assertThat(auth.allows("bearer beta"))
                .as("the scheme is case-insensitive")
                .isTrue();
        assertThat(auth.allows("Bearer  beta ")).isTrue();
        assertThat(auth.allows(null)).isFalse();
        assertThat(auth.allows("")).isFalse();
        assertThat(auth.allows("alpha-token")).as("no scheme").isFalse();
        assertThat(auth.allows("Basic YWxwaGE6dG9rZW4=")).isFalse();
        assertThat(auth.allows("Bearer alpha")).as("a prefix").isFalse();
        assertThat(auth.allows("Bearer alpha-token2")).isFalse();
        assertThat(auth.allows("Bearer ")).isFalse();
    }
}
