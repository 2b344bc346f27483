package io.tally.aggregator;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the job jar for {@code flink run}:
 * <pre>
 *   flink run aggregator/target/tally-aggregator-job.jar [aggregation|log-tier|all] [--KEY VALUE | KEY=VALUE]...
 * </pre>
 * The first argument picks the pipeline (default {@code all}: both in one job); the others are
 * {@link AggregatorConfig} settings, for example {@code --tally.kafka.bootstrap.servers kafka:9092}. Flink's own
 * settings (state backend, checkpoint storage) come from the cluster or {@code -D} options of {@code flink run}.
 */
public final class AggregatorMain {
    private AggregatorMain() {}

    public static void main(String[] args) throws Exception {
        String which = "all";
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("-") && !args[0].contains("=")) {
            which = args[0];
            i = 1;
        }
        AggregatorConfig config = AggregatorConfig.fromProperties(settings(args, i));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Jobs.configure(env, config);
        Jobs.ensureTopics(config);
        switch (which) {
            case "aggregation" -> AggregationJob.addTo(env, config);
            case "log-tier" -> LogTierJob.addTo(env, config);
            case "all" -> {
                AggregationJob.addTo(env, config);
                LogTierJob.addTo(env, config);
            }
            default ->
                throw new IllegalArgumentException(
                        "first argument must be aggregation, log-tier or all, was '" + which + "'");
        }
        env.execute(
                which.equals("aggregation")
                        ? AggregationJob.NAME
                        : which.equals("log-tier") ? LogTierJob.NAME : LocalAggregator.JOB_NAME);
    }

    /** @return the settings in {@code args} from index {@code from}: {@code --key value} or {@code key=value} */
    static Map<String, String> settings(String[] args, int from) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--")) {
                String key = arg.substring(2);
                int eq = key.indexOf('=');
                if (eq > 0) {
                    out.put(key.substring(0, eq), key.substring(eq + 1));
                } else if (i + 1 < args.length) {
                    out.put(key, args[++i]);
                } else {
                    throw new IllegalArgumentException("setting '" + key + "' has no value");
                }
            } else if (arg.indexOf('=') > 0) {
                out.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
        }
        return out;
    }
}
