package io.tally.storage;

import java.nio.file.Path;

/**
 * A parent process for {@link NoOrphanIT}: starts a node on the data folder given as argument, prints
 * {@code NODE_PID <pid>} on stdout, then waits to be killed.
 */
public final class NodeParentMain {
    static final String PID_LINE = "NODE_PID ";

    private NodeParentMain() {}

    public static void main(String[] args) throws InterruptedException {
        LocalCassandraNode node = new LocalCassandraNode(LocalCassandraConfig.builder()
                        .dataDir(Path.of(args[0]))
                        .cqlPort(0)
                        .build())
                .start();
        System.out.println(PID_LINE + node.pid().getAsLong());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
