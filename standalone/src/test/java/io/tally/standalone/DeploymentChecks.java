package io.tally.standalone;

import static io.tally.standalone.DeploymentFiles.COMPOSE;
import static io.tally.standalone.DeploymentFiles.environment;
import static io.tally.standalone.DeploymentFiles.list;
import static io.tally.standalone.DeploymentFiles.map;
import static io.tally.standalone.DeploymentFiles.ports;
import static io.tally.standalone.DeploymentFiles.volumes;
import static io.tally.standalone.DeploymentFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.api.internal.metrics.ApiMetrics;
import io.tally.api.internal.view.Overview;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.server.config.AbstractKafkaConfig;

/** The checks of {@link DeploymentFilesTest} that need more than a line: the Kafka nodes, Prometheus and Grafana. */
final class DeploymentChecks {
    /** Variables the apache/kafka image reads itself instead of turning them into broker settings. */
    private static final Set<String> KAFKA_IMAGE_VARIABLES = Set.of(
            "KAFKA_HEAP_OPTS",
            "KAFKA_OPTS",
            "KAFKA_JMX_OPTS",
            "KAFKA_LOG4J_OPTS",
            "KAFKA_JVM_PERFORMANCE_OPTS",
            "KAFKA_GC_LOG_OPTS",
            "KAFKA_LOG4J_ROOT_LOGLEVEL",
            "KAFKA_LOG4J_LOGGERS",
            "KAFKA_TOOLS_LOG4J_LOGLEVEL");

    private static final List<String> REPLICATION_FACTORS = List.of(
            "default.replication.factor",
            "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor",
            "share.coordinator.state.topic.replication.factor");
    private static final String DASHBOARD = "docker/grafana/dashboards/tally.json";

    private DeploymentChecks() {}

    /**
     * Checks the brokers form one KRaft quorum of combined nodes with a replica of everything on each.
     *
     * @return the INTERNAL listeners the brokers advertise, host:port
     */
    static Set<String> kafka(List<String> brokers) {
        Set<String> internal = new TreeSet<>();
        Set<String> voters = new TreeSet<>();
        Set<String> clusterIds = new TreeSet<>();
        Set<String> nodeIds = new TreeSet<>();
        for (String b : brokers) {
            String where = COMPOSE + ": service " + b;
            Map<String, String> env = environment(b);
            Map<String, String> broker = new LinkedHashMap<>();
            env.forEach((name, value) -> {
                if (name.startsWith("KAFKA_") && !KAFKA_IMAGE_VARIABLES.contains(name)) {
                    String key = name.substring("KAFKA_".length())
                            .replace("___", "-")
                            .replace("__", "\0")
                            .replace('_', '.')
                            .replace('\0', '_')
                            .toLowerCase(java.util.Locale.ROOT);
                    assertThat(AbstractKafkaConfig.CONFIG_DEF.names())
                            .as("%s: %s is not a broker setting (%s)", where, name, key)
                            .contains(key);
                    broker.put(key, value);
                }
            });
            clusterIds.add(env.get("CLUSTER_ID"));
            assertThat(nodeIds.add(broker.get("node.id")))
                    .as("%s: KAFKA_NODE_ID is taken", where)
                    .isTrue();
            assertThat(List.of(String.valueOf(broker.get("process.roles")).split(",")))
                    .as("%s: KAFKA_PROCESS_ROLES", where)
                    .containsExactlyInAnyOrder("broker", "controller");
            Map<String, String> listeners = listeners(broker.get("listeners"));
            Map<String, String> advertised = listeners(broker.get("advertised.listeners"));
            String controller = broker.get("controller.listener.names");
            voters.add(broker.get("node.id") + "@" + b + ":" + port(listeners.get(controller)));
            String inter = broker.get("inter.broker.listener.name");
            assertThat(advertised.get(inter))
                    .as("%s: the %s listener is advertised as the service's name and port", where, inter)
                    .isEqualTo(b + ":" + port(listeners.get(inter)));
            internal.add(advertised.get(inter));
            advertised.forEach((name, address) -> assertThat(port(listeners.get(name)))
                    .as("%s: advertised %s listener %s listens on its port", where, name, address)
                    .isEqualTo(port(address)));
            advertised.entrySet().stream()
                    .filter(e -> e.getValue().startsWith("localhost:"))
                    .forEach(e -> assertThat(ports(b))
                            .as("%s: the %s listener %s is published", where, e.getKey(), e.getValue())
                            .contains(port(e.getValue()) + ":" + port(e.getValue())));
            for (String rf : REPLICATION_FACTORS) {
                assertThat(broker.get(rf))
                        .as("%s: %s on every broker", where, rf)
                        .isEqualTo(String.valueOf(brokers.size()));
            }
            assertThat(Integer.parseInt(broker.get("min.insync.replicas")))
                    .as("%s: KAFKA_MIN_INSYNC_REPLICAS", where)
                    .isBetween(1, brokers.size() - 1);
        }
        assertThat(clusterIds)
                .as("%s: one CLUSTER_ID for the brokers", COMPOSE)
                .hasSize(1)
                .doesNotContainNull();
        for (String b : brokers) {
            assertThat(new TreeSet<>(List.of(
                            environment(b).get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(","))))
                    .as(
                            "%s: service %s: KAFKA_CONTROLLER_QUORUM_VOTERS are every node's id@host:controller-port",
                            COMPOSE, b)
                    .isEqualTo(voters);
        }
        return internal;
    }

    /** @return listener name to host:port of a Kafka listeners setting ("NAME://host:port,...") */
    private static Map<String, String> listeners(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : String.valueOf(value).split(",")) {
            out.put(l.substring(0, l.indexOf("://")), l.substring(l.indexOf("://") + 3));
        }
        return out;
    }

    private static String port(String address) {
        return address == null ? null : address.substring(address.lastIndexOf(':') + 1);
    }

    /** Checks Prometheus scrapes the API's /metrics and Grafana reads Prometheus and the dashboards folder. */
    static void monitoring(String api, int apiPort) {
        String prometheusFile = "docker/prometheus/prometheus.yml";
        assertThat(volumes("prometheus"))
                .as("%s: service prometheus mounts %s", COMPOSE, prometheusFile)
                .contains("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml");
        Map<String, Object> job = list(map(yaml(prometheusFile)).get("scrape_configs")).stream()
                .map(DeploymentFiles::map)
                .filter(j -> j.get("job_name").equals("tally-api"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(prometheusFile + ": no scrape job tally-api"));
        assertThat(job.getOrDefault("metrics_path", "/metrics"))
                .as("%s: job tally-api: metrics_path", prometheusFile)
                .isEqualTo("/metrics");
        assertThat(list(map(list(job.get("static_configs")).get(0)).get("targets")))
                .as("%s: job tally-api: targets are the api service and its port", prometheusFile)
                .containsExactly(api + ":" + apiPort);

        String datasources = "docker/grafana/provisioning/datasources/prometheus.yaml";
        assertThat(map(list(map(yaml(datasources)).get("datasources")).get(0)).get("url"))
                .as("%s: url of the prometheus service (its port 9090)", datasources)
                .isEqualTo("http://prometheus:9090");
        assertThat(ports("prometheus")).as("%s: service prometheus", COMPOSE).contains("9090:9090");
        String dashboards = "docker/grafana/provisioning/dashboards/tally.yaml";
        Object path = map(map(list(map(yaml(dashboards)).get("providers")).get(0))
                        .get("options"))
                .get("path");
        assertThat(volumes("grafana"))
                .as("%s: service grafana mounts the dashboards where %s reads them (%s)", COMPOSE, dashboards, path)
                .contains("./grafana/dashboards:" + path)
                .contains("./grafana/provisioning:/etc/grafana/provisioning");
    }

    /** @return the metric names of the API's /metrics, from its registry with a value for every gauge */
    static Set<String> exportedMetrics() {
        ApiMetrics metrics = new ApiMetrics();
        Overview.TierOnTopic onTopic = new Overview.TierOnTopic("orders", 0, "log", 1.0, 1, 0, "live");
        metrics.update(new Overview(
                0,
                3_600_000,
                List.of(new Overview.TopicSummary(
                        "orders", List.of("log"), 0L, 1L, 1, Map.of("LOSS", 1L), 1.0, Map.of("LOSS", 1L), 1.0)),
                List.of(new Overview.TierSummary("consumer.g", 1.0, 1, 0, "live", List.of(onTopic))),
                Map.of("LOSS", 1L),
                Map.of("LOSS", 1L)));
        metrics.request("discrepancies", 200, 1_000);
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(metrics.scrape());
        while (m.find()) {
            names.add(m.group(1));
            if (m.group(2).equals("histogram") || m.group(2).equals("summary")) {
                names.addAll(List.of(m.group(1) + "_count", m.group(1) + "_sum", m.group(1) + "_bucket"));
            }
        }
        return names;
    }

    /** @return the tally_* metric names in the expressions of the Grafana dashboard */
    static Set<String> dashboardMetrics() {
        JsonNode dashboard;
        try {
            dashboard = new ObjectMapper().readTree(DeploymentFiles.text(DASHBOARD));
        } catch (java.io.IOException e) {
            throw new AssertionError(DASHBOARD + " is not JSON: " + e.getMessage(), e);
        }
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher m = Pattern.compile("\\btally_[a-z_]+\\b").matcher(expr.asText());
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }
}
