package io.tally.storage.internal;

import io.tally.storage.StorageException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free loopback ports, and a check that a fixed port is free before a node tries to bind it. */
public final class FreePorts {
    private FreePorts() {}

    /** A port on 127.0.0.1 that was free a moment ago. */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new StorageException("Could not find a free port on 127.0.0.1", e);
        }
    }

    /**
     * @param port the port to use, or 0 for a free one
     * @param key the configuration key it came from, for the message
     * @return a port to bind
     * @throws StorageException if a fixed port is taken
     */
    public static int resolve(int port, String key) {
        return resolve(port, key, "127.0.0.1");
    }

    /**
     * @param address the local address the port is bound on (127.0.0.2 for a second node on this machine)
     * @see #resolve(int, String)
     */
    public static int resolve(int port, String key, String address) {
        if (port == 0) {
            return pick();
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), 1);
            return port;
        } catch (IOException e) {
            throw new StorageException(
                    "Port " + port + " on " + address + " (" + key + ") is in use: is another Cassandra "
                            + "running? Stop it, or choose another port (0 picks a free one).",
                    e);
        }
    }
}
