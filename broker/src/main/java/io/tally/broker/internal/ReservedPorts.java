package io.tally.broker.internal;

import io.tally.broker.BrokerException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.server.ServerSocketFactory;

/**
 * Listener sockets bound before a node starts and handed to Kafka's socket server when it asks for them. Port 0
 * picks a free port that no other process can take between picking and binding; a fixed port that is in use
 * fails at once with a message naming the setting, instead of deep inside Kafka's startup. Each reserved socket
 * is handed out once; Kafka closes it when the node stops. Thread-safe.
 */
public final class ReservedPorts implements AutoCloseable {

    private final Map<String, ServerSocketChannel> unused = new HashMap<>();

    /**
     * Binds {@code port} (0: a free one) on {@link NodeSpec#HOST} for {@code listener} of node {@code nodeId},
     * unless a reservation is already waiting, and returns the bound port.
     *
     * @param setting the key that chose the port, for the error message
     * @throws BrokerException if the port cannot be bound
     */
    public synchronized int reserve(int nodeId, String listener, int port, String setting) {
        ServerSocketChannel waiting = unused.get(key(nodeId, listener));
        if (waiting != null && waiting.isOpen()) {
            return waiting.socket().getLocalPort();
        }
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            channel.configureBlocking(false);
            channel.bind(new InetSocketAddress(NodeSpec.HOST, port));
            unused.put(key(nodeId, listener), channel);
            return channel.socket().getLocalPort();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new BrokerException(
                    "Cannot bind " + listener + " port " + port + " of node " + nodeId + " on " + NodeSpec.HOST + " ("
                            + setting + "): " + e.getMessage(),
                    e);
        }
    }

    /** The socket factory of one node: its reserved sockets, else a plain bind. */
    public ServerSocketFactory factoryFor(int nodeId) {
        return (listenerName, address, backlog, recvBufferSize) -> {
            ServerSocketChannel reserved = take(nodeId, listenerName);
            if (reserved != null && reserved.isOpen()) {
                return reserved;
            }
            return ServerSocketFactory.INSTANCE.openServerSocket(listenerName, address, backlog, recvBufferSize);
        };
    }

    private synchronized ServerSocketChannel take(int nodeId, String listener) {
        return unused.remove(key(nodeId, listener));
    }

    /** Closes the reservations of one node that Kafka has not taken, after its start failed. */
    public synchronized void release(int nodeId) {
        unused.keySet().removeIf(key -> {
            if (key.startsWith(nodeId + "/")) {
                closeQuietly(unused.get(key));
                return true;
            }
            return false;
        });
    }

    private static String key(int nodeId, String listener) {
        return nodeId + "/" + listener;
    }

    /** Closes every reservation Kafka never took; the ones it took are its own to close. */
    @Override
    public synchronized void close() {
        List<ServerSocketChannel> channels = new ArrayList<>(unused.values());
        unused.clear();
        channels.forEach(ReservedPorts::closeQuietly);
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing listens on it any more; the port is free either way
        }
    }
}
