package io.tally.storage;

import io.tally.storage.internal.FreePorts;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Cassandra cluster on this machine, as on hosts of their own: node {@code i} listens on {@code 127.0.0.(i+1)}, all
 * on the same ports, in data center {@value #DATACENTER}, each a JVM of its own ({@link LocalCassandraNode}) with its
 * data under {@code dataDir/node-i}. One token each, spread evenly over the ring; the first node is the seed; hints
 * are kept for a node that is down, so that it catches up when it comes back. Nodes start one after another. Not
 * thread-safe.
 */
public final class LocalCassandraCluster implements AutoCloseable {
    /** The data center of every node (SimpleSnitch's): replication {@code datacenter1=3} places a replica on each. */
    public static final String DATACENTER = CassandraSessions.DEFAULT_LOCAL_DATACENTER;

    private final List<LocalCassandraNode> nodes = new ArrayList<>();
    private final int cqlPort;

    /**
     * @param dataDir where each node's folder goes, kept across restarts
     * @param size    how many nodes (at most 254)
     * @param heapMb  heap of each node
     */
    public LocalCassandraCluster(Path dataDir, int size, int heapMb) {
        if (size < 1 || size > 254) {
            throw new IllegalArgumentException("a local cluster has 1 to 254 nodes, was " + size);
        }
        this.cqlPort = FreePorts.pick();
        int storagePort = FreePorts.pick();
        String seed = "127.0.0.1:" + storagePort;
        for (int i = 0; i < size; i++) {
            nodes.add(new LocalCassandraNode(LocalCassandraConfig.builder()
                    .dataDir(dataDir.resolve("node-" + i))
                    .address("127.0.0." + (i + 1))
                    .cqlPort(cqlPort)
                    .storagePort(storagePort)
                    .heapMb(heapMb)
                    .yaml("initial_token", token(i, size).toString())
                    .yaml(
                            "seed_provider",
                            String.join(
                                    "\n",
                                    "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                                    "    parameters:",
                                    "      - seeds: '" + seed + "'"))
                    .yaml("hinted_handoff_enabled", "true")
                    .build()));
        }
    }

    /** Starts every node, the seed first, each once the one before answers CQL. */
    public LocalCassandraCluster start() {
        for (LocalCassandraNode node : nodes) {
            node.start();
        }
        return this;
    }

    /** @return node {@code i} (127.0.0.(i+1)), to kill or stop and start again */
    public LocalCassandraNode node(int i) {
        return nodes.get(i);
    }

    /** @return how many nodes */
    public int size() {
        return nodes.size();
    }

    /** @return every node's address and CQL port */
    public List<InetSocketAddress> contactPoints() {
        return nodes.stream()
                .map(n -> new InetSocketAddress(n.config().address(), cqlPort))
                .toList();
    }

    /** @return the contact points as {@code tally.cassandra.contact.points} takes them */
    public String contactPointsSetting() {
        return nodes.stream().map(n -> n.config().address() + ":" + cqlPort).collect(Collectors.joining(","));
    }

    /** Stops every node, keeping their data. */
    @Override
    public void close() {
        for (LocalCassandraNode node : nodes) {
            node.close();
        }
    }

    /** @return the token of node {@code i} of {@code size}: the Murmur3 ring split in equal parts */
    static BigInteger token(int i, int size) {
        BigInteger ring = BigInteger.TWO.pow(64);
        return BigInteger.valueOf(Long.MIN_VALUE)
                .add(ring.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(size)));
    }
}
