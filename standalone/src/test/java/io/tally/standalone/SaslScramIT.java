package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.broker.BrokerConfig;
import io.tally.broker.BrokerSasl;
import io.tally.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline with the bundled broker requiring SASL/SCRAM-SHA-512: every role's Kafka clients (the
 * aggregator's Flink sources, sinks and admin clients, the reconciler's consumers, producer and lag probe) log in as
 * the broker's own user, and an application's audited producer and consumer as a user of their own, their agents
 * with their clients' credentials. What they count is judged COMPLETE bucket by bucket; the broker counted no failed
 * login until a client came with a wrong password, and that one was refused.
 */
class SaslScramIT {
    private static final long BUCKET_MS = 2_000;
    private static final String TOPIC = "payments";
    private static final String GROUP = "ledger";
    private static final int RECORDS = 400;
    private static final String MECHANISM = "SCRAM-SHA-512";
    private static final String TALLY_PASSWORD = "tally-" + UUID.randomUUID();
    private static final String APP_PASSWORD = "app-" + UUID.randomUUID();

    @Test
    void scram_clients_are_counted_and_judged_complete_and_a_wrong_password_is_refused(@TempDir Path dir)
            throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Standalone tally = Standalone.start(
                AuditedClients.fastTally(
                        dir,
                        BUCKET_MS,
                        Map.of(
                                BrokerConfig.SASL_MECHANISM, MECHANISM,
                                BrokerConfig.SASL_PASSWORD, TALLY_PASSWORD,
                                BrokerConfig.SASL_USERS, "app=" + APP_PASSWORD)),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            String kafka = tally.endpoints().kafka();
            URI api = URI.create(tally.endpoints().api());
            Map<String, Object> app = login(kafka, "app", APP_PASSWORD);
            createTopic(app, TOPIC, 3);
            produce(app);
            consume(app);

            GroupWatch watch = new GroupWatch(api, TOPIC, GROUP);
            for (String tier : List.of("producer", "log", "consumer." + GROUP)) {
                GroupWatch.awaitTotal(api, TOPIC, tier, RECORDS);
            }
            JsonNode report = watch.awaitAllFinal();
            assertThat(GroupWatch.total(report, "producer")).isEqualTo(RECORDS);
            assertThat(GroupWatch.total(report, "log")).isEqualTo(RECORDS);
            assertThat(GroupWatch.total(report, "consumer." + GROUP)).isEqualTo(RECORDS);
            assertThat(report.get("buckets").findValues("verdict"))
                    .as("every edge of every bucket")
                    .hasSizeGreaterThanOrEqualTo(4)
                    .allSatisfy(v -> assertThat(v.asText()).isEqualTo("COMPLETE"));
            assertThat(watch.falseAlarms).isEmpty();
            assertThat(failedLogins())
                    .as("logins the broker refused while every role and agent ran")
                    .isZero();

            assertThatThrownBy(() -> describeCluster(login(kafka, "app", "not-" + APP_PASSWORD)))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
            assertThat(failedLogins()).as("the wrong password, counted").isPositive();
        } finally {
            tally.close();
        }
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("Stopped Kafka")
                .doesNotContain(TALLY_PASSWORD, APP_PASSWORD);
    }

    /** @return the client settings of a SCRAM user of the broker at {@code kafka} */
    private static Map<String, Object> login(String kafka, String user, String password) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", kafka);
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", MECHANISM);
        p.put(
                "sasl.jaas.config",
                BrokerSasl.jaasConfig(user, new Password(password)).value());
        return p;
    }

    private static void createTopic(Map<String, Object> login, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(login)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get();
            Eventually.await(
                    Duration.ofSeconds(30),
                    Duration.ofMillis(100),
                    "a leader for each partition of " + topic,
                    () -> admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic),
                    d -> d.partitions().stream().allMatch(p -> p.leader() != null));
        }
    }

    /** Writes the records with an audited producer, over a few buckets. */
    private static void produce(Map<String, Object> login) {
        Properties p = AuditedClients.producer((String) login.get("bootstrap.servers"), BUCKET_MS);
        p.putAll(login);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "payment " + i));
                if (i % 100 == 99) {
                    ApiClient.pause(700);
                }
            }
            producer.flush();
        }
    }

    /** Reads every record as the group with an audited consumer, committing each poll. */
    private static void consume(Map<String, Object> login) {
        Properties p = AuditedClients.consumer((String) login.get("bootstrap.servers"), GROUP, "earliest", BUCKET_MS);
        p.putAll(login);
        int seen = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(TOPIC));
            Instant deadline = Instant.now().plusSeconds(60);
            while (seen < RECORDS && Instant.now().isBefore(deadline)) {
                seen += consumer.poll(Duration.ofMillis(200)).count();
                consumer.commitSync();
            }
        }
        assertThat(seen).isEqualTo(RECORDS);
    }

    private static int describeCluster(Map<String, Object> login) throws Exception {
        try (Admin admin = Admin.create(login)) {
            return admin.describeCluster().nodes().get().size();
        }
    }

    /** @return the logins the broker's SASL listener refused, from its socket server's metrics */
    private static double failedLogins() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        double failed = 0;
        // one per network thread of the listener (others, per client software, count connections)
        var names = server
                .queryNames(new ObjectName("kafka.server:type=socket-server-metrics,listener=SASL_PLAINTEXT,*"), null)
                .stream()
                .filter(n -> n.getKeyPropertyList().keySet().equals(Set.of("type", "listener", "networkProcessor")))
                .toList();
        assertThat(names).as("the broker's metrics of its SASL listener").isNotEmpty();
        for (ObjectName name : names) {
            failed += (Double) server.getAttribute(name, "failed-authentication-total");
        }
        return failed;
    }
}
