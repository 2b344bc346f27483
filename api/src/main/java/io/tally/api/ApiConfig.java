package io.tally.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The API server's settings: one typed table ({@link #OPTIONS}) of keys, types, defaults, lower bounds and
 * documentation, from which the README's table is generated ({@link #markdownTable()}). Immutable and thread-safe.
 */
public final class ApiConfig {
    /** Prefix of every key. */
    public static final String PREFIX = "tally.api.";

    public static final String HOST = PREFIX + "host";
    public static final String PORT = PREFIX + "port";
    public static final String TOKENS = PREFIX + "tokens";
    public static final String CASSANDRA_CONTACT_POINTS = PREFIX + "cassandra.contact.points";
    public static final String CASSANDRA_DATACENTER = PREFIX + "cassandra.datacenter";
    public static final String CASSANDRA_KEYSPACE = PREFIX + "cassandra.keyspace";
    public static final String CASSANDRA_REPLICATION = PREFIX + "cassandra.replication";
    public static final String REFRESH_MS = PREFIX + "refresh.ms";
    public static final String LIVENESS_MS = PREFIX + "liveness.ms";
    public static final String WINDOW_MS = PREFIX + "window.ms";
    public static final String LAG_HISTORY = PREFIX + "lag.history";

    /** The value types of the table. */
    public enum Type {
        STRING,
        INT,
        LONG,
        LIST
    }

    /**
     * One key of the table.
     *
     * @param key          the key
     * @param type         its type
     * @param defaultValue its default as text; empty for none
     * @param min          lower bound of a number (inclusive), or null
     * @param max          upper bound of a number (inclusive), or null
     * @param doc          what it does
     */
    public record Option(String key, Type type, String defaultValue, Long min, Long max, String doc) {}

    /** Every key, in the order the README shows them. */
    public static final List<Option> OPTIONS = List.of(
            new Option(HOST, Type.STRING, "0.0.0.0", null, null, "Address the HTTP server binds to."),
            new Option(PORT, Type.INT, "8080", 0L, 65_535L, "HTTP port of the API and dashboard; 0 picks a free one."),
            new Option(
                    TOKENS,
                    Type.LIST,
                    "",
                    null,
                    null,
                    "Bearer tokens, comma-separated; when set, every endpoint "
                            + "but `/health` answers 401 without one of them (the dashboard's own files are public: they hold "
                            + "no data). Empty: no authentication."),
            new Option(
                    CASSANDRA_CONTACT_POINTS,
                    Type.STRING,
                    "localhost:9042",
                    null,
                    null,
                    "Cassandra nodes, " + "`host[:port]` comma-separated."),
            new Option(
                    CASSANDRA_DATACENTER,
                    Type.STRING,
                    "datacenter1",
                    null,
                    null,
                    "Local data center of the " + "Cassandra driver."),
            new Option(CASSANDRA_KEYSPACE, Type.STRING, "tally", null, null, "Keyspace the reconciler writes."),
            new Option(
                    CASSANDRA_REPLICATION,
                    Type.STRING,
                    "1",
                    null,
                    null,
                    "Replication of the keyspace if the API "
                            + "creates it (it does when it starts before any reconciler): give it the reconcilers' "
                            + "`tally.reconciler.cassandra.replication`."),
            new Option(
                    REFRESH_MS,
                    Type.LONG,
                    "5000",
                    100L,
                    null,
                    "How often the overview of topics and tiers (and the "
                            + "metrics drawn from it) is read again from the store."),
            new Option(
                    LIVENESS_MS,
                    Type.LONG,
                    "30000",
                    1_000L,
                    null,
                    "A tier whose last heartbeat on a topic is older " + "than this is shown as silent."),
            new Option(
                    WINDOW_MS,
                    Type.LONG,
                    "3600000",
                    60_000L,
                    604_800_000L,
                    "Default window of `/api/v1/topics` "
                            + "(completeness, verdict counts) and of the metrics drawn from it."),
            new Option(
                    LAG_HISTORY,
                    Type.INT,
                    "720",
                    1L,
                    100_000L,
                    "Samples of each tier's lag kept in memory for " + "the dashboard's lag chart (one per refresh)."));

    private static final Map<String, Option> BY_KEY = new LinkedHashMap<>();

    static {
        OPTIONS.forEach(o -> BY_KEY.put(o.key(), o));
    }

    private final Map<String, Object> values;

    private ApiConfig(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    /** @return every default */
    public static ApiConfig defaults() {
        return fromProperties(Map.of());
    }

    /**
     * @param properties keys of {@link #OPTIONS}; keys not starting with {@value #PREFIX} are ignored
     * @throws IllegalArgumentException naming the key and value for an unknown key or a bad value
     */
    public static ApiConfig fromProperties(Map<String, ?> properties) {
        Map<String, Object> values = new LinkedHashMap<>();
        OPTIONS.forEach(o -> values.put(o.key(), parse(o, o.defaultValue())));
        properties.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                Option o = BY_KEY.get(key);
                if (o == null) {
                    throw new IllegalArgumentException("unknown API setting '" + key + "'");
                }
                values.put(key, parse(o, String.valueOf(value).trim()));
            }
        });
        return new ApiConfig(values);
    }

    /** @return a copy with {@code key} set to {@code value}, parsed and validated like {@link #fromProperties} */
    public ApiConfig with(String key, Object value) {
        Map<String, Object> all = new LinkedHashMap<>();
        values.forEach((k, v) -> all.put(
                k,
                v instanceof List<?> l
                        ? String.join(",", l.stream().map(String::valueOf).toList())
                        : String.valueOf(v)));
        all.put(key, value);
        return fromProperties(all);
    }

    private static Object parse(Option o, String text) {
        try {
            Object v = switch (o.type()) {
                case STRING -> text;
                case INT -> Integer.parseInt(text);
                case LONG -> Long.parseLong(text);
                case LIST ->
                    text.isEmpty()
                            ? List.of()
                            : Arrays.stream(text.split(","))
                                    .map(String::trim)
                                    .filter(s -> !s.isEmpty())
                                    .toList();
            };
            if (v instanceof Number n
                    && ((o.min() != null && n.longValue() < o.min()) || (o.max() != null && n.longValue() > o.max()))) {
                throw new IllegalArgumentException(o.key() + " must be in [" + (o.min() == null ? "" : o.min()) + ", "
                        + (o.max() == null ? "" : o.max()) + "], was " + text);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    o.key() + " must be " + o.type().name().toLowerCase(Locale.ROOT) + ", was '" + text + "'", e);
        }
    }

    /** @return a string setting */
    public String getString(String key) {
        return (String) get(key);
    }

    /** @return an int setting */
    public int getInt(String key) {
        return (Integer) get(key);
    }

    /** @return a long setting */
    public long getLong(String key) {
        return (Long) get(key);
    }

    /** @return a list setting (never null, possibly empty) */
    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        return (List<String>) get(key);
    }

    private Object get(String key) {
        return Objects.requireNonNull(values.get(key), () -> "no API setting " + key);
    }

    /** @return the Markdown table of {@link #OPTIONS} (key, type, default, description) */
    public static String markdownTable() {
        List<String> rows = new ArrayList<>();
        rows.add("| key | type | default | description |");
        rows.add("|---|---|---|---|");
        for (Option o : OPTIONS) {
            rows.add("| `" + o.key() + "` | " + o.type().name().toLowerCase(Locale.ROOT) + " | "
                    + (o.defaultValue().isEmpty() ? "—" : "`" + o.defaultValue() + "`") + " | " + o.doc() + " |");
        }
        return String.join("\n", rows) + "\n";
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<>(values);
        shown.computeIfPresent(TOKENS, (k, v) -> ((List<?>) v).size() + " token(s)");
        return "ApiConfig" + shown;
    }
}
