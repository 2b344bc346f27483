package io.tally.broker.internal;

import java.nio.file.Path;

/**
 * Where one node lives: its id, its directory (metadata log and data logs share it) and its two ports.
 *
 * @param id             Kafka node id, 0-based
 * @param dir            the node's log directory
 * @param listenerPort   client port on 127.0.0.1
 * @param controllerPort CONTROLLER (KRaft) port on 127.0.0.1
 */
public record NodeSpec(int id, Path dir, int listenerPort, int controllerPort) {

    /** Host every listener binds to and advertises. */
    public static final String HOST = "127.0.0.1";

    /** {@code host:port} of the client listener. */
    public String bootstrapAddress() {
        return HOST + ":" + listenerPort;
    }

    /** Directory name of node {@code id} under the data directory. */
    public static String dirName(int id) {
        return "node-" + id;
    }
}
