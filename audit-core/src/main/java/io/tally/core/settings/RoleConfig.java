package io.tally.core.settings;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * A role's settings as read through its {@link SettingsTable}: the typed values of the keys the table declares, and
 * the settings under its pass-through prefixes, kept for the role's clients. Immutable and thread-safe.
 */
public abstract class RoleConfig extends AbstractConfig {
    private final Map<String, Object> passedOn;

    /**
     * @throws IllegalArgumentException naming the key and the value that are wrong, or the unknown key (see
     *     {@link SettingsTable#select})
     */
    protected RoleConfig(SettingsTable table, Map<String, ?> settings) {
        super(table.definition(), table.select(settings), false);
        Map<String, Object> passed = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (value != null && table.passThrough().keySet().stream().anyMatch(key::startsWith)) {
                passed.put(key, value);
            }
        });
        this.passedOn = Collections.unmodifiableMap(passed);
    }

    /** @return the settings under the pass-through {@code prefix}, without it */
    protected Map<String, String> passedOn(String prefix) {
        return SettingsTable.under(prefix, passedOn);
    }

    /** @return the settings this was read from that the role keeps, with {@code key} set to {@code value} */
    protected Map<String, Object> settingsWith(String key, Object value) {
        Map<String, Object> all = new LinkedHashMap<>(passedOn);
        all.putAll(originals());
        all.put(key, value);
        return all;
    }
}
