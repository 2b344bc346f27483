package io.tally.benchmarks;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of one run of {@code org.apache.kafka.tools.ProducerPerformance} in a JVM of its own, on this
 * module's jar: 1 KiB records, {@code acks=1}, {@code linger.ms=5}, {@code batch.size=65536}, the variant's
 * interceptor.
 */
final class ProducerPerformanceCommand {
    private ProducerPerformanceCommand() {}

    /**
     * @param rate          records/s, or -1 for as fast as the producer goes
     * @param cpu           the CPU to bind the JVM to ({@code taskset}), or -1 for any
     * @param ownSession    whether to start it in a session of its own ({@code setsid}): Linux then schedules it as a
     *                      group apart (autogroup), so that two such JVMs sharing a core get equal halves of it
     *                      whatever their numbers of threads
     */
    static List<String> of(
            String bootstrapServers,
            String topic,
            long records,
            long warmup,
            int rate,
            ProducerVariant variant,
            int cpu,
            boolean ownSession) {
        List<String> command = new ArrayList<>();
        if (cpu >= 0) {
            command.addAll(List.of("taskset", "-c", Integer.toString(cpu))); // taskset then executes the rest
        }
        if (ownSession) {
            command.add("setsid");
        }
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                jar(),
                "org.apache.kafka.tools.ProducerPerformance",
                "--topic",
                topic,
                "--num-records",
                String.valueOf(records),
                "--warmup-records",
                String.valueOf(warmup),
                "--record-size",
                "1024",
                "--throughput",
                String.valueOf(rate),
                "--print-metrics",
                "--command-property",
                "bootstrap.servers=" + bootstrapServers,
                "acks=1",
                "linger.ms=5",
                "batch.size=65536"));
        if (variant.interceptor != null) {
            command.add("interceptor.classes=" + variant.interceptor);
        }
        return command;
    }

    private static String jar() {
        try {
            return Path.of(ProducerPerformanceCommand.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
