package io.tally.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used so far, threads that ended included, from Linux's {@code /proc/<pid>/stat}: two
 * readings bracket a window of a run, so that start-up and the JIT's first compilations stay out of it.
 */
final class ProcessCpu {
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcessCpu() {}

    /** @return whether this machine exposes per-process CPU time the way {@link #millis} reads it */
    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/stat"));
    }

    /** @return user + system CPU time of {@code pid} so far, in milliseconds */
    static long millis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // the command name (2nd field) is in parentheses and may hold spaces: count fields after its end
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime: fields 14 and 15
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    /** @return {idle, total} clock ticks of one CPU since boot, from {@code /proc/stat} */
    static long[] cpuTicks(int cpu) throws IOException {
        String prefix = "cpu" + cpu + " ";
        for (String line : Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)) {
            if (line.startsWith(prefix)) {
                String[] fields = line.substring(prefix.length()).trim().split("\\s+");
                long total = 0;
                for (String field : fields) {
                    total += Long.parseLong(field);
                }
                return new long[] {Long.parseLong(fields[3]), total}; // idle is the 4th
            }
        }
        throw new IOException("no " + prefix.trim() + " in /proc/stat");
    }

    /** Pins every thread of this JVM, and those it starts later, to {@code cpu}. */
    static void pinThisProcess(int cpu) throws IOException, InterruptedException {
        Process taskset = new ProcessBuilder(
                        "taskset",
                        "-a",
                        "-c",
                        "-p",
                        Integer.toString(cpu),
                        Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true)
                .start();
        String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (taskset.waitFor() != 0) {
            throw new IOException("taskset failed: " + output);
        }
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
