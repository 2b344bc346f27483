package io.tally.storage;

import java.util.Objects;

/**
 * One documented configuration key of the storage module: its name, type, default and meaning.
 *
 * <p>Each configuration class of this package lists its keys in one table of these (for example
 * {@link LocalCassandraConfig#OPTIONS}); the reference tables of the README are rendered from them.
 *
 * @param key lowercase dotted name, with the unit as its last word where it has one ({@code ...timeout.ms})
 * @param type the value's type as a user writes it ({@code int}, {@code path}, ...)
 * @param defaultValue the default as text, or a phrase saying how it is chosen
 * @param description what the key controls
 */
public record ConfigOption(String key, String type, String defaultValue, String description) {
    /** Validates that every part is present. */
    public ConfigOption {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
    }

    /** A Markdown table of the options (key, type, default, description), as the README shows them. */
    public static String markdownTable(java.util.List<ConfigOption> options) {
        StringBuilder table = new StringBuilder("| key | type | default | description |\n|---|---|---|---|\n");
        options.forEach(o -> table.append(o.toMarkdownRow()).append('\n'));
        return table.toString();
    }

    /** This option as one row of a Markdown table: key, type, default, description. */
    public String toMarkdownRow() {
        return "| `" + key + "` | " + type + " | " + defaultValue + " | " + description + " |";
    }
}
