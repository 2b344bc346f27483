package io.tally.broker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Whether the bundled broker requires SASL/SCRAM from its clients, and the users it knows: part of a
 * {@link BrokerConfig} ({@link BrokerConfig#sasl()}), read from the {@code tally.broker.sasl.*} keys.
 *
 * <p>With a mechanism set, the client listener speaks {@code SASL_PLAINTEXT} and accepts only the configured users.
 * The broker's own user ({@value BrokerConfig#SASL_USERNAME}) is the one its nodes use between themselves and the one
 * {@code tally standalone} gives its roles; {@value BrokerConfig#SASL_USERS} adds users for applications. Their
 * credentials are written into the metadata when the data directory is formatted, and set again at every start, so a
 * changed password takes effect at the next start and the old one stops working. The KRaft controller listener stays
 * unauthenticated on 127.0.0.1, as it is without SASL.
 *
 * <p>Immutable and thread-safe. Passwords are held as Kafka {@link Password}s: {@link #toString()} and every error
 * name users, never a password.
 */
public final class BrokerSasl {
    /** The mechanism value that leaves the client listener {@code PLAINTEXT}. */
    public static final String NONE = "none";
    /** The mechanisms the bundled broker can require. */
    public static final List<String> MECHANISMS = List.of("SCRAM-SHA-256", "SCRAM-SHA-512");

    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private final String mechanism;
    private final String username;
    private final Map<String, Password> users;

    private BrokerSasl(String mechanism, String username, Map<String, Password> users) {
        this.mechanism = mechanism;
        this.username = username;
        this.users = Collections.unmodifiableMap(users);
    }

    /** Adds the {@code tally.broker.sasl.*} keys to the broker's settings table. */
    static ConfigDef define(ConfigDef def) {
        return def.define(
                        BrokerConfig.SASL_MECHANISM,
                        Type.STRING,
                        NONE,
                        ConfigDef.ValidString.in(NONE, MECHANISMS.get(0), MECHANISMS.get(1)),
                        Importance.MEDIUM,
                        "SASL mechanism the client listener requires: `none` leaves it PLAINTEXT; `SCRAM-SHA-512` "
                                + "(or `SCRAM-SHA-256`) makes it SASL_PLAINTEXT, open only to the users below. The "
                                + "controller listener stays unauthenticated on 127.0.0.1.")
                .define(
                        BrokerConfig.SASL_USERNAME,
                        Type.STRING,
                        "tally",
                        Importance.MEDIUM,
                        "The broker's own SASL user: its nodes speak to each other as it, and `tally standalone` "
                                + "gives it to its roles. Letters, digits, `.`, `_` and `-`.")
                .define(
                        BrokerConfig.SASL_PASSWORD,
                        Type.PASSWORD,
                        null,
                        Importance.MEDIUM,
                        "Password of `tally.broker.sasl.username`; required with a mechanism. Set again at every "
                                + "start. Never logged or shown; it may not contain `,`, `\"` or `\\`.")
                .define(
                        BrokerConfig.SASL_USERS,
                        Type.PASSWORD,
                        null,
                        Importance.LOW,
                        "More users, for applications: `name=password` pairs, comma-separated (names and "
                                + "passwords as above). Created or given their password again at every start; a user "
                                + "left out later keeps its credentials until deleted with Kafka's admin tools.");
    }

    /**
     * @param parsed the broker's settings, parsed by its table
     * @throws IllegalArgumentException naming the key (and a user name, never a password) that is wrong
     */
    static BrokerSasl from(AbstractConfig parsed) {
        String mechanism = parsed.getString(BrokerConfig.SASL_MECHANISM);
        String username = parsed.getString(BrokerConfig.SASL_USERNAME).trim();
        Password password = parsed.getPassword(BrokerConfig.SASL_PASSWORD);
        Password more = parsed.getPassword(BrokerConfig.SASL_USERS);
        if (mechanism.equals(NONE)) {
            if (password != null || more != null) {
                throw new IllegalArgumentException("SASL users are configured (" + BrokerConfig.SASL_PASSWORD + " or "
                        + BrokerConfig.SASL_USERS + ") but " + BrokerConfig.SASL_MECHANISM + "=" + NONE
                        + ": set it to SCRAM-SHA-512 to require them, or leave the users out");
            }
            return new BrokerSasl(NONE, username, new LinkedHashMap<>());
        }
        Map<String, Password> users = new LinkedHashMap<>();
        checkName(BrokerConfig.SASL_USERNAME, username);
        if (password == null || password.value().isEmpty()) {
            throw new IllegalArgumentException("Missing value for configuration " + BrokerConfig.SASL_PASSWORD
                    + ": required with " + BrokerConfig.SASL_MECHANISM + "=" + mechanism);
        }
        checkPassword(BrokerConfig.SASL_PASSWORD, username, password.value());
        users.put(username, password);
        if (more != null && !more.value().isBlank()) {
            String[] entries = more.value().split(",");
            for (int i = 0; i < entries.length; i++) {
                String entry = entries[i].trim();
                int eq = entry.indexOf('=');
                if (eq <= 0 || eq == entry.length() - 1) {
                    throw new IllegalArgumentException("Invalid value [hidden] for configuration "
                            + BrokerConfig.SASL_USERS + ": entry " + (i + 1) + " is not name=password");
                }
                String name = entry.substring(0, eq).trim();
                checkName(BrokerConfig.SASL_USERS, name);
                checkPassword(BrokerConfig.SASL_USERS, name, entry.substring(eq + 1));
                if (users.put(name, new Password(entry.substring(eq + 1))) != null) {
                    throw new IllegalArgumentException("Invalid value [hidden] for configuration "
                            + BrokerConfig.SASL_USERS + ": user " + name + " is given twice");
                }
            }
        }
        return new BrokerSasl(mechanism, username, users);
    }

    private static void checkName(String key, String name) {
        if (!USER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid value for configuration " + key + ": user name '" + name
                    + "' may hold letters, digits, '.', '_' and '-' only");
        }
    }

    private static void checkPassword(String key, String user, String password) {
        boolean bad = password.isEmpty()
                || password.chars().anyMatch(c -> c == ',' || c == '"' || c == '\\' || Character.isISOControl(c));
        if (bad) {
            throw new IllegalArgumentException("Invalid value [hidden] for configuration " + key + ": the password of "
                    + user + " is empty or holds ',', '\"', '\\' or a control character");
        }
    }

    /** @return whether the client listener requires SASL */
    public boolean enabled() {
        return !mechanism.equals(NONE);
    }

    /** @return the mechanism ({@code SCRAM-SHA-512}, {@code SCRAM-SHA-256}), or {@value #NONE} */
    public String mechanism() {
        return mechanism;
    }

    /** @return the client listener's security protocol: {@code SASL_PLAINTEXT} with a mechanism, else {@code PLAINTEXT} */
    public String securityProtocol() {
        return enabled() ? "SASL_PLAINTEXT" : "PLAINTEXT";
    }

    /** @return the broker's own user name */
    public String username() {
        return username;
    }

    /** @return every user with its password, the broker's own first; empty without a mechanism */
    public Map<String, Password> users() {
        return users;
    }

    /**
     * @return the Kafka client settings that reach the broker as its own user: {@code security.protocol},
     *     {@code sasl.mechanism} and {@code sasl.jaas.config} (a {@link Password}: its text is {@code [hidden]}, its
     *     {@link Password#value()} the setting); empty without a mechanism
     */
    public Map<String, Object> clientProperties() {
        if (!enabled()) {
            return Map.of();
        }
        return Map.of(
                "security.protocol",
                securityProtocol(),
                "sasl.mechanism",
                mechanism,
                "sasl.jaas.config",
                jaasConfig(username, users.get(username)));
    }

    /** @return the {@code sasl.jaas.config} of a SCRAM client logging in as {@code user} with {@code password} */
    public static Password jaasConfig(String user, Password password) {
        return new Password(
                SCRAM_LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + password.value() + "\";");
    }

    /** Names the mechanism and the users, never a password. */
    @Override
    public String toString() {
        return enabled() ? mechanism + " users " + users.keySet() : NONE;
    }
}
