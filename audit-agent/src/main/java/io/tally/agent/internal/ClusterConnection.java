package io.tally.agent.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * The settings that reach a client's Kafka cluster with its credentials: bootstrap servers, security protocol, DNS
 * lookup, and every {@code sasl.*} and {@code ssl.*} key. The agent's own clients (the admin client reading a
 * consumer's group, the consumer reading the deployment's settings) start from these and add their own keys.
 */
final class ClusterConnection {
    private ClusterConnection() {}

    /** @return a new mutable map of those of {@code clientSettings} that name the cluster and its credentials */
    static Map<String, Object> of(Map<String, ?> clientSettings) {
        Map<String, Object> props = new HashMap<>();
        clientSettings.forEach((k, v) -> {
            if (isConnectionKey(k)) {
                props.put(k, v);
            }
        });
        return props;
    }

    /** @return whether {@code key} names the cluster or how to authenticate to it */
    static boolean isConnectionKey(String key) {
        return key.equals("bootstrap.servers")
                || key.equals("security.protocol")
                || key.equals("client.dns.lookup")
                || key.startsWith("sasl.")
                || key.startsWith("ssl.");
    }
}
