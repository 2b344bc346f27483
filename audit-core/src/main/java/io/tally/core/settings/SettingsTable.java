package io.tally.core.settings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigException;

/**
 * One role's settings: its keys declared in a Kafka {@link ConfigDef} (type, default, validator, documentation), the
 * namespaces it owns and the prefixes whose keys it passes on to a client. Every role of Tally declares its settings
 * this way and reads them through an {@link org.apache.kafka.common.config.AbstractConfig}; the README's references
 * are all rendered by {@link #markdown()}.
 *
 * <p>Keys are of two kinds. A key under a role's prefix ({@code tally.reconciler.grace.ms}) belongs to that role. A
 * key without one ({@code tally.bucket.ms}, {@code tally.kafka.bootstrap.servers}) is declared once in
 * {@link SharedSettings} and means the same in every role that reads it, so that one file or environment can configure
 * every role of a deployment. A {@code tally.} key that the role does not read is refused as a typo, unless it is
 * shared or lies under another role's prefix ({@link SharedSettings#ROLE_PREFIXES}): then it is that role's.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class SettingsTable {
    private final String role;
    private final ConfigDef definition;
    private final List<String> ownedPrefixes;
    private final Map<String, String> passThrough;

    private SettingsTable(String role, ConfigDef definition, List<String> owned, Map<String, String> passThrough) {
        this.role = role;
        this.definition = definition;
        this.ownedPrefixes = List.copyOf(owned);
        this.passThrough = Collections.unmodifiableMap(new LinkedHashMap<>(passThrough));
    }

    /**
     * @param role     the role's name, as error messages say it ({@code "reconciler"})
     * @param owned    the prefixes of the role's own keys ({@code "tally.reconciler."}); none for a role whose keys
     *                 are all shared
     */
    public static Builder builder(String role, String... owned) {
        return new Builder(role, List.of(owned));
    }

    /** @return the role's name */
    public String role() {
        return role;
    }

    /** @return the key definitions, to build an {@code AbstractConfig} with */
    public ConfigDef definition() {
        return definition;
    }

    /** @return the prefixes whose keys go, without the prefix, to a client of the role; with their documentation */
    public Map<String, String> passThrough() {
        return passThrough;
    }

    /** @return whether {@code key} is declared by this table or lies under one of its pass-through prefixes */
    public boolean knows(String key) {
        return definition.names().contains(key) || passThrough.keySet().stream().anyMatch(key::startsWith);
    }

    /**
     * The declared keys of {@code settings}, checked: every value parses and passes its validator, and no
     * {@code tally.} key is unknown. Keys of other roles and shared keys this role does not read are left out.
     *
     * @throws IllegalArgumentException naming the key and the value that are wrong, or the unknown key
     */
    public Map<String, Object> select(Map<String, ?> settings) {
        Map<String, Object> declared = new LinkedHashMap<>();
        TreeSet<String> unknown = new TreeSet<>();
        settings.forEach((key, value) -> {
            if (definition.names().contains(key)) {
                declared.put(key, value instanceof String s ? s.trim() : value);
            } else if (key.startsWith("tally.") && !knows(key) && !SharedSettings.isShared(key) && !foreign(key)) {
                unknown.add(key);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown " + role + " setting(s) " + unknown + "; the " + role
                    + "'s settings are " + new TreeSet<>(definition.names()));
        }
        try {
            definition.parse(declared);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return declared;
    }

    /** @return whether {@code key} lies under another role's prefix: that role's to read, and to refuse */
    private boolean foreign(String key) {
        return SharedSettings.ROLE_PREFIXES.stream()
                .filter(prefix -> !ownedPrefixes.contains(prefix))
                .anyMatch(key::startsWith);
    }

    /**
     * @return the values of {@code settings} under the pass-through {@code prefix}, without it (for example
     *     {@code tally.kafka.security.protocol} as {@code security.protocol})
     */
    public static Map<String, String> under(String prefix, Map<String, ?> settings) {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(prefix) && value != null) {
                out.put(key.substring(prefix.length()), String.valueOf(value).trim());
            }
        });
        return out;
    }

    /** @return the table as the README shows it: one row per key (type, default, description), then the prefixes */
    public String markdown() {
        List<String> rows = new ArrayList<>();
        rows.add("| key | type | default | description |");
        rows.add("|---|---|---|---|");
        for (ConfigKey key : definition.configKeys().values()) {
            rows.add("| `" + key.name + "` | " + key.type.name().toLowerCase(Locale.ROOT) + " | " + shownDefault(key)
                    + " | " + escape(key.documentation + validRange(key)) + " |");
        }
        passThrough.forEach((prefix, doc) -> rows.add("| `" + prefix + "*` | | | " + escape(doc) + " |"));
        return String.join("\n", rows) + "\n";
    }

    private static String shownDefault(ConfigKey key) {
        Object value = key.defaultValue;
        if (value == null || value == ConfigDef.NO_DEFAULT_VALUE) {
            return "—";
        }
        String text = value instanceof List<?> list
                ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
        return text.isEmpty() ? "—" : "`" + escape(text) + "`";
    }

    private static String validRange(ConfigKey key) {
        if (key.validator instanceof ConfigDef.Range || key.validator instanceof ConfigDef.ValidString) {
            return " Valid: " + key.validator + ".";
        }
        return "";
    }

    private static String escape(String text) {
        return text.replace("|", "\\|");
    }

    /** Builds a {@link SettingsTable}: the role's keys, the shared keys it reads, and its pass-through prefixes. */
    public static final class Builder {
        private final String role;
        private final List<String> owned;
        private final ConfigDef definition = new ConfigDef();
        private final Map<String, String> passThrough = new LinkedHashMap<>();

        private Builder(String role, List<String> owned) {
            this.role = role;
            this.owned = owned;
        }

        /** @return this, with the shared keys {@code keys} of {@link SharedSettings}, declared as it declares them */
        public Builder shared(String... keys) {
            for (String key : keys) {
                definition.define(sharedKey(key));
            }
            return this;
        }

        /**
         * @param defaultValue the role's default, in place of the shared one
         * @param why          what the role's default means, added to the shared documentation
         * @return this, with the shared key {@code key} as {@link SharedSettings} declares it (type, validator,
         *     documentation) but with a default of the role's
         */
        public Builder sharedWithDefault(String key, Object defaultValue, String why) {
            ConfigKey shared = sharedKey(key);
            definition.define(
                    shared.name,
                    shared.type,
                    defaultValue,
                    shared.validator,
                    shared.importance,
                    shared.documentation + " " + why);
            return this;
        }

        private static ConfigKey sharedKey(String key) {
            ConfigKey shared = SharedSettings.TABLE.definition.configKeys().get(key);
            if (shared == null) {
                throw new IllegalArgumentException(key + " is not a shared setting");
            }
            return shared;
        }

        /** @return this, with the role's own keys */
        public Builder define(ConfigDef keys) {
            keys.configKeys().values().forEach(definition::define);
            return this;
        }

        /** @return this, with a prefix whose keys are passed to a client without it */
        public Builder passThrough(String prefix, String doc) {
            passThrough.put(prefix, doc);
            return this;
        }

        /** @return the table */
        public SettingsTable build() {
            return new SettingsTable(role, definition, owned, passThrough);
        }
    }
}
