package io.tally.standalone;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's pipeline: one producer and four consumer groups on the topic {@value #TOPIC}, every client audited by
 * the agent through its properties only, as a user's application would be. What happens to the groups is real Kafka
 * behaviour, not simulated counts: records deleted before a group read them, offsets reset back, a group that polls
 * rarely. The script runs on its own thread; {@link #close()} stops every client.
 */
final class DemoPipeline implements AutoCloseable {
    static final String TOPIC = "orders";
    static final int PARTITIONS = 3;
    static final int RECORDS_PER_SECOND = 10;
    static final String HEALTHY = "billing";
    static final String LOSSY = "archiver";
    static final String REPLAYING = "reporting";
    static final String SLOW = "indexer";
    /** How far back the replaying group's offsets are reset, per partition. */
    static final int REPLAYED_PER_PARTITION = 10;
    /** How many records the lossy group had not read are deleted, per partition. */
    static final int DELETED_PER_PARTITION = 6;

    static final Duration SLOW_POLL_INTERVAL = Duration.ofSeconds(20);

    private final String kafka;
    private final long bucketMs;
    private final PrintStream out;
    private final LongSupplier elapsedSeconds;
    private final AtomicLong produced = new AtomicLong();
    private final Map<String, AtomicLong> reads = new LinkedHashMap<>();
    private final List<DemoConsumer> consumers = new ArrayList<>();
    private final Thread producerThread;
    private final Thread scriptThread;
    private volatile boolean running = true;

    DemoPipeline(String kafka, long bucketMs, PrintStream out, LongSupplier elapsedSeconds) {
        this.kafka = kafka;
        this.bucketMs = bucketMs;
        this.out = out;
        this.elapsedSeconds = elapsedSeconds;
        this.producerThread = new Thread(this::produce, "demo-producer");
        this.scriptThread = new Thread(this::script, "demo-script");
        for (String group : List.of(HEALTHY, LOSSY, REPLAYING, SLOW)) {
            reads.put(group, new AtomicLong());
        }
    }

    /** Creates the topic and starts the producer, the four groups and the script. */
    void start() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topic " + TOPIC + ": " + e.getMessage(), e);
        }
        producerThread.start();
        for (String group : List.of(HEALTHY, LOSSY, REPLAYING)) {
            consumers.add(DemoConsumer.start(kafka, group, TOPIC, bucketMs, Duration.ZERO, reads.get(group)));
        }
        consumers.add(DemoConsumer.start(kafka, SLOW, TOPIC, bucketMs, SLOW_POLL_INTERVAL, reads.get(SLOW)));
        say(
                "producer writing %d orders/s; groups %s, %s, %s and %s reading",
                RECORDS_PER_SECOND, HEALTHY, LOSSY, REPLAYING, SLOW);
        scriptThread.start();
    }

    long produced() {
        return produced.get();
    }

    /** Records read so far by each group (counting re-reads), in the order the groups were started. */
    Map<String, Long> readByGroup() {
        Map<String, Long> read = new LinkedHashMap<>();
        reads.forEach((group, n) -> read.put(group, n.get()));
        return read;
    }

    /** Kafka properties of an audited client: the agent is the interceptor, and the bucket size matches Tally's. */
    static Properties audited(String kafka, long bucketMs, String interceptor) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka);
        p.put("interceptor.classes", interceptor);
        p.put("tally.bucket.ms", String.valueOf(bucketMs));
        p.put("tally.flush.interval.ms", "1000");
        return p;
    }

    private void produce() {
        Properties p = audited(kafka, bucketMs, "io.tally.agent.AuditProducerInterceptor");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("linger.ms", "5");
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / RECORDS_PER_SECOND;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            long next = System.nanoTime();
            for (long n = 1; running; n++) {
                String key = "order-" + n;
                producer.send(
                        new ProducerRecord<>(TOPIC, key, "{\"order\":" + n + ",\"amount\":" + (n * 7 % 100 + 1) + "}"),
                        (metadata, e) -> {
                            if (e == null) {
                                produced.incrementAndGet();
                            }
                        });
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt(); // closing
        }
    }

    /** The story: what goes wrong, and when. */
    private void script() {
        try {
            waitUntil(15);
            DemoConsumer lossy = consumer(LOSSY);
            lossy.stop();
            say("%s stops: it is down for 20 s", LOSSY);

            waitUntil(20);
            DemoConsumer replaying = consumer(REPLAYING);
            replaying.stop();
            Map<TopicPartition, Long> from = resetBack(REPLAYING, REPLAYED_PER_PARTITION);
            replace(
                    replaying,
                    DemoConsumer.start(kafka, REPLAYING, TOPIC, bucketMs, Duration.ZERO, reads.get(REPLAYING)));
            say(
                    "%s's offsets were reset %d records back on each partition (%s): it reads them again",
                    REPLAYING, REPLAYED_PER_PARTITION, ranges(from, REPLAYED_PER_PARTITION));

            waitUntil(30);
            Map<TopicPartition, Long> deleted = deleteUnreadBy(LOSSY, DELETED_PER_PARTITION);
            say(
                    "retention deleted %d records %s had not read yet (%s)",
                    DELETED_PER_PARTITION * deleted.size(), LOSSY, ranges(deleted, DELETED_PER_PARTITION));

            waitUntil(35);
            replace(lossy, DemoConsumer.start(kafka, LOSSY, TOPIC, bucketMs, Duration.ZERO, reads.get(LOSSY)));
            say("%s is back; its next records are gone, so it resumes at the start of the log", LOSSY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } catch (Exception e) {
            if (running) {
                say("the demo's script failed: %s", e);
            }
        }
    }

    /** Resets a stopped group's committed offsets {@code back} records on every partition; returns the new ones. */
    private Map<TopicPartition, Long> resetBack(String group, int back) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
            Map<TopicPartition, OffsetAndMetadata> reset = new HashMap<>();
            Map<TopicPartition, Long> from = new HashMap<>();
            committed.forEach((tp, o) -> {
                long offset = Math.max(0, o.offset() - back);
                reset.put(tp, new OffsetAndMetadata(offset));
                from.put(tp, offset);
            });
            admin.alterConsumerGroupOffsets(group, reset).all().get(30, TimeUnit.SECONDS);
            return from;
        }
    }

    /**
     * Deletes, on every partition, the {@code count} records after the offset {@code group} committed, once every
     * other group has read past them: the loss of a consumer that was down longer than the topic's retention.
     *
     * @return the first deleted offset of each partition
     */
    private Map<TopicPartition, Long> deleteUnreadBy(String group, int count) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
            Map<TopicPartition, Long> first = new HashMap<>();
            Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                OffsetAndMetadata o = committed.get(tp);
                long start = o == null ? 0 : o.offset();
                first.put(tp, start);
                delete.put(tp, RecordsToDelete.beforeOffset(start + count));
            }
            awaitReadByOthers(admin, group, delete);
            admin.deleteRecords(delete).all().get(30, TimeUnit.SECONDS);
            return first;
        }
    }

    /** Waits until the groups other than {@code group} have committed past the records about to be deleted. */
    private void awaitReadByOthers(Admin admin, String group, Map<TopicPartition, RecordsToDelete> delete)
            throws Exception {
        while (running) {
            boolean readByAll = true;
            for (String other : List.of(HEALTHY, REPLAYING, SLOW)) {
                if (other.equals(group)) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> c = committed(admin, other);
                for (Map.Entry<TopicPartition, RecordsToDelete> d : delete.entrySet()) {
                    OffsetAndMetadata o = c.get(d.getKey());
                    readByAll &= o != null && o.offset() >= d.getValue().beforeOffset();
                }
            }
            if (readByAll) {
                return;
            }
            Thread.sleep(500);
        }
        throw new InterruptedException("closing");
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        return admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
    }

    private static String ranges(Map<TopicPartition, Long> first, int count) {
        List<String> parts = new ArrayList<>();
        first.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparingInt(TopicPartition::partition)))
                .forEach(e -> parts.add(e.getKey() + " offsets " + e.getValue() + "-" + (e.getValue() + count - 1)));
        return String.join(", ", parts);
    }

    private synchronized DemoConsumer consumer(String group) {
        return consumers.stream()
                .filter(c -> c.group().equals(group))
                .findFirst()
                .orElseThrow();
    }

    private synchronized void replace(DemoConsumer old, DemoConsumer now) {
        consumers.set(consumers.indexOf(old), now);
        if (!running) {
            now.stop();
        }
    }

    private void waitUntil(long second) throws InterruptedException {
        while (running && elapsedSeconds.getAsLong() < second) {
            Thread.sleep(200);
        }
        if (!running) {
            throw new InterruptedException("closing");
        }
    }

    private void say(String format, Object... args) {
        out.printf("[%3ds] %s%n", elapsedSeconds.getAsLong(), String.format(format, args));
    }

    /** Stops the script, the producer and every consumer (each agent flushes its counts and says it closed). */
    @Override
    public void close() {
        running = false;
        scriptThread.interrupt();
        join(scriptThread);
        List<DemoConsumer> all;
        synchronized (this) {
            all = List.copyOf(consumers);
        }
        all.forEach(DemoConsumer::stop);
        join(producerThread);
    }

    private static void join(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
