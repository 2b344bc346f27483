package io.tally.api;

import io.tally.core.settings.RoleConfig;
import io.tally.core.settings.SettingsTable;
import io.tally.core.settings.SharedSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The API server's settings: its own {@value #PREFIX}* keys and the shared Cassandra keys it reads, in one
 * {@link SettingsTable} ({@link #TABLE}) from which the README's reference is rendered. Immutable and thread-safe.
 */
public final class ApiConfig extends RoleConfig<ApiConfig> {
    /** Prefix of the API's own keys. */
    public static final String PREFIX = "tally.api.";

    public static final String HOST = PREFIX + "host";
    public static final String PORT = PREFIX + "port";
    public static final String TOKENS = PREFIX + "tokens";
    public static final String OPEN = PREFIX + "open";
    public static final String REFRESH_MS = PREFIX + "refresh.ms";
    public static final String LIVENESS_MS = PREFIX + "liveness.ms";
    public static final String WINDOW_MS = PREFIX + "window.ms";
    public static final String LAG_HISTORY = PREFIX + "lag.history";

    /** Every key the API reads, in the order the README shows them. */
    public static final SettingsTable TABLE = SettingsTable.builder("API", PREFIX)
            .define(new ConfigDef()
                    .define(
                            HOST,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            "Address the HTTP server binds to. Empty: `127.0.0.1` (this host only) while no "
                                    + "token is set, every address (`0.0.0.0`) once one is. An address other hosts "
                                    + "reach needs `tally.api.tokens` or `tally.api.open`.")
                    .define(
                            PORT,
                            Type.INT,
                            8080,
                            Range.between(0, 65_535),
                            Importance.MEDIUM,
                            "HTTP port of the API and dashboard; 0 picks a free one.")
                    .define(
                            TOKENS,
                            Type.LIST,
                            "",
                            Importance.MEDIUM,
                            "Bearer tokens, comma-separated; when set, every endpoint but `/health` answers "
                                    + "401 without one of them (the dashboard's own files are public: they "
                                    + "hold no data). Empty: no authentication.")
                    .define(
                            OPEN,
                            Type.BOOLEAN,
                            false,
                            Importance.MEDIUM,
                            "Serve other hosts without a token: whoever reaches the port reads every topic's "
                                    + "audit, lost ids included. Only where something in front authenticates, or "
                                    + "on a private network; binds every address unless `tally.api.host` says "
                                    + "otherwise.")
                    .define(
                            REFRESH_MS,
                            Type.LONG,
                            5000L,
                            Range.atLeast(100),
                            Importance.MEDIUM,
                            "How often the overview of topics and tiers (and the metrics drawn from it) is "
                                    + "read again from the store; the dashboard asks again as often.")
                    .define(
                            LIVENESS_MS,
                            Type.LONG,
                            30000L,
                            Range.atLeast(1_000),
                            Importance.MEDIUM,
                            "A tier whose last heartbeat on a topic is older than this is shown as silent.")
                    .define(
                            WINDOW_MS,
                            Type.LONG,
                            3600000L,
                            Range.between(60_000, 604_800_000),
                            Importance.MEDIUM,
                            "Default window of `/api/v1/topics` (completeness, verdict counts) and of the "
                                    + "metrics drawn from it.")
                    .define(
                            LAG_HISTORY,
                            Type.INT,
                            720,
                            Range.between(1, 100_000),
                            Importance.MEDIUM,
                            "Samples of each tier's lag kept in memory for the dashboard's lag chart (one per "
                                    + "refresh)."))
            .shared(SharedSettings.CASSANDRA)
            .build();

    private ApiConfig(Map<String, ?> properties) {
        super(TABLE, properties, ApiConfig::fromProperties);
        String host = getString(HOST).trim();
        if (!host.isEmpty() && !isLoopback(host) && tokens().isEmpty() && !getBoolean(OPEN)) {
            throw new IllegalArgumentException(HOST + "=" + host + " lets other hosts read the audit, and no token "
                    + "is set: set " + TOKENS + " (clients then send one as a bearer token), or " + OPEN
                    + "=true to serve them without authentication, or leave " + HOST + " empty to serve this host "
                    + "only");
        }
    }

    /**
     * @param properties keys of {@link #TABLE}; other roles' keys are ignored
     * @throws IllegalArgumentException naming the key and value for an unknown {@value #PREFIX} key or a bad value
     */
    public static ApiConfig fromProperties(Map<String, ?> properties) {
        return new ApiConfig(properties);
    }

    /** @return every default */
    public static ApiConfig defaults() {
        return fromProperties(Map.of());
    }

    /** @return the bearer tokens, blanks left out; empty for no authentication */
    public List<String> tokens() {
        return getList(TOKENS).stream()
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .toList();
    }

    /**
     * @return the address to bind: {@value #HOST} when set, else every address when a token is set or the API is
     *     {@value #OPEN}, else the loopback address
     */
    public String host() {
        String host = getString(HOST).trim();
        if (!host.isEmpty()) {
            return host;
        }
        return tokens().isEmpty() && !getBoolean(OPEN) ? "127.0.0.1" : "0.0.0.0";
    }

    /** @return whether the API serves this host only */
    public boolean localOnly() {
        return isLoopback(host());
    }

    /** A name or literal address of this host's loopback interface; a name is not resolved. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.equals("::1") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** The tokens are secrets: shown by their number. */
    @Override
    protected Map<String, ?> shown() {
        Map<String, Object> shown = new LinkedHashMap<>(values());
        shown.put(TOKENS, tokens().size() + " token(s)");
        return shown;
    }
}
