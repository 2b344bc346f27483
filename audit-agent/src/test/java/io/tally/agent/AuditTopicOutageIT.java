package io.tally.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import io.tally.core.AuditMessage;
import io.tally.core.Heartbeat;
import io.tally.core.settings.SharedSettings;
import io.tally.testing.Eventually;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit cluster goes away while the application produces: the application must not notice, and the counts
 * must arrive once the audit cluster is back (or be reported as dropped).
 */
class AuditTopicOutageIT {
    private static BundledBroker appCluster;
    private static BundledBroker auditCluster;

    @BeforeAll
    static void start() throws Exception {
        appCluster = BundledBroker.start(
                BrokerConfig.builder().temporaryDataDir().listenerPort(0).build());
        // port 0: bound once by the broker and kept across its stop and start, so the agent finds it again
        auditCluster = BundledBroker.start(
                BrokerConfig.builder().temporaryDataDir().listenerPort(0).build());
    }

    @AfterAll
    static void stop() {
        if (appCluster != null) {
            appCluster.close();
        }
        if (auditCluster != null) {
            auditCluster.close();
        }
    }

    private static long agentMetric(String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> agents = server.queryNames(new ObjectName("io.tally.agent:type=Agent,*"), null);
        assertThat(agents).hasSize(1);
        return ((Number) server.getAttribute(agents.iterator().next(), attribute)).longValue();
    }

    @Test
    void the_application_is_unaffected_and_counts_arrive_when_the_audit_cluster_is_back() throws Exception {
        String auditServers = auditCluster.bootstrapServers();
        auditCluster.stop();

        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", appCluster.bootstrapServers());
        props.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, AuditProducerInterceptor.class.getName());
        props.put(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, auditServers);
        props.put(SharedSettings.FLUSH_INTERVAL_MS, "500");
        props.put(AgentConfig.CLOSE_TIMEOUT_MS, "30000");
        props.put(SharedSettings.BUCKET_MS, "10000");
        int n = 2_000;
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sends.add(producer.send(new ProducerRecord<>("payments", "k" + i, "v" + i)));
                if (i == n / 2) {
                    Eventually.await(
                            Duration.ofSeconds(30),
                            Duration.ofMillis(50),
                            "a flush to the stopped audit cluster to fail",
                            () -> agentMetric("SendErrors") > 0);
                }
            }
            for (Future<RecordMetadata> send : sends) {
                assertThat(send.get(30, TimeUnit.SECONDS).hasOffset()).isTrue();
            }
            Eventually.await(
                    Duration.ofSeconds(30),
                    Duration.ofMillis(50),
                    "failed sends to the stopped audit cluster, and records waiting in the buffer",
                    () -> agentMetric("SendErrors") > 0 && agentMetric("BufferedRecords") > 0);
            auditCluster.start();
        } // close: the agent sends what it buffered and its closed heartbeat

        try (AuditTopicReader reader = new AuditTopicReader(auditServers)) {
            List<AuditMessage> messages =
                    reader.readUntil(m -> AuditTopicReader.closedAgents(m, "producer") == 1, Duration.ofSeconds(60));
            long dropped = messages.stream()
                    .filter(m -> m instanceof Heartbeat h && h.closed())
                    .mapToLong(m -> ((Heartbeat) m).dropped())
                    .sum();
            assertThat(AuditTopicReader.counted(messages, "producer") + dropped).isEqualTo(n);
            assertThat(AuditTopicReader.counted(messages, "producer")).isEqualTo(n);
        }
    }
}
