package io.tally.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end cost of the producer agent: Kafka's own {@code ProducerPerformance} tool against the bundled broker,
 * with and without {@code interceptor.classes=io.tally.agent.AuditProducerInterceptor}, alternating in one run, each
 * run in a fresh JVM, with two controls: an interceptor that does nothing, and one that only stamps the
 * {@code tally.id} header. Prints every run, the ratio of each variant to the plain run of the same round, and the
 * medians of those ratios.
 *
 * <p>What keeps runs comparable: every run writes to a topic of its own, deleted after it, so that each starts on
 * an empty log; the broker's data lives on {@code /dev/shm} when there is one, so that the page cache's write-back
 * of earlier runs does not land in later ones; the order of the variants changes from round to round in a balanced
 * design ({@link RunOrder}), so that none is always first, or always behind the same other one; with {@code --pin},
 * the broker's JVM is bound to CPU 0 and the tool's JVMs to CPU 1 ({@code taskset}; the harness pins itself), so
 * that the producer's cost — the agent's included — is what limits the rate. The tool runs with
 * {@code --print-metrics}, so that its total is taken after a flush and before {@code close()}: without it the total
 * includes closing the producer, which for the audited run includes the agent's last flush (a one-time ~0.1 s, not a
 * throughput cost). The rate is the tool's steady state: its first records (a quarter by default) warm the JIT
 * (which, in a short run, takes a large and variable share of two cores, more so with more classes to compile) and
 * are left out.
 *
 * <p>With {@code --rate=N} every run is throttled to N records/s, below what any variant can reach, and the harness
 * reports instead the CPU time the producer's JVM spends per record between the end of the warm-up and the end of
 * the run (from {@code /proc}): on a shared machine that figure varies far less than a saturated rate does, and
 * with {@code --pin} the ratio of two such figures is the ratio of the rates the producer's one core would reach.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.tally.benchmarks.ProducerPerformanceComparison
 * [records] [rounds] [warm-up records] [--pin] [--rate=N] [--variants=plain,no-op,header,audited]}: with
 * {@code --variants}, only those (plain first, the one the others are compared with). Each ratio's 95% interval is
 * a bootstrap over the rounds: a target is shown met only when the interval clears it.
 */
public final class ProducerPerformanceComparison {
    private static final Pattern STEADY = Pattern.compile("(\\d+) steady state records sent, ([\\d.]+) records/sec");

    private ProducerPerformanceComparison() {}

    /** One run: the tool's steady-state rate, and in throttled runs the producer's CPU time per record. */
    private record Run(double recordsPerSecond, double cpuMicrosPerRecord) {}

    public static void main(String[] args) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(args));
        boolean pin = arguments.remove("--pin");
        int rate = -1;
        List<ProducerVariant> variants = List.of(ProducerVariant.values());
        for (String argument : List.copyOf(arguments)) {
            if (argument.startsWith("--rate=")) {
                rate = Integer.parseInt(argument.substring("--rate=".length()));
                arguments.remove(argument);
            } else if (argument.startsWith("--variants=")) {
                variants = ProducerVariant.parse(argument);
                arguments.remove(argument);
            }
        }
        if (variants.isEmpty() || variants.get(0) != ProducerVariant.PLAIN) {
            throw new IllegalArgumentException(
                    "--variants: the first must be plain, the one the others are " + "compared with");
        }
        if (rate > 0 && !ProcessCpu.available()) {
            throw new IllegalStateException("--rate needs /proc to read the producer's CPU time");
        }
        int records = arguments.size() > 0 ? Integer.parseInt(arguments.get(0)) : 1_000_000;
        int rounds = arguments.size() > 1 ? Integer.parseInt(arguments.get(1)) : 8;
        int warmup = arguments.size() > 2 ? Integer.parseInt(arguments.get(2)) : records / 4;
        try (PerformanceBroker broker = PerformanceBroker.start(pin)) {
            // the broker's JIT: a run of each variant at full length before any is counted (shorter warm-ups
            // left the first rounds' rates rising from round to round)
            for (ProducerVariant v : variants) {
                run(broker, records, warmup, -1, v, pin);
            }
            int n = variants.size();
            RunOrder order = new RunOrder(n);
            if (rounds % order.cycle() != 0) {
                System.out.printf(
                        "(the order of the runs is balanced every %d rounds; %d is not a multiple)%n",
                        order.cycle(), rounds);
            }
            Run[][] runs = new Run[n][rounds];
            for (int round = 0; round < rounds; round++) {
                StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
                for (int k = 0; k < n; k++) {
                    int v = order.variant(round, k);
                    Run r = run(broker, records, warmup, rate, variants.get(v), pin);
                    runs[v][round] = r;
                    line.append(
                            rate > 0
                                    ? String.format(" %s %.2f", variants.get(v).label, r.cpuMicrosPerRecord())
                                    : String.format(" %s %.0f", variants.get(v).label, r.recordsPerSecond()));
                }
                System.out.println(line.append(rate > 0 ? " CPU µs/record" : " records/s"));
            }
            System.out.printf(
                    "%d records of 1 KiB per run (the last %d counted), %d rounds, broker data on %s%s%s%n",
                    records,
                    records - warmup,
                    rounds,
                    broker.onTmpfs() ? "tmpfs" : "disk",
                    pin ? ", broker on CPU 0, producer on CPU 1" : "",
                    rate > 0 ? ", throttled to " + rate + " records/s" : "");
            for (int v = 0; v < n; v++) {
                report(variants.get(v), runs[0], runs[v], rate > 0);
            }
        }
    }

    /** Prints a variant's median figure and its ratio to plain in the same round: median, 95% interval, range. */
    private static void report(ProducerVariant variant, Run[] plain, Run[] runs, boolean throttled) {
        int rounds = runs.length;
        double[] ratios = new double[rounds];
        double[] values = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            // throttled: plain's CPU per record over this one's, the rate ratio on a saturated core
            ratios[round] = throttled
                    ? plain[round].cpuMicrosPerRecord() / runs[round].cpuMicrosPerRecord()
                    : runs[round].recordsPerSecond() / plain[round].recordsPerSecond();
            values[round] = throttled ? runs[round].cpuMicrosPerRecord() : runs[round].recordsPerSecond();
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        double[] interval = RoundStatistics.medianInterval(ratios, 0.95);
        System.out.printf(
                "  %-18s median %,9.2f %s; ratio to plain in the same round: median %.3f "
                        + "(95%% interval %.3f-%.3f; min %.3f, max %.3f)%n",
                variant.label,
                RoundStatistics.median(values),
                throttled ? "CPU µs/record" : "records/s",
                RoundStatistics.median(ratios),
                interval[0],
                interval[1],
                sorted[0],
                sorted[rounds - 1]);
    }

    private static Run run(
            PerformanceBroker broker, int records, int warmup, int rate, ProducerVariant variant, boolean pin)
            throws Exception {
        String topic = broker.createTopic();
        List<String> command = ProducerPerformanceCommand.of(
                broker.bootstrapServers(), topic, records, warmup, rate, variant, pin ? 1 : -1, false);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CpuWindow cpu = rate > 0 ? new CpuWindow(process.pid(), warmup / (double) rate, 0.95 * records / rate) : null;
        String summary = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.append(line).append('\n');
                if (STEADY.matcher(line).find()) {
                    summary = line;
                }
            }
        }
        if (process.waitFor() != 0 || summary == null) {
            throw new IllegalStateException("ProducerPerformance failed: " + String.join(" ", command) + "\n" + output);
        }
        broker.deleteTopic(topic);
        Matcher m = STEADY.matcher(summary);
        if (!m.find()) {
            throw new IllegalStateException("unexpected summary: " + summary);
        }
        double achieved = Double.parseDouble(m.group(2));
        if (cpu == null) {
            return new Run(achieved, Double.NaN);
        }
        if (achieved < 0.97 * rate) {
            throw new IllegalStateException("the producer reached only " + achieved + " of the " + rate
                    + " records/s asked: lower --rate so that every variant keeps up");
        }
        return new Run(achieved, cpu.microsPerRecord(rate));
    }

    /** The producer's CPU time between two instants of its run, read from a thread of the harness. */
    private static final class CpuWindow {
        private final Thread reader;
        private volatile long cpuMillis = -1;
        private volatile double seconds;

        private CpuWindow(long pid, double fromSeconds, double toSeconds) {
            reader = new Thread(
                    () -> {
                        try {
                            Thread.sleep((long) (fromSeconds * 1000));
                            long t0 = System.nanoTime();
                            long c0 = ProcessCpu.millis(pid);
                            Thread.sleep((long) ((toSeconds - fromSeconds) * 1000));
                            long c1 = ProcessCpu.millis(pid);
                            seconds = (System.nanoTime() - t0) / 1e9;
                            cpuMillis = c1 - c0;
                        } catch (Exception e) {
                            cpuMillis = -1;
                        }
                    },
                    "cpu-window");
            reader.start();
        }

        double microsPerRecord(int rate) throws InterruptedException {
            reader.join();
            if (cpuMillis < 0) {
                throw new IllegalStateException("the producer's CPU time could not be read during its run");
            }
            return cpuMillis * 1000.0 / (rate * seconds);
        }
    }
}
