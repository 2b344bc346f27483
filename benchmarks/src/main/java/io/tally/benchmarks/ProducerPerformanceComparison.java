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
 * run in a fresh JVM, with two controls: an interceptor that does nothing, and one that only stamps the
 * {@code tally.id} header. Prints every run and the ratios of the medians to the plain throughput. The tool runs with
 * {@code --print-metrics}, so that its total is taken after a flush and before {@code close()}: without it the
 * total includes closing the producer, which for the audited run includes the agent's last flush (a one-time
 * ~0.1 s, not a throughput cost).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.tally.benchmarks.ProducerPerformanceComparison [records]
 * [rounds]}
 */
public final class ProducerPerformanceComparison {
    private static final String AUDIT = "io.tally.agent.AuditProducerInterceptor";
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
            run(broker, records / 5, null);   // warm the broker
            double[] plain = new double[rounds];
            double[] noop = new double[rounds];
            double[] stamp = new double[rounds];
            double[] audited = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                plain[i] = run(broker, records, null);
                noop[i] = run(broker, records, NoopProducerInterceptor.class.getName());
                stamp[i] = run(broker, records, StampOnlyProducerInterceptor.class.getName());
                audited[i] = run(broker, records, AUDIT);
                System.out.printf("round %d: plain %.0f, no-op interceptor %.0f, id header only %.0f, audited %.0f "
                        + "records/s%n", i + 1, plain[i], noop[i], stamp[i], audited[i]);
            }
            System.out.printf("medians: plain %.0f, no-op interceptor %.0f, id header only %.0f, audited %.0f records/s; "
                    + "audited/plain %.3f, no-op/plain %.3f, header-only/plain %.3f (%d records of 1 KiB per run, "
                    + "%d rounds)%n", median(plain), median(noop), median(stamp), median(audited),
                    median(audited) / median(plain), median(noop) / median(plain), median(stamp) / median(plain),
                    records, rounds);
        }
    }

    private static double run(BundledBroker broker, int records, String interceptor) throws Exception {
        String jar = Path.of(ProducerPerformanceComparison.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()).toString();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp", jar,
                "org.apache.kafka.tools.ProducerPerformance", "--topic", "perf", "--num-records",
                String.valueOf(records), "--record-size", "1024", "--throughput", "-1", "--print-metrics", "--command-property",
                "bootstrap.servers=" + broker.bootstrapServers(), "acks=1", "linger.ms=5", "batch.size=65536"));
        if (interceptor != null) {
            command.add("interceptor.classes=" + interceptor);
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
