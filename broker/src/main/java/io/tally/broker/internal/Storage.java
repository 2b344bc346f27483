package io.tally.broker.internal;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BrokerException;
import io.tally.broker.BrokerSasl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory: checks that it can be used, finds the cluster id of a formatted directory, and formats
 * the node directories that have no {@code meta.properties} yet. A formatted directory is never formatted
 * again, so records survive restarts.
 */
public final class Storage {

    static final String META_PROPERTIES = "meta.properties";
    private static final Logger LOG = LoggerFactory.getLogger(Storage.class);

    private Storage() {}

    /**
     * Creates {@code dir} if needed and checks that it is a writable directory.
     *
     * @throws BrokerException naming {@value BrokerConfig#DATA_DIR} if it is not
     */
    public static void ensureUsable(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
            throw new BrokerException(
                    "Invalid value " + dir + " for configuration " + BrokerConfig.DATA_DIR
                            + ": cannot create the directory (" + e + ")",
                    e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new BrokerException("Invalid value " + dir + " for configuration " + BrokerConfig.DATA_DIR
                    + ": not a writable directory");
        }
        Path probe = dir.resolve(".tally-write-probe");
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            throw new BrokerException(
                    "Invalid value " + dir + " for configuration " + BrokerConfig.DATA_DIR
                            + ": cannot write to the directory (" + e + ")",
                    e);
        }
    }

    /**
     * Makes every node directory ready to start and returns the cluster id: the one in the existing
     * {@code meta.properties} files, or a new one when no node directory is formatted yet. A new directory's metadata
     * starts with the SCRAM users of {@code sasl}.
     *
     * @throws BrokerException if the directory holds a cluster of another size or mixed cluster ids
     */
    public static String prepare(Path dataDir, List<NodeSpec> nodes, BrokerSasl sasl) {
        Map<Integer, String> clusterIds = new TreeMap<>();
        for (NodeSpec node : nodes) {
            readClusterId(node).ifPresent(id -> clusterIds.put(node.id(), id));
        }
        checkNoOtherNodes(dataDir, nodes.size());
        if (clusterIds.values().stream().distinct().count() > 1) {
            throw new BrokerException("Invalid value " + dataDir + " for configuration " + BrokerConfig.DATA_DIR
                    + ": node directories belong to different clusters " + clusterIds);
        }
        if (!clusterIds.isEmpty() && clusterIds.size() != nodes.size()) {
            throw new BrokerException("Invalid value " + dataDir + " for configuration " + BrokerConfig.DATA_DIR
                    + ": it holds formatted nodes " + clusterIds.keySet() + " but " + BrokerConfig.NODES + "="
                    + nodes.size() + "; use the node count it was created with, or another directory");
        }
        if (!clusterIds.isEmpty()) {
            String clusterId = clusterIds.values().iterator().next();
            LOG.debug("Reusing formatted data directory {} of cluster {}", dataDir, clusterId);
            return clusterId;
        }
        String clusterId = Uuid.randomUuid().toString();
        for (NodeSpec node : nodes) {
            format(node, clusterId, sasl);
        }
        LOG.info("Formatted data directory {} for new cluster {} with {} node(s)", dataDir, clusterId, nodes.size());
        return clusterId;
    }

    private static void checkNoOtherNodes(Path dataDir, int nodeCount) {
        try (Stream<Path> children = Files.list(dataDir)) {
            Optional<Path> extra = children.filter(
                            p -> p.getFileName().toString().matches("node-\\d+"))
                    .filter(p -> Integer.parseInt(p.getFileName().toString().substring(5)) >= nodeCount)
                    .filter(p -> Files.exists(p.resolve(META_PROPERTIES)))
                    .findFirst();
            if (extra.isPresent()) {
                throw new BrokerException("Invalid value " + dataDir + " for configuration "
                        + BrokerConfig.DATA_DIR + ": it holds formatted node directory " + extra.get()
                        + " but " + BrokerConfig.NODES + "=" + nodeCount
                        + "; use the node count it was created with, or another directory");
            }
        } catch (IOException e) {
            throw new BrokerException("Cannot list " + dataDir + " (" + BrokerConfig.DATA_DIR + ")", e);
        }
    }

    static Optional<String> readClusterId(NodeSpec node) {
        Path file = node.dir().resolve(META_PROPERTIES);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            meta.load(in);
        } catch (IOException e) {
            throw new BrokerException("Cannot read " + file + " of node " + node.id(), e);
        }
        String clusterId = meta.getProperty("cluster.id");
        String nodeId = meta.getProperty("node.id");
        if (clusterId == null || clusterId.isBlank()) {
            throw new BrokerException(file + " has no cluster.id; delete the directory to start afresh");
        }
        if (!String.valueOf(node.id()).equals(nodeId)) {
            throw new BrokerException(file + " belongs to node.id=" + nodeId + ", expected node " + node.id());
        }
        return Optional.of(clusterId);
    }

    private static void format(NodeSpec node, String clusterId, BrokerSasl sasl) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            Files.createDirectories(node.dir());
            new Formatter()
                    .setPrintStream(out)
                    .setNodeId(node.id())
                    .setClusterId(clusterId)
                    .setDirectories(List.of(node.dir().toString()))
                    .setMetadataLogDirectory(node.dir().toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setUnstableFeatureVersionsEnabled(false)
                    .setControllerListenerName(NodeProperties.CONTROLLER_LISTENER)
                    .setScramArguments(ScramUsers.formatArguments(sasl))
                    .setIgnoreFormatted(false)
                    .run();
        } catch (Exception e) {
            throw new BrokerException("Cannot format " + node.dir() + " for node " + node.id() + ": " + e, e);
        } finally {
            LOG.debug("Formatter output for node {}:\n{}", node.id(), output.toString(StandardCharsets.UTF_8));
        }
    }

    /** Deletes {@code dir} and everything below it; what cannot be deleted is logged and left. */
    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}", path, e);
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot delete temporary data directory {}", dir, e);
        }
    }
}
