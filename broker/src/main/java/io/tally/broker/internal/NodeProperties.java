package io.tally.broker.internal;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BrokerSasl;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Kafka broker properties of one node: the managed ones (roles, id, listeners on 127.0.0.1, static quorum
 * of every node, directories, SASL), the bundled defaults, then the user's extra properties on top of the defaults.
 *
 * <p>With SASL the client listener is named after its protocol, {@code SASL_PLAINTEXT}, and is the inter-broker
 * listener too: nodes log in to each other as the broker's own user. The controller listener stays PLAINTEXT (KRaft
 * controllers cannot check SCRAM credentials: those live in the metadata the controllers serve).
 */
public final class NodeProperties {

    /** Name of the client listener without SASL. */
    public static final String CLIENT_LISTENER = "PLAINTEXT";
    /** Name of the client listener with SASL. */
    public static final String SASL_CLIENT_LISTENER = "SASL_PLAINTEXT";
    /** Name of the KRaft controller listener. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** Dedupe buffer of the log cleaner; Kafka's default (128 MiB) is sized for a dedicated broker host. */
    static final String CLEANER_DEDUPE_BUFFER_BYTES = String.valueOf(16 * 1024 * 1024);

    /** Broker session timeout with several nodes (Kafka's default is 9 s); a single node keeps the default. */
    static final String MULTI_NODE_SESSION_TIMEOUT_MS = "4000";

    private NodeProperties() {}

    /** @return the name of the client listener: its security protocol */
    public static String clientListener(BrokerConfig config) {
        return config.sasl().enabled() ? SASL_CLIENT_LISTENER : CLIENT_LISTENER;
    }

    /**
     * Properties of node {@code self} of a cluster made of {@code all} nodes.
     *
     * @param startTimeoutMs bound of Kafka's own startup wait ({@code server.max.startup.time.ms})
     */
    public static Map<String, String> of(NodeSpec self, List<NodeSpec> all, BrokerConfig config, long startTimeoutMs) {
        Map<String, String> props = new TreeMap<>(defaults(config));
        props.put("server.max.startup.time.ms", Long.toString(startTimeoutMs));
        props.putAll(config.kafkaProperties());

        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(self.id()));
        props.put(
                "controller.quorum.voters",
                all.stream()
                        .map(n -> n.id() + "@" + NodeSpec.HOST + ":" + n.controllerPort())
                        .collect(Collectors.joining(",")));
        String client = clientListener(config);
        props.put(
                "listeners",
                client + "://" + NodeSpec.HOST + ":" + self.listenerPort() + "," + CONTROLLER_LISTENER + "://"
                        + NodeSpec.HOST + ":" + self.controllerPort());
        props.put("advertised.listeners", client + "://" + NodeSpec.HOST + ":" + self.listenerPort());
        props.put(
                "listener.security.protocol.map",
                client + ":" + config.sasl().securityProtocol() + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", client);
        BrokerSasl sasl = config.sasl();
        if (sasl.enabled()) {
            props.put("sasl.enabled.mechanisms", sasl.mechanism());
            props.put("sasl.mechanism.inter.broker.protocol", sasl.mechanism());
            props.put(
                    "listener.name." + client.toLowerCase(Locale.ROOT) + "."
                            + sasl.mechanism().toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                    BrokerSasl.jaasConfig(sasl.username(), sasl.users().get(sasl.username()))
                            .value());
        }
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("log.dirs", self.dir().toString());
        props.put("metadata.log.dir", self.dir().toString());
        return props;
    }

    /** The bundled defaults, which extra Kafka properties may override. */
    static Map<String, String> defaults(BrokerConfig config) {
        String replication = Integer.toString(config.internalReplicationFactor());
        String minIsr = Integer.toString(Math.min(2, config.internalReplicationFactor()));
        Map<String, String> props = new TreeMap<>();
        props.put("offsets.topic.replication.factor", replication);
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("share.coordinator.state.topic.replication.factor", replication);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.cleaner.dedupe.buffer.size", CLEANER_DEDUPE_BUFFER_BYTES);
        // Controlled shutdown and registration advance with broker heartbeats: beat often on loopback.
        props.put("broker.heartbeat.interval.ms", "500");
        if (config.nodes() > 1) {
            // A restarted node may only register again once its previous session has expired.
            props.put("broker.session.timeout.ms", MULTI_NODE_SESSION_TIMEOUT_MS);
        }
        props.put("unstable.api.versions.enable", "false");
        props.put("unstable.feature.versions.enable", "false");
        return props;
    }
}
