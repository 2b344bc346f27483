package io.tally.storage.internal;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the node's JVM.
 *
 * <p>The {@code --add-exports}/{@code --add-opens} block and the Netty properties are those of Cassandra's own
 * {@code conf/jvm17-server.options}; the rest sizes the JVM for a small local node and points Cassandra at the
 * generated configuration. Main class: {@link CassandraChildMain}, which runs
 * {@code org.apache.cassandra.service.CassandraDaemon}.
 */
public final class ChildJvmCommand {
    /** The main class of the child JVM. */
    public static final String MAIN_CLASS = CassandraChildMain.class.getName();

    /** From Cassandra 5.0's conf/jvm17-server.options ("JPMS" section). */
    static final List<String> JPMS_FLAGS = List.of(
            "-Djdk.attach.allowAttachSelf=true",
            "--add-exports",
            "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports",
            "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports",
            "java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports",
            "java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports",
            "java.sql/java.sql=ALL-UNNAMED",
            "--add-exports",
            "java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports",
            "jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports",
            "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports",
            "jdk.attach/sun.tools.attach=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens",
            "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.io=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens",
            "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.util=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.nio=ALL-UNNAMED");

    /** From Cassandra 5.0's conf/jvm17-server.options ("Netty Options" section). */
    static final List<String> NETTY_FLAGS = List.of(
            "-Dio.netty.tryReflectionSetAccessible=true",
            "-Dio.netty.allocator.useCacheForAllThreads=true",
            "-Dio.netty.allocator.maxOrder=11");

    private ChildJvmCommand() {}

    /**
     * @param javaHome the Java 17 home to run
     * @param heapMb heap in MiB, for both -Xms and -Xmx
     * @param layout the node's folders
     * @param libDir the folder of the server jars
     * @param parentPid the process the child watches and exits with
     */
    public static List<String> build(Path javaHome, int heapMb, NodeLayout layout, Path libDir, long parentPid) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        cmd.add("-Xms" + heapMb + "m");
        cmd.add("-Xmx" + heapMb + "m");
        cmd.add("-Xss256k");
        cmd.add("-XX:+UseG1GC");
        cmd.add("-XX:+ParallelRefProcEnabled");
        cmd.add("-XX:+PerfDisableSharedMem");
        cmd.add("-XX:ErrorFile=" + layout.logDir().resolve("hs_err_pid%p.log"));
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.addAll(JPMS_FLAGS);
        cmd.addAll(NETTY_FLAGS);
        cmd.add("-Djava.io.tmpdir=" + layout.tmpDir());
        cmd.add("-Dcassandra.config=" + layout.yamlFile().toUri());
        cmd.add("-Dcassandra-foreground=yes");
        cmd.add("-Dcassandra.storagedir=" + layout.root());
        cmd.add("-Dcassandra.logdir=" + layout.logDir());
        cmd.add("-Dlogback.configurationFile=" + layout.logbackFile().toUri());
        cmd.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
        // a single node has nobody to announce its shutdown to: skip the 2 s wait
        cmd.add("-Dcassandra.shutdown_announce_in_ms=0");
        cmd.add("-D" + CassandraChildMain.PARENT_PID_PROPERTY + "=" + parentPid);
        cmd.add("-cp");
        cmd.add(layout.launcherDir() + File.pathSeparator + libDir.resolve("*"));
        cmd.add(MAIN_CLASS);
        return cmd;
    }
}
