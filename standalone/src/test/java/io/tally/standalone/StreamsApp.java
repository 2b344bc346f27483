package io.tally.standalone;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * A Kafka Streams application audited as a user would audit it: the agent attached through the application's own
 * {@code producer.}/{@code main.consumer.} settings, nothing else. Exactly-once (v2); reads clicks keyed by user,
 * re-keys them by page (a repartition topic), counts views per page in a state store (a changelog topic) and writes
 * the counts out. Run in a JVM of its own, so that a test can SIGKILL it:
 * {@code StreamsApp BOOTSTRAP STATE_DIR BUCKET_MS [INSTANCE_ID]}; prints {@code RUNNING} once it processes, and
 * closes cleanly on SIGTERM.
 */
public final class StreamsApp {
    static final String APPLICATION_ID = "pageviews";
    static final String INPUT = "clicks";
    static final String OUTPUT = "page-views";
    static final String STORE = "views-by-page";
    static final String REPARTITION = APPLICATION_ID + "-" + STORE + "-repartition";
    static final String CHANGELOG = APPLICATION_ID + "-" + STORE + "-changelog";

    private StreamsApp() {}

    public static void main(String[] args) throws Exception {
        Properties p = settings(args[0], Path.of(args[1]), Long.parseLong(args[2]), args.length > 3 ? args[3] : null);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                .selectKey((user, page) -> page)
                .groupByKey()
                .count(Materialized.as(Stores.inMemoryKeyValueStore(STORE)))
                .toStream()
                .mapValues(String::valueOf)
                .to(OUTPUT, Produced.with(Serdes.String(), Serdes.String()));
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        CountDownLatch closed = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                System.out.println("RUNNING");
            }
            if (now == KafkaStreams.State.ERROR) {
                System.out.println("ERROR");
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close(Duration.ofSeconds(30));
            closed.countDown();
        }));
        streams.start();
        closed.await();
    }

    /** The application's settings, the agent's among them under the prefixes Kafka Streams passes on. */
    static Properties settings(String kafka, Path stateDir, long bucketMs, String instanceId) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        // static membership: an instance restarted within the session timeout gets its own tasks back, no rebalance
        if (instanceId != null) {
            p.put(StreamsConfig.mainConsumerPrefix("group.instance.id"), instanceId);
            p.put(StreamsConfig.mainConsumerPrefix("session.timeout.ms"), "30000");
        }
        // the agent: interceptors on the producer and the main consumer, by the prefixes Kafka Streams passes on
        List<String> prefixes =
                new ArrayList<>(List.of(StreamsConfig.PRODUCER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX));
        p.put(StreamsConfig.PRODUCER_PREFIX + "interceptor.classes", "io.tally.agent.AuditProducerInterceptor");
        p.put(StreamsConfig.MAIN_CONSUMER_PREFIX + "interceptor.classes", "io.tally.agent.AuditConsumerInterceptor");
        for (String prefix : prefixes) {
            p.put(prefix + "tally.bucket.ms", String.valueOf(bucketMs));
            p.put(prefix + "tally.flush.interval.ms", "200");
        }
        p.put(StreamsConfig.MAIN_CONSUMER_PREFIX + "tally.consumer.partition.idle.ms", "5000");
        return p;
    }
}
