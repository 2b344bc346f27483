package io.tally.broker;

import io.tally.broker.internal.Cluster;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * A Kafka cluster running inside this JVM: one or more combined KRaft broker+controller nodes on 127.0.0.1,
 * PLAINTEXT (or SASL_PLAINTEXT, {@link BrokerSasl}), every node a voter of the controller quorum. Used by {@code tally broker}, by the one-JVM
 * {@code standalone} and {@code demo} modes, and by integration tests.
 *
 * <pre>{@code
 * try (BundledBroker broker = BundledBroker.start(BrokerConfig.builder().listenerPort(0).build())) {
 *     producerProps.put("bootstrap.servers", broker.bootstrapServers());
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> {@link #start()} formats the data directory if it is new (keeping the cluster id in each
 * node's {@code meta.properties}), starts every node and returns once an Admin client's
 * {@code describeCluster} lists them all. {@link #stop()} shuts the nodes down cleanly and keeps the data;
 * {@code start()} again brings them back on the same directory and the same ports with every record written
 * before. {@link #close()} stops and, for a temporary data directory, deletes it; a closed broker cannot be
 * started again. With several nodes, {@link #stopNode(int)} and {@link #startNode(int)} take single nodes
 * down and up for failure tests; node ids are {@code 0 .. nodes-1} and equal Kafka's {@code node.id}.
 *
 * <p><b>Defaults.</b> Internal topics ({@code __consumer_offsets}, transaction and share-group state) are
 * replicated {@code min(3, nodes)} times, with {@code min.insync.replicas} of {@code min(2, nodes)}, so a
 * 3-node cluster keeps working with one node down; {@code group.initial.rebalance.delay.ms=0}; everything else
 * is Kafka's default unless overridden with {@link BrokerConfig.Builder#kafkaProperty(String, String)}.
 *
 * <p><b>Threading.</b> Thread-safe: lifecycle methods are serialized on this object and block until done;
 * accessors wait while a lifecycle method runs. Kafka's threads are not daemon threads: a process should
 * close the broker (for instance from a shutdown hook) to exit cleanly.
 *
 * <p><b>Logging.</b> Kafka logs through SLF4J; this module brings no SLF4J binding, the application chooses
 * one. A fatal Kafka fault is logged at ERROR, and fails a {@code start()} or {@code startNode()} that is
 * waiting, instead of halting the JVM as a stand-alone Kafka process would.
 */
public final class BundledBroker implements AutoCloseable {

    private final BrokerConfig config;
    private final Cluster cluster;

    /**
     * A broker that is not started yet; nothing is bound or written until {@link #start()}.
     *
     * @param config the settings, already validated by {@link BrokerConfig.Builder#build()}
     */
    public BundledBroker(BrokerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.cluster = new Cluster(config);
    }

    /**
     * Creates and starts a broker; closes it again if the start fails.
     *
     * @param config the settings
     * @return the running broker, to be closed by the caller
     * @throws BrokerException if it does not start; see {@link #start()}
     */
    public static BundledBroker start(BrokerConfig config) {
        BundledBroker broker = new BundledBroker(config);
        try {
            broker.start();
            return broker;
        } catch (RuntimeException e) {
            try {
                broker.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Starts every node that is not running and blocks until all of them accept client connections, at most
     * {@link BrokerConfig#startTimeout()} (plus Kafka's own shutdown of a node that failed). The first start
     * picks the ports and the temporary directory, which later starts reuse. A no-op if all nodes run.
     *
     * @throws BrokerException if the data directory is unusable (the message names
     *         {@value BrokerConfig#DATA_DIR}), a port cannot be bound, or the nodes are not ready in time;
     *         nodes started by this call are stopped again
     * @throws IllegalStateException if the broker is closed
     */
    public void start() {
        cluster.start();
    }

    /**
     * Stops every running node and waits until they are down: all brokers first (controlled shutdown, at most
     * {@link BrokerConfig#shutdownTimeout()} each, in parallel), then all controllers. Data and ports are kept
     * for a later {@link #start()}. A no-op if nothing runs.
     *
     * @throws BrokerException if a node did not stop cleanly (it is still released)
     */
    public void stop() {
        cluster.stop();
    }

    /**
     * Stops the nodes, releases the ports and deletes the data directory if it is a temporary one.
     * Idempotent.
     *
     * @throws BrokerException if a node did not stop cleanly (the directory is still deleted)
     */
    @Override
    public void close() {
        cluster.close();
    }

    /**
     * Stops one node (controlled shutdown; its partitions move to the other replicas) and waits until it is
     * down. A no-op if the node is not running. Stopping a majority of a multi-node cluster leaves the rest
     * without a controller quorum: their brokers stay up but cannot change metadata.
     *
     * @param nodeId 0 .. {@code nodes-1}
     * @throws IllegalArgumentException if there is no such node
     */
    public void stopNode(int nodeId) {
        cluster.stopNode(nodeId);
    }

    /**
     * Starts one stopped node again on its directory and ports, and waits until every running node is listed
     * by {@code describeCluster}. A no-op if the node runs.
     *
     * @param nodeId 0 .. {@code nodes-1}
     * @throws IllegalArgumentException if there is no such node
     * @throws IllegalStateException if the broker was never started or is closed
     * @throws BrokerException if the node is not ready within {@link BrokerConfig#startTimeout()}
     */
    public void startNode(int nodeId) {
        cluster.startNode(nodeId);
    }

    /**
     * The {@code bootstrap.servers} value for clients: {@code 127.0.0.1:port} of every node, stopped ones
     * included, comma-separated. Stable for the life of this object.
     *
     * @throws IllegalStateException before the first {@link #start()}, when ports are not chosen yet
     */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /**
     * The client port of one node.
     *
     * @param nodeId 0 .. {@code nodes-1}
     * @return the port on 127.0.0.1
     * @throws IllegalStateException before the first {@link #start()}
     */
    public int listenerPort(int nodeId) {
        checkNode(nodeId);
        return cluster.layout().get(nodeId).listenerPort();
    }

    /**
     * The KRaft controller port of one node.
     *
     * @param nodeId 0 .. {@code nodes-1}
     * @return the port on 127.0.0.1
     * @throws IllegalStateException before the first {@link #start()}
     */
    public int controllerPort(int nodeId) {
        checkNode(nodeId);
        return cluster.layout().get(nodeId).controllerPort();
    }

    /**
     * The data directory; node {@code i} keeps its logs in {@code node-i} below it.
     *
     * @throws IllegalStateException before the first {@link #start()} when it is a temporary one
     */
    public Path dataDir() {
        return config.dataDir().map(Path::toAbsolutePath).orElseGet(cluster::dataDir);
    }

    /**
     * The Kafka cluster id, read from (or written to) the data directory.
     *
     * @throws IllegalStateException before the first {@link #start()}
     */
    public String clusterId() {
        return cluster.clusterId();
    }

    /** Ids of the nodes that are running now. */
    public Set<Integer> runningNodes() {
        return cluster.runningIds();
    }

    /** Number of nodes, running or not. */
    public int nodeCount() {
        return config.nodes();
    }

    /** The settings this broker was built with. */
    public BrokerConfig config() {
        return config;
    }

    private void checkNode(int nodeId) {
        if (nodeId < 0 || nodeId >= config.nodes()) {
            throw new IllegalArgumentException("No node " + nodeId + ": node ids are 0.." + (config.nodes() - 1));
        }
    }

    @Override
    public String toString() {
        return "BundledBroker" + config;
    }
}
