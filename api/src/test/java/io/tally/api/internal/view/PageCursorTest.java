package io.tally.api.internal.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.storage.DiscrepancyCursor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PageCursorTest {

    @Test
    void round_trips_and_is_url_safe() {
        DiscrepancyCursor c =
                new DiscrepancyCursor(1_800_000_000_123L, UUID.fromString("f3f3f3f3-ffff-3fff-bfff-ffffffffffff"));

        String text = PageCursor.encode(c);

        assertThat(text).matches("[A-Za-z0-9_-]+");
        assertThat(PageCursor.decode(text)).isEqualTo(c);
    }

    @Test
    void refuses_what_it_did_not_make() {
        String otherVersion =
                Base64.getUrlEncoder().encodeToString(("v9:1:" + new UUID(1, 2)).getBytes(StandardCharsets.UTF_8));
        for (String bad : new String[] {
            "",
            "%%%",
            "bm90LWEtY3Vyc29y",
            otherVersion,
            Base64.getUrlEncoder().encodeToString("v1:x:y".getBytes(StandardCharsets.UTF_8))
        }) {
            assertThatThrownBy(() -> PageCursor.decode(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cursor");
        }
    }
}
