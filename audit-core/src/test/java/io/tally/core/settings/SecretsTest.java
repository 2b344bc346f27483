package io.tally.core.settings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void a_url_is_shown_by_where_it_goes_never_its_path_query_or_user() {
        assertThat(Secrets.url("https://hooks.slack.com/services/T000/B000/XXXXSECRET"))
                .isEqualTo("https://hooks.slack.com/…");
        assertThat(Secrets.url("http://alerts.internal:9093")).isEqualTo("http://alerts.internal:9093");
        assertThat(Secrets.url("https://user:pw@example.com/hook?key=SECRET"))
                .isEqualTo("https://example.com/…")
                .doesNotContain("pw")
                .doesNotContain("SECRET");
        assertThat(Secrets.url("")).isEmpty();
        assertThat(Secrets.url("not a url with SECRET")).isEqualTo("(hidden)");
    }
}
