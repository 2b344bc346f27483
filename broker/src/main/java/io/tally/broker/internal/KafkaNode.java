package io.tally.broker.internal;

import io.tally.broker.BrokerException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.FaultHandlerFactory;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.Server;
import kafka.server.SharedServer;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.controller.Controller;
import org.apache.kafka.controller.ControllerRequestContext;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.ServerSocketFactory;
import org.apache.kafka.server.fault.FaultHandler;
import org.apache.kafka.server.fault.LoggingFaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * One running combined broker+controller node, built as {@code KafkaRaftServer} builds it. A node object runs
 * once: {@link #create}, {@link #startController()}, {@link #startBroker()}, then {@link #stopBroker} and
 * {@link #stopController()}; a restart builds a new object on the same directory. The start and stop methods
 * block; they are called from one thread at a time per node.
 */
public final class KafkaNode {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaNode.class);

    private final NodeSpec spec;
    private final ControllerServer controller;
    private final BrokerServer broker;
    private final AtomicReference<String> fatalFault;

    private KafkaNode(
            NodeSpec spec, ControllerServer controller, BrokerServer broker, AtomicReference<String> fatalFault) {
        this.spec = spec;
        this.controller = controller;
        this.broker = broker;
        this.fatalFault = fatalFault;
    }

    /** Builds the node's Kafka objects from its properties; nothing runs yet. */
    public static KafkaNode create(NodeSpec spec, Map<String, String> properties, ServerSocketFactory sockets) {
        KafkaConfig config;
        try {
            config = KafkaConfig.fromProps(toProperties(properties), false);
        } catch (ConfigException e) {
            throw new BrokerException(
                    "Invalid Kafka broker configuration of node " + spec.id() + ": " + e.getMessage(), e);
        }
        Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> dirs;
        try {
            dirs = KafkaRaftServer.initializeLogDirs(config, LOG, "[node " + spec.id() + "] ");
        } catch (RuntimeException e) {
            throw new BrokerException(
                    "Node " + spec.id() + " cannot use its directory " + spec.dir() + ": " + e.getMessage(), e);
        }
        MetaPropertiesEnsemble metaProps = dirs._1();
        String clusterId =
                metaProps.clusterId().orElseThrow(() -> new BrokerException("No cluster id in " + spec.dir()));
        Metrics metrics = Server.initializeMetrics(config, Time.SYSTEM, clusterId);
        try {
            AtomicReference<String> fatalFault = new AtomicReference<>();
            SharedServer shared = new SharedServer(
                    config,
                    metaProps,
                    Time.SYSTEM,
                    metrics,
                    CompletableFuture.completedFuture(QuorumConfig.parseVoterConnections(
                            config.quorumConfig().voters())),
                    QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
                    faultHandlers(spec.id(), fatalFault),
                    sockets);
            ControllerServer controller = new ControllerServer(shared, KafkaRaftServer.configSchema(), dirs._2());
            BrokerServer broker = new BrokerServer(shared);
            return new KafkaNode(spec, controller, broker, fatalFault);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    private static Properties toProperties(Map<String, String> map) {
        Properties props = new Properties();
        props.putAll(map);
        return props;
    }

    /**
     * Kafka's standard factory halts the JVM on a fatal fault. Here the JVM belongs to the application or the
     * test run, so the fault is logged, remembered, and surfaces through {@link #fatalFault()}.
     */
    private static FaultHandlerFactory faultHandlers(int nodeId, AtomicReference<String> fatalFault) {
        return (name, fatal, action) -> {
            FaultHandler logging =
                    new LoggingFaultHandler((fatal ? "fatal " : "") + name + " (node " + nodeId + ")", action);
            if (!fatal) {
                return logging;
            }
            return (message, cause) -> {
                fatalFault.compareAndSet(null, name + ": " + message + (cause == null ? "" : " (" + cause + ")"));
                return logging.handleFault(message, cause);
            };
        };
    }

    /** The node's id and ports. */
    public NodeSpec spec() {
        return spec;
    }

    /** Starts the controller half; returns once its endpoint accepts connections. */
    public void startController() {
        controller.startup();
    }

    /**
     * Starts the broker half; returns once the controller quorum has unfenced this broker and its client
     * listener accepts connections (Kafka bounds this by {@code server.max.startup.time.ms}).
     */
    public void startBroker() {
        broker.startup();
    }

    /** Controlled shutdown of the broker half, forced after {@code timeout}; waits until it is down. */
    public void stopBroker(Duration timeout) {
        broker.shutdown(timeout);
        broker.awaitShutdown();
    }

    /** Stops the controller half and waits until it is down. */
    public void stopController() {
        controller.shutdown();
        controller.awaitShutdown();
    }

    /** Whether this node's controller is the active one of the quorum: the one that accepts metadata changes. */
    public boolean isActiveController() {
        Controller quorum = controller.controller();
        return quorum != null && quorum.isActive();
    }

    /**
     * Hands a change of SCRAM credentials to this node's controller, in this JVM: what an admin client's request
     * would become once it reached the active controller. Completes once the change is committed to the metadata
     * log, or exceptionally (not the active controller, any more).
     */
    public CompletableFuture<AlterUserScramCredentialsResponseData> alterScramCredentials(
            AlterUserScramCredentialsRequestData request) {
        ControllerRequestContext context =
                new ControllerRequestContext(new RequestHeaderData(), KafkaPrincipal.ANONYMOUS, OptionalLong.empty());
        return controller.controller().alterUserScramCredentials(context, request);
    }

    /** The first fatal fault Kafka reported on this node, if any. */
    public Optional<String> fatalFault() {
        return Optional.ofNullable(fatalFault.get());
    }
}
