package io.tally.storage;

import io.tally.core.local.FolderLock;
import io.tally.storage.internal.CassandraLibLocator;
import io.tally.storage.internal.ChildJvmCommand;
import io.tally.storage.internal.FreePorts;
import io.tally.storage.internal.JavaRuntimes;
import io.tally.storage.internal.NodeLayout;
import io.tally.storage.internal.NodeProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single Cassandra 5.0 node on 127.0.0.1, run as a child JVM of this process: the storage of
 * {@code ./tally cassandra}, {@code ./tally standalone} and the integration tests.
 *
 * <p>{@link #start()} writes a generated configuration into the data folder, starts the JVM (Java 17, the server
 * jars of {@code storage/cassandra-dist}) and blocks until the node answers a CQL query. The node never outlives
 * this process: {@link #stop()}/{@link #close()} stop it cleanly, a JVM shutdown hook does the same on a normal exit
 * (unless {@link LocalCassandraConfig#stopOnJvmExit()} is false),
 * and the child itself exits when this process dies, even by {@code kill -9}.
 *
 * <p>Ports set to 0 are chosen at the first start and kept by later starts of the same object, so
 * {@link #contactPoint()} does not change across {@link #stop()}/{@link #start()}. A persistent data folder keeps
 * its data across starts, also by a new object in a new process; a temporary one is deleted by {@link #close()}.
 * Only one node may run on a data folder at a time.
 *
 * <p>Thread-safe: the methods are synchronized. Starting takes from about 10 s to 25 s on two cores, depending on
 * their load; the node needs about 1 GB of memory at the default 512 MiB heap.
 */
public final class LocalCassandraNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCassandraNode.class);
    /** Starts tried on freshly picked ports before giving up, when ports are picked (0) rather than fixed. */
    static final int PORT_ATTEMPTS = 3;

    private final LocalCassandraConfig config;
    private NodeLayout layout;
    private int cqlPort;
    private int storagePort;
    private NodeProcess process;
    private FolderLock lock;
    private Thread shutdownHook;
    private String releaseVersion;
    private boolean closed;
    /** Picks a free loopback port; replaced in tests to stage another process taking it first. */
    IntSupplier portPicker = FreePorts::pick;

    /**
     * A node that is not started yet. No I/O happens until {@link #start()}.
     */
    public LocalCassandraNode(LocalCassandraConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.cqlPort = config.cqlPort();
        this.storagePort = config.storagePort();
    }

    /** The node's command line, with the system properties the configuration adds (after the JVM's path). */
    private java.util.List<String> command(Path javaHome, Path libDir) {
        java.util.List<String> command = new java.util.ArrayList<>(ChildJvmCommand.build(
                javaHome,
                config.heapMb(),
                layout,
                libDir,
                ProcessHandle.current().pid()));
        java.util.List<String> properties = new java.util.ArrayList<>();
        config.systemProperties().forEach((key, value) -> properties.add("-D" + key + "=" + value));
        command.addAll(1, properties);
        return command;
    }

    /**
     * Starts the node and blocks until it answers CQL, or the configured start timeout passes.
     *
     * @return this node
     * @throws IllegalStateException if it is running or closed
     * @throws StorageException if the Java runtime is not 17, the server jars are missing, a fixed port is taken, the
     *     data folder is in use by another node, or the node exits or times out before accepting CQL (the message
     *     then holds the tail of its log)
     */
    public synchronized LocalCassandraNode start() {
        if (closed) {
            throw new IllegalStateException("node is closed");
        }
        if (process != null) {
            throw new IllegalStateException("node is already running (pid " + process.pid() + ")");
        }
        long begin = System.nanoTime();
        Path javaHome =
                JavaRuntimes.requireJava17(config.javaHome().orElseGet(() -> Path.of(System.getProperty("java.home"))));
        Path libDir = config.libDir()
                .map(dir -> CassandraLibLocator.check(dir, LocalCassandraConfig.LIB))
                .orElseGet(CassandraLibLocator::locate);
        if (layout == null) {
            layout = new NodeLayout(config.dataDir().orElseGet(LocalCassandraNode::createTemporaryDir));
        }
        // a port picked free is released before the child binds it (a socket cannot be handed to another process),
        // so another process can take it in between: the child then fails to bind, and other ports are tried
        int attempts = cqlPort == 0 || storagePort == 0 ? PORT_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            lock = lock(layout);
            int cql = cqlPort;
            int storage = storagePort;
            try {
                cql = cqlPort == 0
                        ? portPicker.getAsInt()
                        : FreePorts.resolve(cqlPort, LocalCassandraConfig.CQL_PORT, config.address());
                storage = storagePort == 0
                        ? portPicker.getAsInt()
                        : FreePorts.resolve(storagePort, LocalCassandraConfig.STORAGE_PORT, config.address());
                while (storage == cql) {
                    storage = portPicker.getAsInt();
                }
                process = NodeProcess.launch(
                        layout, command(javaHome, libDir), config.address(), cql, storage, config.yaml());
                if (config.stopOnJvmExit()) {
                    shutdownHook = new Thread(this::stopOnExit, "tally-cassandra-stop");
                    Runtime.getRuntime().addShutdownHook(shutdownHook);
                }
                releaseVersion = process.awaitCql(config.startTimeout());
                cqlPort = cql; // kept for every later start: the contact point does not move
                storagePort = storage;
                break;
            } catch (RuntimeException e) {
                stopProcess();
                if (attempt >= attempts || !portTaken(e)) {
                    throw e;
                }
                LOG.warn(
                        "Cassandra could not bind port {} or {}, free a moment before (another process took it): "
                                + "starting it on other ports",
                        cql,
                        storage,
                        config.yaml());
            }
        }
        LOG.info(
                "Cassandra {} accepts CQL on {} (pid {}, data {}) after {} ms",
                releaseVersion,
                contactPoint(),
                process.pid(),
                layout.root(),
                (System.nanoTime() - begin) / 1_000_000);
        return this;
    }

    /** True between a successful {@link #start()} and the next stop, while the process lives. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Where clients connect: the node's address (127.0.0.1 unless configured) and the CQL port.
     *
     * @throws IllegalStateException if the node was never started
     */
    public synchronized InetSocketAddress contactPoint() {
        return new InetSocketAddress(config.address(), cqlPort());
    }

    /**
     * The CQL port, chosen at the first start when configured as 0.
     *
     * @throws IllegalStateException if the node was never started and the port is not fixed
     */
    public synchronized int cqlPort() {
        if (cqlPort == 0) {
            throw new IllegalStateException("the CQL port is chosen at start; the node was never started");
        }
        return cqlPort;
    }

    /**
     * The data folder.
     *
     * @throws IllegalStateException if the folder is temporary and the node was never started
     */
    public synchronized Path dataDir() {
        if (layout == null) {
            return config.dataDir().orElseThrow(() -> new IllegalStateException("temporary data dir is made at start"));
        }
        return layout.root();
    }

    /** The node's main log file ({@code logs/system.log} in the data folder). */
    public synchronized Path logFile() {
        return new NodeLayout(dataDir()).systemLog();
    }

    /** The process id of the running node, or empty when it is not running. */
    public synchronized OptionalLong pid() {
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    /**
     * The server's {@code release_version}, as answered at the last start.
     *
     * @throws IllegalStateException if the node was never started
     */
    public synchronized String releaseVersion() {
        if (releaseVersion == null) {
            throw new IllegalStateException("node was never started");
        }
        return releaseVersion;
    }

    /** The configuration this node was made with. */
    public LocalCassandraConfig config() {
        return config;
    }

    /**
     * Stops the node cleanly and waits for it (Cassandra drains on SIGTERM); kills it after the stop timeout. Keeps
     * the data folder, so {@link #start()} may follow. Does nothing if it is not running.
     */
    public synchronized void stop() {
        stopProcess();
    }

    /**
     * SIGKILLs the node, as a host that dies: no drain, and what its commit log had not synced is gone. Keeps the data
     * folder, so {@link #start()} may bring it back (a node of a cluster then catches up from the others). Does
     * nothing if it is not running.
     */
    public synchronized void kill() {
        killProcess();
        LOG.info("Cassandra on {} killed", layout == null ? "(never started)" : layout.root());
    }

    /**
     * Stops the node as {@link #stop()} does and keeps a persistent data folder; a node on a temporary folder is
     * killed instead (its data is not kept) and the folder deleted. Idempotent; a closed node cannot start again.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (config.temporary()) {
            // the data is deleted next: a clean stop (drain) would only cost time
            killProcess();
            if (layout != null) {
                deleteTree(layout.root());
            }
        } else {
            stopProcess();
        }
    }

    /** @return whether {@code e} says the child could not bind a port (its log tail is in the message) */
    static boolean portTaken(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("Address already in use") || message.contains("BindException");
    }

    private void stopProcess() {
        try {
            if (process != null && process.isAlive()) {
                long begin = System.nanoTime();
                boolean clean = process.stop(config.stopTimeout());
                LOG.info(
                        "Cassandra on {} stopped{} in {} ms",
                        layout.root(),
                        clean ? "" : " (killed)",
                        (System.nanoTime() - begin) / 1_000_000);
            }
        } finally {
            process = null;
            releaseLockAndHook();
        }
    }

    private void killProcess() {
        try {
            if (process != null) {
                process.kill();
            }
        } finally {
            process = null;
            releaseLockAndHook();
        }
    }

    /**
     * Takes the data folder's {@code node.lock}, held while the node runs: two nodes on one folder would corrupt it.
     *
     * @throws StorageException if another node holds the folder or the lock file cannot be made
     */
    private static FolderLock lock(NodeLayout layout) {
        try {
            return FolderLock.acquire(
                    layout.lockFile(),
                    holder -> new StorageException("The Cassandra data folder " + layout.root()
                            + " is in use by another local node; stop it or choose another data folder."));
        } catch (IOException e) {
            throw new StorageException("Could not lock the Cassandra data folder " + layout.root() + ": " + e, e);
        }
    }

    private void releaseLockAndHook() {
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                // the lock goes with the process at the latest
            }
            lock = null;
        }
        removeShutdownHook();
    }

    private void removeShutdownHook() {
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down; the hook runs or has run
            }
        }
        shutdownHook = null;
    }

    private void stopOnExit() {
        close();
    }

    private static Path createTemporaryDir() {
        try {
            return Files.createTempDirectory("tally-cassandra-").toAbsolutePath();
        } catch (IOException e) {
            throw new StorageException("Could not create a temporary data folder for Cassandra: " + e, e);
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("Could not delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("Could not delete the temporary Cassandra folder {}: {}", root, e.toString());
        }
    }
}
