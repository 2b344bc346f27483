package io.tally.agent;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An ordinary application, run in its own JVM with only kafka-clients, SLF4J and {@code tally-agent.jar} on its
 * class path: the agent is attached by properties alone. Uses nothing of Tally's.
 *
 * <p>{@code produce BOOTSTRAP TOPIC N [key=value...]}, or {@code MODE BOOTSTRAP TOPIC N GROUP [key=value...]} for a
 * consumer, where MODE is
 * <ul>
 *   <li>{@code consume}: reads N records, commits, closes;</li>
 *   <li>{@code crash}: reads at least N records, commits them, prints {@code committed <count>}, reads some more
 *       without committing, prints {@code ready} and waits to be killed;</li>
 *   <li>{@code stall}: the same, then stops polling — its processing hangs — until the group evicts it after
 *       {@code max.poll.interval.ms}, and closes 30 s later without committing.</li>
 *   <li>{@code eos}: consume-transform-produce with exactly-once: each poll's records are copied to
 *       {@code TOPIC-out} in a transaction that also commits the consumer's offsets ({@code sendOffsetsToTransaction};
 *       the consumer itself never commits), every fourth transaction aborted and its records read again; ends once
 *       it has committed at least N and read nothing for 10 s; {@code transactional.id=ID} for instances side by side
 *       (else one per group: a restart fences its predecessor), {@code poll.pause.ms=MS} to work slower;</li>
 *   <li>{@code eos-crash}: the same until it has committed at least N (prints {@code committed <count>}), then
 *       reads more in a transaction it never ends, prints {@code ready} and waits to be killed.</li>
 * </ul>
 */
public final class AgentJarClient {
    private AgentJarClient() {}

    public static void main(String[] args) {
        String mode = args[0];
        Properties props = new Properties();
        props.put("bootstrap.servers", args[1]);
        String topic = args[2];
        int n = Integer.parseInt(args[3]);
        int extra = mode.equals("produce") ? 4 : 5;
        for (int i = extra; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            props.put(kv[0], kv[1]);
        }
        if (mode.equals("produce")) {
            props.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, "io.tally.agent.AuditProducerInterceptor");
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < n; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, "value-" + i));
                }
                producer.flush();
            }
            System.out.println("produced " + n);
        } else if (mode.startsWith("eos")) {
            transform(mode, props, topic, n, args[4]);
        } else {
            props.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, "io.tally.agent.AuditConsumerInterceptor");
            props.put(ConsumerConfig.GROUP_ID_CONFIG, args[4]);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                int seen = readAtLeast(consumer, n);
                consumer.commitSync();
                if (mode.equals("consume")) {
                    System.out.println("consumed " + seen);
                    return;
                }
                System.out.println("committed " + seen);
                int more = readAtLeast(consumer, 1);
                System.out.println("read " + more + " more, not committed");
                sleep(2_000); // a few flush intervals: anything counted on consume would have been sent
                System.out.println("ready");
                if (mode.equals("crash")) {
                    sleep(Long.MAX_VALUE);
                }
                long stallUntil = System.nanoTime() + Duration.ofSeconds(45).toNanos();
                while (System.nanoTime() < stallUntil) {
                    sleep(1_000); // no poll: the group evicts this member and gives its partitions to another
                }
                System.out.println("closing without a commit");
            }
        }
    }

    private static void transform(String mode, Properties props, String topic, int n, String group) {
        // several instances at once need transactional ids of their own; a restart keeps its own, to fence
        String transactionalId = (String) props.remove("transactional.id");
        long pauseMs = Long.parseLong((String) props.getOrDefault("poll.pause.ms", "0"));
        props.remove("poll.pause.ms");
        Properties c = new Properties();
        c.putAll(props);
        c.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, "io.tally.agent.AuditConsumerInterceptor");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, props.get("bootstrap.servers"));
        p.put(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId != null ? transactionalId : group + "-transform"); // the same after a restart: fences
        try (KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
                KafkaProducer<String, String> producer =
                        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            consumer.subscribe(List.of(topic));
            int committed = 0;
            int transactions = 0;
            long lastRecords = System.nanoTime();
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    if (committed >= n && System.nanoTime() - lastRecords > 10_000_000_000L) {
                        System.out.println("consumed " + committed);
                        return;
                    }
                    continue;
                }
                if (transactions == 0) {
                    System.out.println("reading");
                }
                lastRecords = System.nanoTime();
                sleep(pauseMs); // the work of a slower application
                producer.beginTransaction();
                java.util.Map<
                                org.apache.kafka.common.TopicPartition,
                                org.apache.kafka.clients.consumer.OffsetAndMetadata>
                        next = new java.util.HashMap<>();
                java.util.Map<org.apache.kafka.common.TopicPartition, Long> first = new java.util.HashMap<>();
                for (var r : records) {
                    producer.send(new ProducerRecord<>(topic + "-out", r.key(), r.value()));
                    var tp = new org.apache.kafka.common.TopicPartition(r.topic(), r.partition());
                    first.putIfAbsent(tp, r.offset());
                    next.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(r.offset() + 1));
                }
                try {
                    producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
                } catch (org.apache.kafka.clients.consumer.CommitFailedException e) {
                    // a rebalance began since the poll: as Kafka Streams does, abort, and read again what is still ours
                    producer.abortTransaction();
                    first.forEach((tp, offset) -> {
                        if (consumer.assignment().contains(tp)) {
                            consumer.seek(tp, offset);
                        }
                    });
                    continue;
                }
                if (mode.equals("eos-crash") && committed >= n) {
                    System.out.println("committed " + committed);
                    sleep(2_000); // a few flush intervals: anything counted on consume would have been sent
                    System.out.println("ready");
                    sleep(Long.MAX_VALUE);
                }
                if (++transactions % 4 == 0) {
                    producer.abortTransaction(); // and read them again
                    first.forEach(consumer::seek);
                    continue;
                }
                producer.commitTransaction();
                committed += records.count();
            }
        }
    }

    private static int readAtLeast(KafkaConsumer<String, String> consumer, int n) {
        int seen = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (seen < n && System.nanoTime() < deadline) {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
            seen += records.count();
        }
        return seen;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
