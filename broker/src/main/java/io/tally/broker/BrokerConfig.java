package io.tally.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of a {@link BundledBroker}: an immutable value, built with {@link #builder()} or read from
 * {@code tally.broker.*} properties with {@link #fromProperties(Map)}.
 *
 * <p>Every setting has a key, a type, a default, a validator and documentation in one table,
 * {@link #configDef()}. Validation happens when the value is built, without I/O; a bad value fails with an
 * {@link IllegalArgumentException} whose message names the key and the value. Whether the data directory
 * can be written is only known when the broker starts, so that check is made by
 * {@link BundledBroker#start()}.
 *
 * <p>Ports: with a fixed {@code tally.broker.listener.port} P, node {@code i} (0-based) listens on
 * {@code P + i}; with 0 every node gets a free port when the broker first starts, and keeps it for the life
 * of the {@link BundledBroker} object. The same rule applies to {@code tally.broker.controller.port}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BrokerConfig {

    /** Data directory; empty means a throwaway temporary directory, deleted on close. */
    public static final String DATA_DIR = "tally.broker.data.dir";
    /** Client listener port of node 0; 0 picks free ports. */
    public static final String LISTENER_PORT = "tally.broker.listener.port";
    /** Controller (KRaft quorum) listener port of node 0; 0 picks free ports. */
    public static final String CONTROLLER_PORT = "tally.broker.controller.port";
    /** Number of combined broker+controller nodes. */
    public static final String NODES = "tally.broker.nodes";
    /** How long {@link BundledBroker#start()} waits for every node to serve clients, in milliseconds. */
    public static final String START_TIMEOUT_MS = "tally.broker.start.timeout.ms";
    /** How long a node's controlled shutdown may take, in milliseconds. */
    public static final String SHUTDOWN_TIMEOUT_MS = "tally.broker.shutdown.timeout.ms";
    /** SASL mechanism the client listener requires, or {@value BrokerSasl#NONE}; see {@link BrokerSasl}. */
    public static final String SASL_MECHANISM = "tally.broker.sasl.mechanism";
    /** The broker's own SASL user. */
    public static final String SASL_USERNAME = "tally.broker.sasl.username";
    /** Password of {@link #SASL_USERNAME}. */
    public static final String SASL_PASSWORD = "tally.broker.sasl.password";
    /** More SASL users, {@code name=password} comma-separated. */
    public static final String SASL_USERS = "tally.broker.sasl.users";
    /** Prefix of every key of the broker's. */
    public static final String PREFIX = "tally.broker.";
    /** Prefix of raw Kafka broker properties in {@link #fromProperties(Map)}: {@code tally.broker.kafka.<key>}. */
    public static final String KAFKA_PREFIX = "tally.broker.kafka.";

    /** The client port the {@code tally broker} command uses unless told otherwise. */
    public static final int DEFAULT_LISTENER_PORT = 9092;
    /** Largest supported node count; more nodes in one JVM only slow it down. */
    public static final int MAX_NODES = 9;

    /**
     * Kafka properties the bundled broker derives itself (roles, ids, listeners, quorum, directories);
     * passing one of them as an extra broker property is an error.
     */
    public static final Set<String> MANAGED_KAFKA_KEYS = Set.of(
            "process.roles",
            "node.id",
            "broker.id",
            "listeners",
            "advertised.listeners",
            "listener.security.protocol.map",
            "inter.broker.listener.name",
            "controller.listener.names",
            "controller.quorum.voters",
            "controller.quorum.bootstrap.servers",
            "log.dir",
            "log.dirs",
            "metadata.log.dir",
            "sasl.enabled.mechanisms",
            "sasl.mechanism.inter.broker.protocol");

    private static final ConfigDef CONFIG_DEF = BrokerSasl.define(new ConfigDef()
            .define(
                    DATA_DIR,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "Directory holding the broker's logs and metadata (one sub-directory per node). Kept across "
                            + "restarts: a formatted directory is reused with its cluster id. Empty: a temporary "
                            + "directory, deleted when the broker is closed.")
            .define(
                    LISTENER_PORT,
                    Type.INT,
                    DEFAULT_LISTENER_PORT,
                    Range.between(0, 65535),
                    Importance.HIGH,
                    "Client listener port of node 0 on 127.0.0.1 (PLAINTEXT, or SASL_PLAINTEXT with "
                            + "`tally.broker.sasl.mechanism`); node i uses port + i. 0 picks free ports.")
            .define(
                    CONTROLLER_PORT,
                    Type.INT,
                    0,
                    Range.between(0, 65535),
                    Importance.LOW,
                    "KRaft controller listener port of node 0 on 127.0.0.1; node i uses port + i. "
                            + "0 picks free ports.")
            .define(
                    NODES,
                    Type.INT,
                    1,
                    Range.between(1, MAX_NODES),
                    Importance.MEDIUM,
                    "Number of combined broker+controller nodes; every node is a voter of the KRaft quorum.")
            .define(
                    START_TIMEOUT_MS,
                    Type.LONG,
                    60_000L,
                    Range.atLeast(1),
                    Importance.LOW,
                    "Milliseconds start() waits for every node to accept client connections.")
            .define(
                    SHUTDOWN_TIMEOUT_MS,
                    Type.LONG,
                    30_000L,
                    Range.atLeast(1),
                    Importance.LOW,
                    "Milliseconds a node's controlled shutdown may take before it is forced."));

    private final Optional<Path> dataDir;
    private final int listenerPort;
    private final int controllerPort;
    private final int nodes;
    private final Duration startTimeout;
    private final Duration shutdownTimeout;
    private final Map<String, String> kafkaProperties;
    private final BrokerSasl sasl;

    private BrokerConfig(Map<String, ?> values, Map<String, String> kafkaProperties) {
        AbstractConfig parsed;
        try {
            parsed = new AbstractConfig(CONFIG_DEF, values, false);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String dir = parsed.getString(DATA_DIR).trim();
        this.dataDir = dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir));
        this.listenerPort = parsed.getInt(LISTENER_PORT);
        this.controllerPort = parsed.getInt(CONTROLLER_PORT);
        this.nodes = parsed.getInt(NODES);
        this.startTimeout = Duration.ofMillis(parsed.getLong(START_TIMEOUT_MS));
        this.shutdownTimeout = Duration.ofMillis(parsed.getLong(SHUTDOWN_TIMEOUT_MS));
        this.kafkaProperties = Collections.unmodifiableMap(new TreeMap<>(kafkaProperties));
        this.sasl = BrokerSasl.from(parsed);
        checkPortRange(LISTENER_PORT, listenerPort);
        checkPortRange(CONTROLLER_PORT, controllerPort);
        if (listenerPort != 0
                && controllerPort != 0
                && listenerPort < controllerPort + nodes
                && controllerPort < listenerPort + nodes) {
            throw new IllegalArgumentException(String.format(
                    "Invalid value %d for configuration %s: ports %d..%d overlap the %s ports %d..%d",
                    controllerPort,
                    CONTROLLER_PORT,
                    controllerPort,
                    controllerPort + nodes - 1,
                    LISTENER_PORT,
                    listenerPort,
                    listenerPort + nodes - 1));
        }
        this.kafkaProperties.forEach(BrokerConfig::checkKafkaProperty);
    }

    private void checkPortRange(String key, int port) {
        if (port != 0 && port + nodes - 1 > 65535) {
            throw new IllegalArgumentException(String.format(
                    "Invalid value %d for configuration %s: with %s=%d the last node would need port %d > 65535",
                    port, key, NODES, nodes, port + nodes - 1));
        }
    }

    private static void checkKafkaProperty(String key, String value) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("Invalid Kafka broker property: the key is empty");
        }
        if (value == null) {
            throw new IllegalArgumentException("Invalid Kafka broker property " + key + ": the value is null");
        }
        if (MANAGED_KAFKA_KEYS.contains(key)) {
            throw new IllegalArgumentException("Invalid Kafka broker property " + key
                    + ": it is set by the bundled broker itself (see " + LISTENER_PORT + ", " + CONTROLLER_PORT
                    + ", " + NODES + ", " + DATA_DIR + ", " + SASL_MECHANISM + ")");
        }
    }

    /** A builder with every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the {@code tally.broker.*} keys of a property map; other keys are ignored, an unknown
     * {@code tally.broker.*} key is refused. Keys under
     * {@link #KAFKA_PREFIX} become raw Kafka broker properties with the prefix removed. Values may be strings
     * or already typed.
     *
     * @param properties for instance the CLI's merged settings file and flags
     * @return the validated settings; absent keys take their defaults
     * @throws IllegalArgumentException if a value is malformed or out of range; the message names the key
     */
    public static BrokerConfig fromProperties(Map<String, ?> properties) {
        Map<String, Object> own = new HashMap<>();
        Map<String, String> kafka = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                kafka.put(key.substring(KAFKA_PREFIX.length()), value == null ? null : value.toString());
            } else if (CONFIG_DEF.names().contains(key)) {
                own.put(key, value);
            } else if (key.startsWith(PREFIX)) {
                unknown.add(key);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown broker setting(s) " + unknown + "; the broker's settings are "
                    + new TreeSet<>(CONFIG_DEF.names()) + " and " + KAFKA_PREFIX + "*");
        }
        return new BrokerConfig(own, kafka);
    }

    /** The settings table, for generated reference documentation ({@code configDef().toEnrichedRst()}). */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG_DEF);
    }

    /** The data directory; empty for a throwaway temporary directory. */
    public Optional<Path> dataDir() {
        return dataDir;
    }

    /** Client listener port of node 0, or 0 for free ports. */
    public int listenerPort() {
        return listenerPort;
    }

    /** Controller listener port of node 0, or 0 for free ports. */
    public int controllerPort() {
        return controllerPort;
    }

    /** Number of combined broker+controller nodes, at least 1. */
    public int nodes() {
        return nodes;
    }

    /** How long {@link BundledBroker#start()} may take. */
    public Duration startTimeout() {
        return startTimeout;
    }

    /** How long one node's controlled shutdown may take. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Extra Kafka broker properties, applied on top of the bundled defaults; sorted, unmodifiable. */
    public Map<String, String> kafkaProperties() {
        return kafkaProperties;
    }

    /** Whether the client listener requires SASL/SCRAM, and its users. */
    public BrokerSasl sasl() {
        return sasl;
    }

    /** Replication factor the bundle uses for Kafka's internal topics: {@code min(3, nodes)}. */
    public int internalReplicationFactor() {
        return Math.min(3, nodes);
    }

    @Override
    public String toString() {
        return "BrokerConfig{" + DATA_DIR + "=" + dataDir.map(Path::toString).orElse("<temporary>")
                + ", " + LISTENER_PORT + "=" + listenerPort + ", " + CONTROLLER_PORT + "=" + controllerPort
                + ", " + NODES + "=" + nodes + ", " + START_TIMEOUT_MS + "=" + startTimeout.toMillis()
                + ", " + SHUTDOWN_TIMEOUT_MS + "=" + shutdownTimeout.toMillis()
                + ", " + SASL_MECHANISM + "=" + sasl + ", kafka=" + shownKafkaProperties() + "}";
    }

    /** The extra Kafka properties with the values of secrets (passwords, JAAS configurations) hidden. */
    private Map<String, String> shownKafkaProperties() {
        Map<String, String> shown = new TreeMap<>();
        kafkaProperties.forEach((key, value) -> {
            boolean secret = key.contains("password") || key.contains("jaas") || key.endsWith(".key");
            shown.put(key, secret ? "[hidden]" : value);
        });
        return shown;
    }

    /**
     * Collects settings; {@link #build()} validates them all at once. Not thread-safe; a builder can be reused
     * after {@code build()}.
     */
    public static final class Builder {
        private final Map<String, Object> values = new HashMap<>();
        private final Map<String, String> kafka = new LinkedHashMap<>();

        private Builder() {}

        /** Keeps data in {@code dir} across restarts (default: a temporary directory deleted on close). */
        public Builder dataDir(Path dir) {
            values.put(DATA_DIR, Objects.requireNonNull(dir, DATA_DIR).toString());
            return this;
        }

        /** Uses a throwaway temporary directory, deleted on close (the default). */
        public Builder temporaryDataDir() {
            values.remove(DATA_DIR);
            return this;
        }

        /** Client listener port of node 0 (default {@value BrokerConfig#DEFAULT_LISTENER_PORT}); 0 picks free ports. */
        public Builder listenerPort(int port) {
            values.put(LISTENER_PORT, port);
            return this;
        }

        /** Controller listener port of node 0 (default 0: free ports). */
        public Builder controllerPort(int port) {
            values.put(CONTROLLER_PORT, port);
            return this;
        }

        /** Number of combined broker+controller nodes, 1 to {@value BrokerConfig#MAX_NODES} (default 1). */
        public Builder nodes(int count) {
            values.put(NODES, count);
            return this;
        }

        /** How long start() may take (default 60 s). */
        public Builder startTimeout(Duration timeout) {
            values.put(
                    START_TIMEOUT_MS,
                    Objects.requireNonNull(timeout, START_TIMEOUT_MS).toMillis());
            return this;
        }

        /** How long a node's controlled shutdown may take (default 30 s). */
        public Builder shutdownTimeout(Duration timeout) {
            values.put(
                    SHUTDOWN_TIMEOUT_MS,
                    Objects.requireNonNull(timeout, SHUTDOWN_TIMEOUT_MS).toMillis());
            return this;
        }

        /**
         * Requires SASL with {@code mechanism} ({@code SCRAM-SHA-512}) on the client listener, with the broker's own
         * user (default {@code tally}) and its password.
         */
        public Builder sasl(String mechanism, String username, String password) {
            values.put(SASL_MECHANISM, Objects.requireNonNull(mechanism, SASL_MECHANISM));
            values.put(SASL_USERNAME, Objects.requireNonNull(username, SASL_USERNAME));
            values.put(SASL_PASSWORD, Objects.requireNonNull(password, SASL_PASSWORD));
            return this;
        }

        /** Adds a SASL user for applications; see {@link BrokerConfig#SASL_USERS}. */
        public Builder saslUser(String username, String password) {
            Object before = values.get(SASL_USERS);
            String entry = username + "=" + password;
            values.put(SASL_USERS, before == null ? entry : before + "," + entry);
            return this;
        }

        /**
         * Sets one raw Kafka broker property (e.g. {@code log.retention.ms}), overriding the bundled default.
         * Keys in {@link #MANAGED_KAFKA_KEYS} are rejected by {@link #build()}.
         */
        public Builder kafkaProperty(String key, String value) {
            kafka.put(key, value);
            return this;
        }

        /** Sets several raw Kafka broker properties; see {@link #kafkaProperty(String, String)}. */
        public Builder kafkaProperties(Map<String, String> properties) {
            kafka.putAll(properties);
            return this;
        }

        /**
         * Validates and returns the settings.
         *
         * @throws IllegalArgumentException if a value is out of range; the message names the key and value
         */
        public BrokerConfig build() {
            return new BrokerConfig(values, kafka);
        }
    }
}
