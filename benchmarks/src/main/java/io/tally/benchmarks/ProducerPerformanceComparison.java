package io.tally.benchmarks;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end cost of the producer agent: Kafka's own {@code ProducerPerformance} tool against the bundled broker,
 * with and without {@code interceptor.classes=io.tally.agent.AuditProducerInterceptor}, alternating in one run, each
 * run in a fresh JVM. Prints every run and the ratio of the medians (audited / plain throughput). The tool runs with
 * {@code --print-metrics}, so that its total is taken after a flush and before {@code close()}: without it the
 * total includes closing the producer, which for the audited run includes the agent's last flush (a one-time
 * ~0.1 s, not a throughput cost).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.tally.benchmarks.ProducerPerformanceComparison [records]
 * [rounds]}
 */
public final class ProducerPerformanceComparison {
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");

    private ProducerPerformanceComparison() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (BundledBroker broker = BundledBroker.start(BrokerConfig.builder().temporaryDataDir().listenerPort(0)
                .build())) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("perf", 3, (short) 1), new NewTopic("tally.audit", 3, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            run(broker, records / 5, false);   // warm the broker
            double[] plain = new double[rounds];
            double[] audited = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                plain[i] = run(broker, records, false);
                audited[i] = run(broker, records, true);
                System.out.printf("round %d: plain %.0f records/s, audited %.0f records/s%n", i + 1, plain[i],
                        audited[i]);
            }
            double ratio = median(audited) / median(plain);
            System.out.printf("median plain %.0f records/s, median audited %.0f records/s, ratio %.3f "
                    + "(%d records of 1 KiB per run, %d rounds)%n", median(plain), median(audited), ratio, records,
                    rounds);
        }
    }

    private static double run(BundledBroker broker, int records, boolean audited) throws Exception {
        String jar = Path.of(ProducerPerformanceComparison.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()).toString();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp", jar,
                "org.apache.kafka.tools.ProducerPerformance", "--topic", "perf", "--num-records",
                String.valueOf(records), "--record-size", "1024", "--throughput", "-1", "--print-metrics", "--command-property",
                "bootstrap.servers=" + broker.bootstrapServers(), "acks=1", "linger.ms=5", "batch.size=65536"));
        if (audited) {
            command.add("interceptor.classes=io.tally.agent.AuditProducerInterceptor");
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String summary = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.append(line).append('\n');
                if (SUMMARY.matcher(line).find() && line.contains("99th")) {
                    summary = line;
                }
            }
        }
        if (process.waitFor() != 0 || summary == null) {
            throw new IllegalStateException("ProducerPerformance failed: " + String.join(" ", command) + "\n" + output);
        }
        Matcher m = SUMMARY.matcher(summary);
        if (!m.find()) {
            throw new IllegalStateException("unexpected summary: " + summary);
        }
        return Double.parseDouble(m.group(2));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
