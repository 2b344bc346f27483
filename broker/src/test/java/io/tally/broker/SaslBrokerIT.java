package io.tally.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that requires SASL/SCRAM-SHA-512: an application's user writes in a transaction (whose markers travel
 * between brokers as the broker's own user) and reads it back; a wrong password and a client without SASL are
 * refused; a restart with changed passwords refuses the old ones and takes the new ones, on the same records.
 */
class SaslBrokerIT {
    private static final String MECHANISM = "SCRAM-SHA-512";

    @Test
    void serves_only_its_scram_users_and_takes_changed_passwords_at_a_restart(@TempDir Path dir) throws Exception {
        String topic = Records.topic("sasl");
        List<String> values = Records.values("v", 20);
        String bootstrap;
        try (BundledBroker broker = BundledBroker.start(config(dir, "first-tally-pw", "first-app-pw"))) {
            bootstrap = broker.bootstrapServers();
            Map<String, Object> app = client(bootstrap, "app", "first-app-pw");
            try (Admin admin = Admin.create(app)) {
                admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
                        .all()
                        .get();
            }
            produceInTransaction(app, topic, values);
            assertThat(readCommitted(app, topic, values.size())).containsExactlyInAnyOrderElementsOf(values);

            assertRefused(client(bootstrap, "app", "not-the-password"));
            assertThatThrownBy(() -> describe(Map.of(
                            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000)))
                    .as("a client without SASL")
                    .isInstanceOf(Exception.class);
        }

        // a restart that changes the passwords: the broker's own user logs in with its new one to say it is ready
        try (BundledBroker broker = BundledBroker.start(config(dir, "second-tally-pw", "second-app-pw"))) {
            String again = broker.bootstrapServers();
            assertRefused(client(again, "app", "first-app-pw"));
            assertRefused(client(again, "tally", "first-tally-pw"));
            Map<String, Object> app = client(again, "app", "second-app-pw");
            assertThat(readCommitted(app, topic, values.size())).containsExactlyInAnyOrderElementsOf(values);
        }
    }

    private static BrokerConfig config(Path dir, String tallyPassword, String appPassword) {
        return BrokerConfig.builder()
                .dataDir(dir)
                .listenerPort(0)
                .sasl(MECHANISM, "tally", tallyPassword)
                .saslUser("app", appPassword)
                .build();
    }

    private static Map<String, Object> client(String bootstrap, String user, String password) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        props.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        props.put(SaslConfigs.SASL_JAAS_CONFIG, BrokerSasl.jaasConfig(user, new Password(password)));
        return props;
    }

    /** @return how many nodes {@code describeCluster} lists */
    private static int describe(Map<String, Object> props) throws Exception {
        try (Admin admin = Admin.create(props)) {
            return admin.describeCluster().nodes().get().size();
        }
    }

    private static void assertRefused(Map<String, Object> props) {
        assertThatThrownBy(() -> describe(props))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SaslAuthenticationException.class);
    }

    private static void produceInTransaction(Map<String, Object> client, String topic, List<String> values) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sasl-writer");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            values.forEach(v -> producer.send(new ProducerRecord<>(topic, v, v)));
            producer.commitTransaction();
        }
    }

    private static List<String> readCommitted(Map<String, Object> client, String topic, int count) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, Records.topic("reader"));
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Eventually.await(
                    Duration.ofSeconds(30),
                    Duration.ZERO,
                    count + " committed records of " + topic,
                    () -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
                        return read.size();
                    },
                    n -> n >= count);
        }
        return read;
    }
}
