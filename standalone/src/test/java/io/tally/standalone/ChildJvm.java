package io.tally.standalone;

import io.tally.testing.Eventually;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A class of the test class path run as {@code main} in a JVM of its own, so that a test can kill it the way
 * machines die ({@code SIGKILL}) or stop it the way operators do ({@code SIGTERM}). Its output goes to a file.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ChildJvm start(Class<?> main, Path log, String... args) throws IOException {
        return start(System.getProperty("java.class.path"), List.of(), main.getName(), log, args);
    }

    /** Runs {@code mainClass} of {@code classPath} (a class path of other jars), with {@code jvmOptions}. */
    static ChildJvm start(String classPath, List<String> jvmOptions, String mainClass, Path log, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(List.of(args));
        Files.createDirectories(log.getParent());
        return new ChildJvm(
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.to(log.toFile())) // a file left by an earlier build is replaced
                        .start(),
                log);
    }

    /** @return whether the JVM still runs */
    boolean alive() {
        return process.isAlive();
    }

    /** @return the file its output goes to */
    Path log() {
        return log;
    }

    /** Waits until the output has a line equal to {@code line}; fails naming the log if the JVM ends first. */
    void awaitLine(String line, Duration timeout) throws Exception {
        boolean printed = Eventually.await(
                timeout,
                Duration.ofMillis(200),
                "'" + line + "' in " + log,
                () -> Files.readAllLines(log, StandardCharsets.UTF_8).contains(line),
                seen -> seen || !process.isAlive());
        if (!printed && !Files.readAllLines(log, StandardCharsets.UTF_8).contains(line)) {
            throw new AssertionError("the child JVM ended (exit " + process.exitValue() + ") before printing '" + line
                    + "'; see " + log);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, and waits for the JVM to end (its shutdown hooks close what it runs). */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
