package io.tally.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar target/tally.jar ...} as a child process, the way the launcher runs it: its output kept line by
 * line (stdout and stderr merged), and the signals a user sends it. The output goes to a file that is followed, not
 * to a pipe: what a process writes while it exits is then never lost.
 */
final class ChildTally implements AutoCloseable {
    private static final Path JAR = Path.of("target", "tally.jar").toAbsolutePath();

    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ChildTally(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.reader = new Thread(this::read, "child-tally-output");
        reader.setDaemon(true);
        reader.start();
    }

    static ChildTally start(String... args) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: integration tests run after the package phase");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("tally-child-", ".log");
        return new ChildTally(
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start(),
                log);
    }

    /** Follows the output file until the process has exited and every line is read. */
    private void read() {
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            StringBuilder partial = new StringBuilder();
            while (true) {
                boolean exited = !process.isAlive();
                int c;
                boolean any = false;
                while ((c = in.read()) >= 0) {
                    any = true;
                    if (c == '\n') {
                        add(partial.toString());
                        partial.setLength(0);
                    } else {
                        partial.append((char) c);
                    }
                }
                if (exited && !any) {
                    if (partial.length() > 0) {
                        add(partial.toString());
                    }
                    return;
                }
                Thread.sleep(100);
            }
        } catch (IOException | InterruptedException e) {
            // the test is over
        }
    }

    private void add(String line) {
        System.out.println("[tally " + process.pid() + "] " + line);
        synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
        }
    }

    /** Waits for a line matching {@code regex}; returns its match, or fails naming the output so far. */
    Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        Instant deadline = Instant.now().plus(timeout);
        int next = 0;
        synchronized (lines) {
            while (true) {
                for (; next < lines.size(); next++) {
                    Matcher m = pattern.matcher(lines.get(next));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new AssertionError("no line matching /" + regex + "/ within " + timeout
                            + (process.isAlive() ? "" : " (the process exited)") + "; output:\n" + output());
                }
                lines.wait(Math.min(left, 1000));
            }
        }
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Every process started by this one, and by those, now. */
    List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    /** SIGTERM, as Ctrl-C or {@code kill} does. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL: no shutdown hook runs. */
    void kill() {
        process.destroyForcibly();
    }

    /** @return the exit status, or empty if it is still running after {@code timeout} */
    Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
        }
        reader.join(10_000);
        return Optional.of(process.exitValue());
    }

    @Override
    public void close() throws InterruptedException, IOException {
        List<ProcessHandle> children = descendants();
        process.destroy(); // a clean stop first, so that it removes what it made (the demo's folder)
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
        reader.join(10_000);
        Files.deleteIfExists(log);
    }
}
