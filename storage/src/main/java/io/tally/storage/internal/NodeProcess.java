package io.tally.storage.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tally.storage.CassandraSessions;
import io.tally.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the node's JVM: writes its configuration, starts it, waits for CQL, stops it. Not thread-safe; the
 * owning {@link io.tally.storage.LocalCassandraNode} serializes calls.
 */
public final class NodeProcess {
    private static final Logger LOG = LoggerFactory.getLogger(NodeProcess.class);
    private static final int TAIL_LINES = 60;
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final String READY_QUERY = "SELECT release_version FROM system.local";

    private final Process process;
    private final NodeLayout layout;
    private final InetSocketAddress contactPoint;

    private NodeProcess(Process process, NodeLayout layout, InetSocketAddress contactPoint) {
        this.process = process;
        this.layout = layout;
        this.contactPoint = contactPoint;
    }

    /**
     * Writes the configuration files and the launcher class, then starts the JVM. Does not wait for it.
     *
     * @param command the command line from {@link ChildJvmCommand#build}
     * @throws StorageException if a file cannot be written or the JVM cannot be started
     */
    public static NodeProcess launch(NodeLayout layout, List<String> command, int cqlPort, int storagePort) {
        return launch(layout, command, CassandraYaml.ADDRESS, cqlPort, storagePort, java.util.Map.of());
    }

    /**
     * @param yaml top-level {@code cassandra.yaml} settings that replace or add to Tally's own
     * @see #launch(NodeLayout, List, int, int)
     */
    public static NodeProcess launch(
            NodeLayout layout,
            List<String> command,
            String address,
            int cqlPort,
            int storagePort,
            java.util.Map<String, String> yaml) {
        try {
            for (Path dir : layout.directories()) {
                Files.createDirectories(dir);
            }
            Files.writeString(
                    layout.yamlFile(),
                    CassandraYaml.render(layout, address, cqlPort, storagePort, yaml),
                    StandardCharsets.UTF_8);
            Files.writeString(layout.logbackFile(), LogbackXml.render(layout.logDir()), StandardCharsets.UTF_8);
            copyLauncher(layout.launcherDir());
            Files.writeString(layout.stdoutLog(), "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StorageException("Could not prepare the Cassandra data folder " + layout.root() + ": " + e, e);
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(layout.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(layout.stdoutLog().toFile()));
        try {
            Process process = pb.start();
            LOG.debug("Started Cassandra process {}: {}", process.pid(), command);
            return new NodeProcess(process, layout, new InetSocketAddress(address, cqlPort));
        } catch (IOException e) {
            throw new StorageException("Could not start the Cassandra JVM " + command.get(0) + ": " + e, e);
        }
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** True while the JVM runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Blocks until the node answers {@value #READY_QUERY}.
     *
     * @return the node's release version
     * @throws StorageException with the tail of the node's log, if it exits or the timeout passes first (the process
     *     is then killed)
     */
    public String awaitCql(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        DriverException lastError = null;
        while (true) {
            if (!process.isAlive()) {
                throw failure("Cassandra exited with code " + process.exitValue() + " before accepting CQL", null);
            }
            if (System.nanoTime() - deadline > 0) {
                process.destroyForcibly();
                throw failure(
                        "Cassandra did not accept CQL on " + contactPoint + " within " + timeout.toSeconds() + " s",
                        lastError);
            }
            if (portOpen()) {
                LOG.debug("CQL port of {} open after {} ms", contactPoint, (System.nanoTime() - start) / 1_000_000);
                try (CqlSession session = CassandraSessions.builder(
                                List.of(contactPoint),
                                CassandraSessions.DEFAULT_LOCAL_DATACENTER,
                                Duration.ofSeconds(10))
                        .build()) {
                    Row row = session.execute(READY_QUERY).one();
                    return row == null ? "unknown" : row.getString(0);
                } catch (com.datastax.oss.driver.api.core.AllNodesFailedException e) {
                    if (refusedLogin(e)) {
                        // it answers, and wants a login (PasswordAuthenticator): up; its clients bring their own
                        return "unknown";
                    }
                    lastError = e;
                    LOG.debug("CQL not ready on {} yet: {}", contactPoint, e.toString());
                } catch (DriverException e) {
                    lastError = e;
                    LOG.debug("CQL not ready on {} yet: {}", contactPoint, e.toString());
                }
            }
            sleep(POLL);
        }
    }

    private static boolean refusedLogin(com.datastax.oss.driver.api.core.AllNodesFailedException e) {
        return e.getAllErrors().values().stream()
                .flatMap(List::stream)
                .anyMatch(t -> t instanceof com.datastax.oss.driver.api.core.auth.AuthenticationException);
    }

    /**
     * Stops the JVM cleanly (SIGTERM: Cassandra drains), killing it if that takes longer than {@code timeout}.
     *
     * @return true if the clean stop finished in time
     */
    public boolean stop(Duration timeout) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        if (waitFor(timeout)) {
            return true;
        }
        LOG.warn("Cassandra process {} did not stop within {} s; killing it", process.pid(), timeout.toSeconds());
        process.destroyForcibly();
        if (!waitFor(KILL_WAIT)) {
            throw new StorageException(
                    "Cassandra process " + process.pid() + " survived a kill for " + KILL_WAIT.toSeconds() + " s");
        }
        return false;
    }

    /** Kills the JVM (SIGKILL) and waits for it: for a node whose data is thrown away. */
    public void kill() {
        process.destroyForcibly();
        if (!waitFor(KILL_WAIT)) {
            throw new StorageException(
                    "Cassandra process " + process.pid() + " survived a kill for " + KILL_WAIT.toSeconds() + " s");
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new StorageException("Interrupted while stopping Cassandra process " + process.pid(), e);
        }
    }

    private boolean portOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(contactPoint, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private StorageException failure(String what, Throwable cause) {
        return new StorageException(
                what + ". Data folder: " + layout.root() + "\n" + LogTail.of(layout.systemLog(), TAIL_LINES) + "\n"
                        + LogTail.of(layout.stdoutLog(), 20),
                cause);
    }

    private static void copyLauncher(Path launcherDir) throws IOException {
        Class<?> main = CassandraChildMain.class;
        Path target = launcherDir.resolve(main.getName().replace('.', '/') + ".class");
        Files.createDirectories(target.getParent());
        try (InputStream in = main.getResourceAsStream(main.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IOException("class file of " + main.getName() + " not found on the classpath");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while waiting for Cassandra", e);
        }
    }
}
