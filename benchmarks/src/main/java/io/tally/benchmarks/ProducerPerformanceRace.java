package io.tally.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Kafka's producer performance tool run twice at once on one core: plain and a variant, each in a JVM and a
 * scheduling group of its own ({@code setsid}), both bound to CPU 1, the broker to CPU 0. Alternating runs on a shared
 * virtual machine differ from round to round by ±15% (the host's interference comes and goes over seconds); two runs
 * sharing one core at the grain of the scheduler's time slices suffer it together. The core is split evenly between
 * them, so the ratio of their rates — records appended to each one's topic in a common window, read from the broker —
 * is the ratio of the rates each would reach alone on that core, as long as the core, not the broker, holds them
 * back: the harness reports the core's idle share, which must stay near zero. The CPU time each used per record in
 * the window is reported as a second reading of the same ratio, one that does not rely on an even split.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.tally.benchmarks.ProducerPerformanceRace [races]
 * [warm-up seconds] [window seconds] [--variants=no-op,header,audited]}: each race runs every variant once against
 * plain, in turn; which of the two starts first alternates from race to race.
 */
public final class ProducerPerformanceRace {
    private static final int PRODUCER_CPU = 1;

    private ProducerPerformanceRace() {}

    /** What one race measured: a variant's rate and CPU per record over plain's, and the core's idle share. */
    private record Race(double rateRatio, double cpuRatio, double plainRate, double variantRate, double idle) {}

    public static void main(String[] args) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(args));
        List<ProducerVariant> variants =
                List.of(ProducerVariant.NO_OP, ProducerVariant.HEADER, ProducerVariant.AUDITED);
        for (String argument : List.copyOf(arguments)) {
            if (argument.startsWith("--variants=")) {
                variants = ProducerVariant.parse(argument);
                arguments.remove(argument);
            }
        }
        if (variants.contains(ProducerVariant.PLAIN)) {
            throw new IllegalArgumentException("--variants: plain runs in every race already; name the others");
        }
        if (!ProcessCpu.available()) {
            throw new IllegalStateException("the race reads CPU times from /proc, which this machine lacks");
        }
        int races = arguments.size() > 0 ? Integer.parseInt(arguments.get(0)) : 6;
        int warmupSeconds = arguments.size() > 1 ? Integer.parseInt(arguments.get(1)) : 15;
        int windowSeconds = arguments.size() > 2 ? Integer.parseInt(arguments.get(2)) : 20;
        try (PerformanceBroker broker = PerformanceBroker.start(true)) {
            // warms the broker's JIT, and shows the method's own spread: plain against plain
            Race same = race(broker, ProducerVariant.PLAIN, true, warmupSeconds, windowSeconds);
            System.out.printf(
                    "warm-up, plain against plain: %.0f vs %.0f = %.3f (CPU %.3f, idle %.1f%%)%n",
                    same.variantRate(), same.plainRate(), same.rateRatio(), same.cpuRatio(), 100 * same.idle());
            List<List<Race>> results = new ArrayList<>();
            variants.forEach(v -> results.add(new ArrayList<>()));
            for (int r = 0; r < races; r++) {
                StringBuilder line = new StringBuilder("race " + (r + 1) + ":");
                for (int v = 0; v < variants.size(); v++) {
                    Race race = race(broker, variants.get(v), r % 2 == 0, warmupSeconds, windowSeconds);
                    results.get(v).add(race);
                    line.append(String.format(
                            " %s %.0f vs plain %.0f = %.3f (CPU %.3f, idle %.1f%%);",
                            variants.get(v).label,
                            race.variantRate(),
                            race.plainRate(),
                            race.rateRatio(),
                            race.cpuRatio(),
                            100 * race.idle()));
                }
                System.out.println(line);
            }
            System.out.printf(
                    "%d races, %d s warm-up, %d s window, 1 KiB records, broker on CPU 0 (data on %s), "
                            + "both producers on CPU %d%n",
                    races, warmupSeconds, windowSeconds, broker.onTmpfs() ? "tmpfs" : "disk", PRODUCER_CPU);
            for (int v = 0; v < variants.size(); v++) {
                List<Race> rs = results.get(v);
                double[] rates = rs.stream().mapToDouble(Race::rateRatio).toArray();
                double[] cpus = rs.stream().mapToDouble(Race::cpuRatio).toArray();
                double[] rateInterval = RoundStatistics.medianInterval(rates, 0.95);
                double[] cpuInterval = RoundStatistics.medianInterval(cpus, 0.95);
                System.out.printf(
                        "  %-18s rate / plain's: median %.3f (95%% interval %.3f-%.3f); plain's CPU per "
                                + "record / its: median %.3f (%.3f-%.3f); core idle: median %.1f%%%n",
                        variants.get(v).label,
                        RoundStatistics.median(rates),
                        rateInterval[0],
                        rateInterval[1],
                        RoundStatistics.median(cpus),
                        cpuInterval[0],
                        cpuInterval[1],
                        100
                                * RoundStatistics.median(
                                        rs.stream().mapToDouble(Race::idle).toArray()));
            }
        }
    }

    private static Race race(
            PerformanceBroker broker, ProducerVariant variant, boolean plainFirst, int warmupSeconds, int windowSeconds)
            throws Exception {
        String plainTopic = broker.createTopic();
        String variantTopic = broker.createTopic();
        Runner plain = null;
        Runner other = null;
        try {
            if (plainFirst) {
                plain = Runner.start(broker, plainTopic, ProducerVariant.PLAIN);
                other = Runner.start(broker, variantTopic, variant);
            } else {
                other = Runner.start(broker, variantTopic, variant);
                plain = Runner.start(broker, plainTopic, ProducerVariant.PLAIN);
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
            List<String> topics = List.of(plainTopic, variantTopic);
            Map<String, Long> records0 = broker.records(topics);
            long plainCpu0 = plain.cpuMillis();
            long otherCpu0 = other.cpuMillis();
            long[] core0 = ProcessCpu.cpuTicks(PRODUCER_CPU);
            long t0 = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(windowSeconds));
            Map<String, Long> records1 = broker.records(topics);
            long plainCpu = plain.cpuMillis() - plainCpu0;
            long otherCpu = other.cpuMillis() - otherCpu0;
            long[] core1 = ProcessCpu.cpuTicks(PRODUCER_CPU);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long plainRecords = records1.get(plainTopic) - records0.get(plainTopic);
            long otherRecords = records1.get(variantTopic) - records0.get(variantTopic);
            if (plainRecords == 0 || otherRecords == 0) {
                throw new IllegalStateException("a producer appended nothing in the window: plain " + plainRecords
                        + ", " + variant.label + " " + otherRecords);
            }
            double idle = (core1[0] - core0[0]) / (double) Math.max(1, core1[1] - core0[1]);
            return new Race(
                    otherRecords / (double) plainRecords,
                    (plainCpu / (double) plainRecords) / (otherCpu / (double) otherRecords),
                    plainRecords / seconds,
                    otherRecords / seconds,
                    idle);
        } finally {
            if (plain != null) {
                plain.stop();
            }
            if (other != null) {
                other.stop();
            }
            broker.deleteTopic(plainTopic);
            broker.deleteTopic(variantTopic);
        }
    }

    /** One producer performance JVM, unthrottled and without end, its output kept in a file for a failure's report. */
    private record Runner(Process process, Path output) {
        static Runner start(PerformanceBroker broker, String topic, ProducerVariant variant) throws IOException {
            Path output = Files.createTempFile("tally-race-", ".log");
            List<String> command = ProducerPerformanceCommand.of(
                    broker.bootstrapServers(), topic, Long.MAX_VALUE / 2, 0, -1, variant, PRODUCER_CPU, true);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            return new Runner(process, output);
        }

        long cpuMillis() throws IOException {
            if (!process.isAlive()) {
                throw new IllegalStateException("the producer stopped during the race:\n" + Files.readString(output));
            }
            return ProcessCpu.millis(process.pid());
        }

        void stop() throws InterruptedException, IOException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(output);
        }
    }
}
