package io.tally.core.settings;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SharedSettingsTest {
    @Test
    void the_event_time_validator_accepts_what_the_spec_parses_and_names_key_and_value_otherwise() {
        for (String good : new String[] {"record", "header:event-ts", "json:meta.createdAt"}) {
            assertThatCode(() -> SharedSettings.EVENT_TIME.ensureValid("tally.event.time", good))
                    .doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> SharedSettings.EVENT_TIME.ensureValid("tally.event.time", "json:"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value json: for configuration tally.event.time: must be 'record', "
                        + "'header:NAME' or 'json:PATH'");
    }
}
