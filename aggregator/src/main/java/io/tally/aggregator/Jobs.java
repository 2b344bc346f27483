package io.tally.aggregator;

import io.tally.aggregator.internal.kafka.TopicSetup;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Shared set-up of the jobs: the Flink settings they need (checkpointing, retained checkpoints, object reuse,
 * parallelism) and the creation of Tally's topics.
 */
public final class Jobs {
    private Jobs() {}

    /** @return the Flink settings the jobs need, from {@code config} */
    public static Configuration flinkSettings(AggregatorConfig config) {
        Configuration flink = new Configuration();
        flink.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL, config.duration(AggregatorConfig.CHECKPOINT_INTERVAL_MS));
        flink.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        flink.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
        String dir = config.getString(AggregatorConfig.CHECKPOINT_DIR);
        if (dir != null) {
            flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        }
        // a job that keeps failing (a restore that cannot succeed, a cluster that refuses) fails, visibly, instead of
        // restarting for as long as it runs
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(1));
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, Duration.ofHours(1));
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
                config.getInt(AggregatorConfig.MAX_RESTARTS));
        // the functions neither keep nor change their inputs, so records can pass between chained operators uncopied
        flink.set(PipelineOptions.OBJECT_REUSE, true);
        return flink;
    }

    /** Applies {@link #flinkSettings} to {@code env}. */
    public static void configure(StreamExecutionEnvironment env, AggregatorConfig config) {
        env.configure(flinkSettings(config));
        env.setParallelism(config.getInt(AggregatorConfig.PARALLELISM));
    }

    /**
     * Creates the audit, dead-letter, aggregates and settings topics when missing and
     * {@link AggregatorConfig#CREATE_TOPICS} is on; then publishes the settings agents must share with the job.
     *
     * @throws io.tally.core.RetriableTallyException if the Kafka cluster cannot be reached or refuses
     */
    public static void ensureTopics(AggregatorConfig config) {
        if (config.getBoolean(AggregatorConfig.CREATE_TOPICS)) {
            TopicSetup.ensureTopics(config);
        }
        TopicSetup.publishSettings(config);
    }
}
