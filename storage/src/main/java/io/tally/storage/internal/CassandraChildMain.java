package io.tally.storage.internal;

import java.util.Optional;

/**
 * Main class of the node's JVM: watches the parent process, then runs Cassandra's daemon in the same thread.
 *
 * <p>When the parent (the JVM that started the node) is gone, for whatever reason including {@code kill -9}, this
 * exits the node: {@link System#exit} runs Cassandra's shutdown hooks (a drain), and a halt follows after
 * {@value #SHUTDOWN_GRACE_MS} ms if they hang. A parent already gone at start means an immediate exit.
 *
 * <p>This class is copied as a single class file onto the child's classpath (see the package documentation): it
 * must use nothing but {@code java.base} and compile to one class file (no nested or anonymous classes; lambdas
 * and method references are fine).
 */
public final class CassandraChildMain {
    /** System property holding the pid of the process to watch. */
    public static final String PARENT_PID_PROPERTY = "tally.parent.pid";

    static final String DAEMON_CLASS = "org.apache.cassandra.service.CassandraDaemon";
    static final long SHUTDOWN_GRACE_MS = 20_000;
    static final int EXIT_PARENT_GONE = 143;

    private CassandraChildMain() {}

    public static void main(String[] args) throws Exception {
        String pid = System.getProperty(PARENT_PID_PROPERTY);
        if (pid != null) {
            watchParent(Long.parseLong(pid.trim()));
        }
        Class.forName(DAEMON_CLASS).getMethod("main", String[].class).invoke(null, (Object) args);
    }

    private static void watchParent(long parentPid) {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent().filter(p -> p.pid() == parentPid);
        if (parent.isEmpty() || !parent.get().isAlive()) {
            System.err.println("Parent process " + parentPid + " is gone; not starting Cassandra.");
            System.exit(EXIT_PARENT_GONE);
        }
        parent.get().onExit().thenRun(CassandraChildMain::parentGone);
    }

    private static void parentGone() {
        System.err.println("Parent process is gone; stopping Cassandra.");
        Thread halter = new Thread(CassandraChildMain::haltAfterGrace, "tally-parent-gone-halt");
        halter.setDaemon(true);
        halter.start();
        System.exit(EXIT_PARENT_GONE);
    }

    private static void haltAfterGrace() {
        try {
            Thread.sleep(SHUTDOWN_GRACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(EXIT_PARENT_GONE);
    }
}
