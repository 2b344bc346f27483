package io.tally.core.settings;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * A role's settings as read through its {@link SettingsTable}: the typed values of the keys the table declares, and
 * the settings under its pass-through prefixes, kept for the role's clients. What every role's settings offer lives
 * here: {@link #with}, {@link #kafkaProperties}, equality by value and {@link #toString}. A role adds its table, a
 * private constructor and two static factories, {@code fromProperties(Map)} and {@code defaults()} (Java does not
 * inherit a static method with the subclass's type). Immutable and thread-safe.
 *
 * @param <C> the role's settings type, which {@link #with} returns
 */
public abstract class RoleConfig<C extends RoleConfig<C>> extends AbstractConfig {
    private final Function<Map<String, ?>, C> read;
    private final Map<String, Object> passedOn;
    private final Map<String, String> kafka;

    /**
     * @param read the role's {@code fromProperties}, for {@link #with}
     * @throws IllegalArgumentException naming the key and the value that are wrong, or the unknown key (see
     *     {@link SettingsTable#select})
     */
    protected RoleConfig(SettingsTable table, Map<String, ?> settings, Function<Map<String, ?>, C> read) {
        super(table.definition(), table.select(settings), false);
        this.read = read;
        Map<String, Object> passed = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (value != null && table.passThrough().keySet().stream().anyMatch(key::startsWith)) {
                passed.put(key, value);
            }
        });
        this.passedOn = Collections.unmodifiableMap(passed);
        this.kafka = SettingsTable.under(SharedSettings.KAFKA_PREFIX, passedOn);
    }

    /**
     * @return a copy with {@code key} set to {@code value} (a {@link Duration} for a key in ms), parsed and validated
     *     like the role's {@code fromProperties}
     */
    public C with(String key, Object value) {
        Map<String, Object> all = new LinkedHashMap<>(passedOn);
        all.putAll(originals());
        all.put(key, value instanceof Duration d ? d.toMillis() : value);
        return read.apply(all);
    }

    /**
     * @return the {@value SharedSettings#KAFKA_PREFIX}* settings without the prefix, for the role's Kafka clients
     *     (security, timeouts); empty for a role that passes none on
     */
    public Map<String, String> kafkaProperties() {
        return kafka;
    }

    /** @return the values as {@link #toString} shows them; a role hides a secret here */
    protected Map<String, ?> shown() {
        return values();
    }

    /** Equal when of the same role with the same values and the same Kafka client settings. */
    @Override
    public boolean equals(Object o) {
        return o != null
                && o.getClass() == getClass()
                && values().equals(((RoleConfig<?>) o).values())
                && kafka.equals(((RoleConfig<?>) o).kafka);
    }

    @Override
    public int hashCode() {
        return values().hashCode();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + shown();
    }
}
