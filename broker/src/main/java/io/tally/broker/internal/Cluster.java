package io.tally.broker.internal;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BrokerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of one bundled broker and their lifecycle. The layout (directories, ports) is fixed at the first
 * start and kept until {@link #close()}, so restarted nodes come back at the same addresses. Every public
 * method is synchronized; starting and stopping run the nodes in parallel on short-lived threads, because a
 * node's broker only finishes starting once a quorum of controllers is up.
 */
public final class Cluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    /** Extra wait on top of Kafka's own startup bound before giving up on a start thread. */
    private static final long START_GRACE_MS = 30_000;

    private final BrokerConfig config;
    private final ReservedPorts reservedPorts = new ReservedPorts();
    private final NodeTasks tasks;
    private final KafkaNode[] running;
    private Path dataDir;
    private boolean temporaryDir;
    private List<NodeSpec> layout;
    private String clusterId;
    private boolean closed;

    /** A cluster of {@code config.nodes()} nodes; nothing is bound or written before {@link #start()}. */
    public Cluster(BrokerConfig config) {
        this.config = config;
        this.running = new KafkaNode[config.nodes()];
        this.tasks = new NodeTasks(
                config.startTimeout().toMillis() + config.shutdownTimeout().toMillis() + START_GRACE_MS);
    }

    /** Starts every node that is not running and waits until all of them serve clients. */
    public synchronized void start() {
        checkOpen();
        prepare();
        List<Integer> toStart = new ArrayList<>();
        for (int id = 0; id < running.length; id++) {
            if (running[id] == null) {
                toStart.add(id);
            }
        }
        if (toStart.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        try {
            startNodes(toStart);
            ScramUsers.apply(config.sasl(), runningNodes(), config.startTimeout());
            awaitReady(started);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
        LOG.info(
                "Kafka ready at {} ({} node(s), cluster {}, data in {}) after {} ms",
                bootstrapServers(),
                running.length,
                clusterId,
                dataDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Starts node {@code id} again on its directory and ports; the cluster must have been started before. */
    public synchronized void startNode(int id) {
        checkOpen();
        checkId(id);
        if (layout == null) {
            throw new IllegalStateException("start() the broker before starting single nodes");
        }
        if (running[id] != null) {
            return;
        }
        long started = System.nanoTime();
        startNodes(List.of(id));
        try {
            awaitReady(started);
        } catch (RuntimeException e) {
            stopNodeQuietly(id);
            throw e;
        }
        LOG.info("Started node {} at {}", id, layout.get(id).bootstrapAddress());
    }

    /** Stops node {@code id} (controlled shutdown); a no-op if it is not running. */
    public synchronized void stopNode(int id) {
        checkId(id);
        KafkaNode node = running[id];
        if (node == null) {
            return;
        }
        running[id] = null;
        try {
            node.stopBroker(config.shutdownTimeout());
        } finally {
            node.stopController();
        }
        LOG.info("Stopped node {}", id);
    }

    /** Stops every running node: all brokers first, then all controllers, so the quorum outlives the brokers. */
    public synchronized void stop() {
        List<KafkaNode> nodes = new ArrayList<>();
        for (int id = 0; id < running.length; id++) {
            if (running[id] != null) {
                nodes.add(running[id]);
                running[id] = null;
            }
        }
        if (nodes.isEmpty()) {
            return;
        }
        List<Throwable> errors = new ArrayList<>();
        errors.addAll(tasks.run("stop", nodes, n -> n.stopBroker(config.shutdownTimeout())));
        errors.addAll(tasks.run("stop", nodes, KafkaNode::stopController));
        if (!errors.isEmpty()) {
            BrokerException failure =
                    new BrokerException("Stopping the broker failed: " + errors.get(0), errors.get(0));
            errors.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
        LOG.info("Stopped {} node(s) of cluster {}", nodes.size(), clusterId);
    }

    /** Stops the nodes, releases unused ports and deletes a temporary data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            reservedPorts.close();
            if (temporaryDir && dataDir != null) {
                Storage.deleteRecursively(dataDir);
            }
        }
    }

    /** Comma-separated {@code host:port} of every node's client listener. */
    public synchronized String bootstrapServers() {
        if (layout == null) {
            throw new IllegalStateException("Ports are chosen by start(); call it first");
        }
        return layout.stream().map(NodeSpec::bootstrapAddress).collect(Collectors.joining(","));
    }

    private List<KafkaNode> runningNodes() {
        List<KafkaNode> nodes = new ArrayList<>();
        for (KafkaNode node : running) {
            if (node != null) {
                nodes.add(node);
            }
        }
        return nodes;
    }

    /** Node directories and ports, once started. */
    public synchronized List<NodeSpec> layout() {
        if (layout == null) {
            throw new IllegalStateException("The layout is chosen by start(); call it first");
        }
        return layout;
    }

    /** The cluster id from the data directory, once started. */
    public synchronized String clusterId() {
        if (clusterId == null) {
            throw new IllegalStateException("The cluster id is known after start()");
        }
        return clusterId;
    }

    /** The data directory, once started (a temporary one if none was configured). */
    public synchronized Path dataDir() {
        if (dataDir == null) {
            throw new IllegalStateException("The data directory is chosen by start(); call it first");
        }
        return dataDir;
    }

    /** Ids of the running nodes. */
    public synchronized Set<Integer> runningIds() {
        Set<Integer> ids = new TreeSet<>();
        for (int id = 0; id < running.length; id++) {
            if (running[id] != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    private void prepare() {
        if (dataDir == null) {
            if (config.dataDir().isPresent()) {
                dataDir = config.dataDir().get().toAbsolutePath();
            } else {
                try {
                    dataDir = Files.createTempDirectory("tally-broker-");
                } catch (IOException e) {
                    throw new BrokerException(
                            "Cannot create a temporary data directory (" + BrokerConfig.DATA_DIR + " is empty)", e);
                }
                temporaryDir = true;
            }
        }
        Storage.ensureUsable(dataDir);
        if (layout == null) {
            List<NodeSpec> specs = new ArrayList<>();
            try {
                for (int id = 0; id < config.nodes(); id++) {
                    int listener = reservedPorts.reserve(
                            id,
                            NodeProperties.clientListener(config),
                            config.listenerPort() == 0 ? 0 : config.listenerPort() + id,
                            BrokerConfig.LISTENER_PORT);
                    int controller = reservedPorts.reserve(
                            id,
                            NodeProperties.CONTROLLER_LISTENER,
                            config.controllerPort() == 0 ? 0 : config.controllerPort() + id,
                            BrokerConfig.CONTROLLER_PORT);
                    specs.add(new NodeSpec(id, dataDir.resolve(NodeSpec.dirName(id)), listener, controller));
                }
            } catch (RuntimeException e) {
                reservedPorts.close();
                throw e;
            }
            layout = List.copyOf(specs);
        }
        clusterId = Storage.prepare(dataDir, layout, config.sasl());
    }

    /** Waits for the running nodes with what is left of the start timeout, and at least a second. */
    private void awaitReady(long startedNanos) {
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        long leftMs = config.startTimeout().toMillis() - elapsedMs;
        Readiness.awaitNodes(
                bootstrapServers(),
                config.sasl().clientProperties(),
                runningIds(),
                Duration.ofMillis(Math.max(1_000, leftMs)),
                this::firstFatalFault);
    }

    private void startNodes(List<Integer> ids) {
        for (int id : ids) {
            NodeSpec spec = layout.get(id);
            try {
                reservedPorts.reserve(
                        id, NodeProperties.clientListener(config), spec.listenerPort(), BrokerConfig.LISTENER_PORT);
                reservedPorts.reserve(
                        id, NodeProperties.CONTROLLER_LISTENER, spec.controllerPort(), BrokerConfig.CONTROLLER_PORT);
            } catch (RuntimeException e) {
                ids.forEach(reservedPorts::release);
                throw e;
            }
        }
        List<KafkaNode> nodes = new ArrayList<>();
        for (int id : ids) {
            NodeSpec spec = layout.get(id);
            KafkaNode node = KafkaNode.create(
                    spec,
                    NodeProperties.of(
                            spec, layout, config, config.startTimeout().toMillis()),
                    reservedPorts.factoryFor(id));
            running[id] = node;
            nodes.add(node);
        }
        List<Throwable> errors = tasks.run("start", nodes, node -> {
            node.startController();
            node.startBroker();
        });
        if (!errors.isEmpty()) {
            ids.forEach(this::stopNodeQuietly);
            ids.forEach(reservedPorts::release);
            BrokerException failure =
                    new BrokerException("Starting the broker failed: " + errors.get(0), errors.get(0));
            errors.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private String firstFatalFault() {
        for (KafkaNode node : running) {
            if (node != null && node.fatalFault().isPresent()) {
                return "node " + node.spec().id() + ": " + node.fatalFault().get();
            }
        }
        return null;
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("Cleaning up after a failed start also failed", e);
        }
    }

    private void stopNodeQuietly(int id) {
        try {
            stopNode(id);
        } catch (RuntimeException e) {
            LOG.warn("Stopping node {} after a failed start also failed", id, e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The broker is closed");
        }
    }

    private void checkId(int id) {
        if (id < 0 || id >= running.length) {
            throw new IllegalArgumentException("No node " + id + ": node ids are 0.." + (running.length - 1));
        }
    }
}
