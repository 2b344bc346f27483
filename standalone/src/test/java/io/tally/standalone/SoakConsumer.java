package io.tally.standalone;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A member of a consumer group as applications write one, audited by its settings, in a JVM of its own so that the
 * soak can SIGKILL it: {@code SoakConsumer BOOTSTRAP TOPIC GROUP BUCKET_MS}. Commits after every poll that returned
 * records; prints {@code STARTED} once subscribed; closes cleanly (leaving the group) on SIGTERM.
 */
public final class SoakConsumer {
    private SoakConsumer() {}

    public static void main(String[] args) throws Exception {
        Properties p = AuditedClients.consumer(args[0], args[2], "earliest", Long.parseLong(args[3]));
        p.put("session.timeout.ms", "10000");
        p.put("heartbeat.interval.ms", "1000");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.wakeup();
            try {
                main.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        consumer.subscribe(List.of(args[1]));
        System.out.println("STARTED");
        try {
            while (true) {
                if (!consumer.poll(Duration.ofMillis(200)).isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException stopping) {
            // SIGTERM: leave the group cleanly
        } finally {
            consumer.close(Duration.ofSeconds(20));
        }
    }
}
