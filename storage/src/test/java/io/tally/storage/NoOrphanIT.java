package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.testing.Eventually;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node never outlives the process that started it, even when that process is killed with SIGKILL. */
class NoOrphanIT {
    private static final Duration PARENT_START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration CHILD_EXIT_TIMEOUT = Duration.ofSeconds(45);

    @Test
    void the_node_exits_when_its_parent_is_killed(@TempDir Path dir) throws Exception {
        Process parent = startParent(dir.resolve("cassandra"), dir.resolve("parent.log"));
        long childPid = -1;
        try {
            childPid = awaitChildPid(parent);
            assertThat(ProcessHandle.of(childPid)).get().matches(ProcessHandle::isAlive);

            parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
            assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long killedAt = System.nanoTime();

            long child = childPid;
            Eventually.await(
                    CHILD_EXIT_TIMEOUT,
                    Duration.ofMillis(200),
                    "Cassandra process " + child + " to be gone after its parent's death",
                    () -> !ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));
            System.out.printf(
                    "Cassandra process %d exited %d ms after its parent was killed%n",
                    childPid, (System.nanoTime() - killedAt) / 1_000_000);
        } finally {
            parent.destroyForcibly();
            if (childPid > 0) {
                ProcessHandle.of(childPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static Process startParent(Path dataDir, Path log) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        Optional.ofNullable(System.getProperty(LocalCassandraConfig.LIB))
                .ifPresent(lib -> cmd.add("-D" + LocalCassandraConfig.LIB + "=" + lib));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(NodeParentMain.class.getName());
        cmd.add(dataDir.toString());
        return new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    }

    private static long awaitChildPid(Process parent) throws Exception {
        CompletableFuture<Long> pid = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(NodeParentMain.PID_LINE)) {
                        return Long.parseLong(
                                line.substring(NodeParentMain.PID_LINE.length()).trim());
                    }
                }
                throw new IllegalStateException("parent exited with " + parent.waitFor() + " before starting the node");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return pid.get(PARENT_START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
