package io.tally.standalone;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally demo}: Tally on a real pipeline that loses, duplicates and delays messages, in one command. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Start all of Tally on this machine (as 'tally standalone', in a fresh temporary folder, with "
                    + "10 s buckets) and run a small real pipeline through the agents: a producer and four consumer "
                    + "groups, one healthy, one that loses records, one that reads some twice and one that is slow. "
                    + "Prints what it does and what Tally finds; the API and dashboard show it too.",
            "Stops after --duration, or at Ctrl-C, and deletes its folder."
        })
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            description = "Stop by itself after this long (for example 3m); without it, run until Ctrl-C.")
    Duration duration;

    @Option(
            names = "--api-port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "Port of the API and dashboard; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Override
    public Integer call() throws Exception {
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("--duration must be positive, was " + duration);
        }
        // before anything logs: the demo tells its own story; warnings of Tally and errors of the rest still show
        System.setProperty("tally.log.level", "WARN");
        System.setProperty("tally.log.root", "ERROR");
        return Demo.run(apiPort, duration, System.out);
    }
}
