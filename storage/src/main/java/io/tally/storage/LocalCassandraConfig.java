package io.tally.storage;

import io.tally.core.settings.SettingsTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Immutable settings of a {@link LocalCassandraNode}: where its files live, its ports, its heap and where the
 * server jars are. Build one with {@link #builder()} or read one from {@code tally.cassandra.*} properties with
 * {@link #fromProperties(Map)}; {@link #TABLE} documents every key.
 *
 * <p>Validation happens in {@link Builder#build()} and does no I/O: whether the folders exist, the ports are free
 * and the Java runtime fits is checked when the node starts.
 */
public final class LocalCassandraConfig {
    /** Key of the data folder. */
    public static final String DATA_DIR = "tally.cassandra.data.dir";
    /** Key of the CQL port. */
    public static final String CQL_PORT = "tally.cassandra.cql.port";
    /** Key of the internode (storage) port. */
    public static final String STORAGE_PORT = "tally.cassandra.storage.port";
    /** Key of the heap size in MiB. */
    public static final String HEAP_MB = "tally.cassandra.heap.mb";
    /** Key (and system property) of the folder holding the server jars. */
    public static final String LIB = "tally.cassandra.lib";
    /** Key of the Java home the node runs on. */
    public static final String JAVA_HOME = "tally.cassandra.java.home";
    /** Key of the start timeout. */
    public static final String START_TIMEOUT_MS = "tally.cassandra.start.timeout.ms";
    /** Key of the stop timeout. */
    public static final String STOP_TIMEOUT_MS = "tally.cassandra.stop.timeout.ms";

    /** The CQL port of the documented default deployment ({@code localhost:9042}). */
    public static final int DEFAULT_CQL_PORT = 9042;
    /** Default heap of the node, in MiB. */
    public static final int DEFAULT_HEAP_MB = 512;
    /** Smallest heap Cassandra 5 starts with reliably, in MiB. */
    public static final int MIN_HEAP_MB = 256;
    /** Default time {@link LocalCassandraNode#start()} waits for CQL. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);
    /** Default time a clean stop may take before the process is killed. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Every key this class reads, with its type, default and meaning. */
    public static final SettingsTable TABLE = SettingsTable.builder("local Cassandra node", "tally.cassandra.")
            .define(new ConfigDef()
                    .define(
                            DATA_DIR,
                            Type.STRING,
                            null,
                            Importance.HIGH,
                            "Folder of the node's data, commit log, configuration and logs, kept across restarts. "
                                    + "Unset: a temporary folder, deleted on close.")
                    .define(
                            CQL_PORT,
                            Type.INT,
                            DEFAULT_CQL_PORT,
                            Range.between(0, 65_535),
                            Importance.HIGH,
                            "CQL (native protocol) port on 127.0.0.1; 0 picks a free port.")
                    .define(
                            STORAGE_PORT,
                            Type.INT,
                            0,
                            Range.between(0, 65_535),
                            Importance.LOW,
                            "Internode port on 127.0.0.1; 0 picks a free port.")
                    .define(
                            HEAP_MB,
                            Type.INT,
                            DEFAULT_HEAP_MB,
                            Range.atLeast(MIN_HEAP_MB),
                            Importance.MEDIUM,
                            "Heap of the node's JVM in MiB (-Xms = -Xmx).")
                    .define(
                            LIB,
                            Type.STRING,
                            null,
                            Importance.LOW,
                            "Folder of the Cassandra server jars (`mvn -pl "
                                    + "storage/cassandra-dist package`). Unset: the system property `" + LIB
                                    + "`, else "
                                    + "`storage/cassandra-dist/target/lib` in the working folder or a parent.")
                    .define(
                            JAVA_HOME,
                            Type.STRING,
                            null,
                            Importance.LOW,
                            "Java runtime of the node; must be Java 17 "
                                    + "(Cassandra 5.0). Unset: the running JVM's `java.home`.")
                    .define(
                            START_TIMEOUT_MS,
                            Type.LONG,
                            DEFAULT_START_TIMEOUT.toMillis(),
                            Range.atLeast(1),
                            Importance.LOW,
                            "How long start() waits for the node to answer a CQL query.")
                    .define(
                            STOP_TIMEOUT_MS,
                            Type.LONG,
                            DEFAULT_STOP_TIMEOUT.toMillis(),
                            Range.atLeast(1),
                            Importance.LOW,
                            "How long a clean stop (SIGTERM) may take before the process is killed."))
            .build();

    private final Path dataDir;
    private final int cqlPort;
    private final int storagePort;
    private final int heapMb;
    private final Path libDir;
    private final Path javaHome;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final boolean stopOnJvmExit;
    private final Map<String, String> yaml;
    private final Map<String, String> systemProperties;
    private final String address;

    private LocalCassandraConfig(Builder b) {
        this.dataDir = b.dataDir;
        this.cqlPort = b.cqlPort;
        this.storagePort = b.storagePort;
        this.heapMb = b.heapMb;
        this.libDir = b.libDir;
        this.javaHome = b.javaHome;
        this.startTimeout = b.startTimeout;
        this.stopTimeout = b.stopTimeout;
        this.stopOnJvmExit = b.stopOnJvmExit;
        this.yaml = Map.copyOf(b.yaml);
        this.systemProperties = Map.copyOf(b.systemProperties);
        this.address = b.address;
    }

    /** A builder with every default: temporary data folder, CQL port 9042, 512 MiB heap. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the {@code tally.cassandra.*} keys of {@code properties} (other keys are ignored); missing keys keep
     * their defaults.
     *
     * @throws IllegalArgumentException naming the key and the value, for an unknown {@code tally.cassandra.*} key,
     *     a value that does not parse, or a value out of range
     */
    public static LocalCassandraConfig fromProperties(Map<String, String> properties) {
        AbstractConfig values = new AbstractConfig(TABLE.definition(), TABLE.select(properties), false);
        Builder b = builder()
                .cqlPort(values.getInt(CQL_PORT))
                .storagePort(values.getInt(STORAGE_PORT))
                .heapMb(values.getInt(HEAP_MB))
                .startTimeout(Duration.ofMillis(values.getLong(START_TIMEOUT_MS)))
                .stopTimeout(Duration.ofMillis(values.getLong(STOP_TIMEOUT_MS)));
        Optional.ofNullable(values.getString(DATA_DIR))
                .map(v -> parsePath(DATA_DIR, v))
                .ifPresent(b::dataDir);
        Optional.ofNullable(values.getString(LIB)).map(v -> parsePath(LIB, v)).ifPresent(b::libDir);
        Optional.ofNullable(values.getString(JAVA_HOME))
                .map(v -> parsePath(JAVA_HOME, v))
                .ifPresent(b::javaHome);
        return b.build();
    }

    /** The data folder, or empty for a temporary one that the node creates on start and deletes on close. */
    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }

    /** True when the data folder is temporary (deleted by {@link LocalCassandraNode#close()}). */
    public boolean temporary() {
        return dataDir == null;
    }

    /** The CQL port; 0 means a free port chosen at the first start. */
    public int cqlPort() {
        return cqlPort;
    }

    /** The internode port; 0 means a free port chosen at the first start. */
    public int storagePort() {
        return storagePort;
    }

    /** Heap of the node's JVM, in MiB. */
    public int heapMb() {
        return heapMb;
    }

    /** The folder of server jars, or empty to locate it at start (see {@link #LIB}). */
    public Optional<Path> libDir() {
        return Optional.ofNullable(libDir);
    }

    /** The Java home of the node, or empty for the running JVM's {@code java.home}. */
    public Optional<Path> javaHome() {
        return Optional.ofNullable(javaHome);
    }

    /** How long {@link LocalCassandraNode#start()} waits for CQL. */
    public Duration startTimeout() {
        return startTimeout;
    }

    /** How long a clean stop may take before the process is killed. */
    public Duration stopTimeout() {
        return stopTimeout;
    }

    /** Whether the node registers a JVM shutdown hook that stops it (true unless its owner stops it in order). */
    public boolean stopOnJvmExit() {
        return stopOnJvmExit;
    }

    /** Settings of the node's {@code cassandra.yaml} that replace or add to Tally's own, by top-level key. */
    public Map<String, String> yaml() {
        return yaml;
    }

    /** The loopback address the node listens on, for clients and for other nodes: 127.0.0.1 unless set. */
    public String address() {
        return address;
    }

    /** System properties of the node's JVM, beyond Tally's own. */
    public Map<String, String> systemProperties() {
        return systemProperties;
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dataDir = dataDir;
        b.cqlPort = cqlPort;
        b.storagePort = storagePort;
        b.heapMb = heapMb;
        b.libDir = libDir;
        b.javaHome = javaHome;
        b.startTimeout = startTimeout;
        b.stopTimeout = stopTimeout;
        b.stopOnJvmExit = stopOnJvmExit;
        b.yaml.putAll(yaml);
        b.systemProperties.putAll(systemProperties);
        b.address = address;
        return b;
    }

    @Override
    public String toString() {
        return "LocalCassandraConfig{dataDir=" + (dataDir == null ? "<temporary>" : dataDir)
                + ", address=" + address + ", cqlPort=" + cqlPort + ", storagePort=" + storagePort + ", heapMb="
                + heapMb
                + ", libDir=" + (libDir == null ? "<located at start>" : libDir)
                + ", javaHome=" + (javaHome == null ? "<java.home>" : javaHome)
                + ", startTimeout=" + startTimeout + ", stopTimeout=" + stopTimeout + '}';
    }

    private static Path parsePath(String key, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(key + " must be a path, was empty");
        }
        try {
            return Path.of(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be a path, was '" + value + "'", e);
        }
    }

    /** Collects settings; not thread-safe. Every setter validates its own argument; {@link #build()} the rest. */
    public static final class Builder {
        private Path dataDir;
        private int cqlPort = DEFAULT_CQL_PORT;
        private int storagePort;
        private int heapMb = DEFAULT_HEAP_MB;
        private Path libDir;
        private Path javaHome;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private boolean stopOnJvmExit = true;
        private final Map<String, String> yaml = new java.util.TreeMap<>();
        private final Map<String, String> systemProperties = new java.util.TreeMap<>();
        private String address = "127.0.0.1";

        private Builder() {}

        /** A persistent data folder, created if missing and kept by {@link LocalCassandraNode#close()}. */
        public Builder dataDir(Path dir) {
            this.dataDir =
                    Objects.requireNonNull(dir, DATA_DIR).toAbsolutePath().normalize();
            return this;
        }

        /** A temporary data folder, created at start and deleted by {@link LocalCassandraNode#close()} (default). */
        public Builder temporaryDataDir() {
            this.dataDir = null;
            return this;
        }

        /**
         * @param port CQL port on 127.0.0.1, or 0 for a free one
         * @throws IllegalArgumentException if not in [0, 65535]
         */
        public Builder cqlPort(int port) {
            this.cqlPort = checkPort(CQL_PORT, port);
            return this;
        }

        /**
         * @param port internode port on 127.0.0.1, or 0 for a free one
         * @throws IllegalArgumentException if not in [0, 65535]
         */
        public Builder storagePort(int port) {
            this.storagePort = checkPort(STORAGE_PORT, port);
            return this;
        }

        /**
         * @param mib heap of the node's JVM in MiB
         * @throws IllegalArgumentException if below {@value #MIN_HEAP_MB}
         */
        public Builder heapMb(int mib) {
            if (mib < MIN_HEAP_MB) {
                throw new IllegalArgumentException(HEAP_MB + " must be at least " + MIN_HEAP_MB + " (MiB), was " + mib);
            }
            this.heapMb = mib;
            return this;
        }

        /** The folder of server jars; by default it is located at start (see {@link LocalCassandraConfig#LIB}). */
        public Builder libDir(Path dir) {
            this.libDir = Objects.requireNonNull(dir, LIB).toAbsolutePath().normalize();
            return this;
        }

        /** The Java 17 home the node runs on; by default the running JVM's {@code java.home}. */
        public Builder javaHome(Path home) {
            this.javaHome =
                    Objects.requireNonNull(home, JAVA_HOME).toAbsolutePath().normalize();
            return this;
        }

        /**
         * @param timeout how long start() waits for CQL
         * @throws IllegalArgumentException if not positive
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = checkPositive(START_TIMEOUT_MS, timeout);
            return this;
        }

        /**
         * @param timeout how long a clean stop may take before the process is killed
         * @throws IllegalArgumentException if not positive
         */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = checkPositive(STOP_TIMEOUT_MS, timeout);
            return this;
        }

        /**
         * @param stop false when the owner of the node stops it at JVM exit itself, after what uses it: the node's
         *             own shutdown hook would otherwise stop it at the same time, under its users' feet. The child
         *             exits when this process dies in any case.
         */
        public Builder stopOnJvmExit(boolean stop) {
            this.stopOnJvmExit = stop;
            return this;
        }

        /**
         * Sets a top-level key of the node's {@code cassandra.yaml}, replacing Tally's own value of it: for a node that
         * authenticates ({@code authenticator}) or speaks TLS ({@code client_encryption_options}, a nested map given
         * as the YAML block under the key).
         *
         * @param key   a top-level key, for example {@code authenticator}
         * @param value its YAML value: a scalar, or the indented lines of a block
         * @throws IllegalArgumentException for a key that is not a plain name
         */
        public Builder yaml(String key, String value) {
            if (key == null || !key.matches("[a-z_][a-z0-9_]*")) {
                throw new IllegalArgumentException("not a cassandra.yaml key: '" + key + "'");
            }
            yaml.put(key, Objects.requireNonNull(value, key));
            return this;
        }

        /**
         * @param address the loopback address the node listens on (the whole of 127.0.0.0/8 is this machine's): a
         *                cluster of nodes on one machine gives each its own, all with the same ports, as on hosts of
         *                their own; seeds itself unless {@code seed_provider} is set ({@link #yaml})
         * @throws IllegalArgumentException for an address outside 127.0.0.0/8
         */
        public Builder address(String address) {
            if (address == null || !address.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
                throw new IllegalArgumentException("a local node listens on 127.x.x.x, was '" + address + "'");
            }
            this.address = address;
            return this;
        }

        /**
         * Sets a system property of the node's JVM, for example {@code cassandra.superuser_setup_delay_ms}.
         *
         * @throws IllegalArgumentException for a blank name
         */
        public Builder systemProperty(String name, String value) {
            if (name == null || name.isBlank() || name.contains("=")) {
                throw new IllegalArgumentException("not a system property name: '" + name + "'");
            }
            systemProperties.put(name, Objects.requireNonNull(value, name));
            return this;
        }

        /**
         * @throws IllegalArgumentException if the CQL and storage ports are the same fixed port
         */
        public LocalCassandraConfig build() {
            if (cqlPort != 0 && cqlPort == storagePort) {
                throw new IllegalArgumentException(
                        CQL_PORT + " and " + STORAGE_PORT + " must differ, both were " + cqlPort);
            }
            return new LocalCassandraConfig(this);
        }

        private static int checkPort(String key, int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(key + " must be in [0, 65535] (0 = a free port), was " + port);
            }
            return port;
        }

        private static Duration checkPositive(String key, Duration d) {
            Objects.requireNonNull(d, key);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + " must be positive, was " + d.toMillis());
            }
            return d;
        }
    }
}
