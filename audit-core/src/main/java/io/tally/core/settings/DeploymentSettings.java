package io.tally.core.settings;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings every agent of a deployment must share with its aggregator — the bucket size, the digest cells and
 * the skew bounds: counts made with others are refused. The aggregator publishes its own under {@link #RECORD_KEY}
 * on the compacted topic {@link SharedSettings#SETTINGS_TOPIC} when it starts; an agent whose client does not set
 * them reads them there, so that a client cannot disagree with Tally by leaving a setting out. The value is one
 * {@code key=value} line per setting, in UTF-8.
 */
public final class DeploymentSettings {
    /** The key of the record that holds the agents' settings. */
    public static final String RECORD_KEY = "agents";
    /** The settings published, in the agents' names. */
    public static final List<String> KEYS = List.of(
            SharedSettings.BUCKET_MS,
            SharedSettings.DIGEST_CELLS,
            SharedSettings.SKEW_FUTURE_MS,
            SharedSettings.SKEW_PAST_MS);

    private DeploymentSettings() {}

    /** @return the record value of {@code values}, which holds {@link #KEYS} (others are left out) */
    public static byte[] encode(Map<String, ?> values) {
        StringBuilder out = new StringBuilder();
        for (String key : KEYS) {
            Object value = values.get(key);
            if (value != null) {
                out.append(key).append('=').append(value).append('\n');
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @return the settings in a record value: those of {@link #KEYS} it holds (a later version may publish more)
     * @throws IllegalArgumentException naming the line, if a line is not {@code key=value}
     */
    public static Map<String, String> decode(byte[] value) {
        Map<String, String> out = new TreeMap<>();
        for (String line : new String(value, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not a key=value line in the deployment's settings: '" + line + "'");
            }
            String key = line.substring(0, eq).trim();
            if (KEYS.contains(key)) {
                out.put(key, line.substring(eq + 1).trim());
            }
        }
        return out;
    }
}
