package io.tally.standalone;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One member of a demo consumer group, on its own thread: polls, commits what it read, and waits
 * {@code pollInterval} between polls (zero for a group that keeps up). Audited by the agent through its properties.
 */
final class DemoConsumer {
    private final String group;
    private final Duration pollInterval;
    private final Properties properties;
    private final String topic;
    private final AtomicLong read;
    private final Thread thread;
    private volatile boolean running = true;

    private DemoConsumer(
            String kafka, String group, String topic, long bucketMs, Duration pollInterval, AtomicLong read) {
        this.group = group;
        this.read = read;
        this.topic = topic;
        this.pollInterval = pollInterval;
        this.properties = DemoPipeline.audited(kafka, bucketMs, "io.tally.agent.AuditConsumerInterceptor");
        properties.put("group.id", group);
        properties.put("auto.offset.reset", "earliest");
        properties.put("enable.auto.commit", "false");
        properties.put("key.deserializer", StringDeserializer.class.getName());
        properties.put("value.deserializer", StringDeserializer.class.getName());
        this.thread = new Thread(this::run, "demo-consumer-" + group);
    }

    /** @param read counts the records this member reads (a group's members may share one) */
    static DemoConsumer start(
            String kafka, String group, String topic, long bucketMs, Duration pollInterval, AtomicLong read) {
        DemoConsumer c = new DemoConsumer(kafka, group, topic, bucketMs, pollInterval, read);
        c.thread.start();
        return c;
    }

    String group() {
        return group;
    }

    private void run() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            consumer.subscribe(List.of(topic));
            while (running) {
                if (pollInterval.isZero()) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                    if (!records.isEmpty()) {
                        read.addAndGet(records.count());
                        consumer.commitSync(); // the agent counts what is committed
                    }
                } else {
                    drain(consumer);
                    pause(pollInterval);
                }
            }
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads every partition up to the end it had when the cycle began, then commits once: a batch job's cycle.
     * (Committing each poll's part separately would let one partition's counts run ahead of another's by a cycle.)
     */
    private void drain(KafkaConsumer<String, String> consumer) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int polled = 0;
        Map<TopicPartition, Long> ends = null;
        while (running && System.nanoTime() < until) {
            polled += consumer.poll(Duration.ofMillis(200)).count();
            Set<TopicPartition> assigned = consumer.assignment();
            if (assigned.isEmpty()) {
                continue; // not in the group yet
            }
            if (ends == null) {
                ends = consumer.endOffsets(assigned);
            }
            if (ends.entrySet().stream()
                    .allMatch(e -> !assigned.contains(e.getKey()) || consumer.position(e.getKey()) >= e.getValue())) {
                break;
            }
        }
        if (polled > 0) {
            read.addAndGet(polled);
            consumer.commitSync();
        }
    }

    /** Sleeps up to {@code d}, returning early when stopped. */
    private void pause(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (running && System.nanoTime() < until) {
            try {
                TimeUnit.MILLISECONDS.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops polling and closes the consumer (its agent flushes what was committed); waits for it. */
    void stop() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
