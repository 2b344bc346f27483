package io.tally.standalone;

import static io.tally.standalone.DeploymentFiles.COMPOSE;
import static io.tally.standalone.DeploymentFiles.DOCKERFILE;
import static io.tally.standalone.DeploymentFiles.command;
import static io.tally.standalone.DeploymentFiles.environment;
import static io.tally.standalone.DeploymentFiles.ports;
import static io.tally.standalone.DeploymentFiles.property;
import static io.tally.standalone.DeploymentFiles.service;
import static io.tally.standalone.DeploymentFiles.services;
import static io.tally.standalone.DeploymentFiles.servicesBuiltAs;
import static io.tally.standalone.DeploymentFiles.servicesOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.agent.AgentConfig;
import io.tally.aggregator.AggregatorConfig;
import io.tally.api.ApiConfig;
import io.tally.core.settings.SettingsTable;
import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.ReconcilerConfig;
import io.tally.storage.CassandraSessions;
import io.tally.storage.Replication;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The multi-node deployment in {@code docker/} agrees with the build: images pinned to the versions the build uses,
 * jars the build produces, real subcommands and settings keys for every role, one value for what the roles must share,
 * ports that meet, and a dashboard of metrics the API exports. Every message names the file and the entry.
 */
class DeploymentFilesTest {
    private static final Set<String> ROLES = Set.of("aggregator", "reconciler", "api", "query", "schema");
    private static final Set<String> PIPELINES = Set.of("aggregation", "log-tier", "all");
    /** Cassandra's CQL port: the image's cassandra.yaml keeps native_transport_port at its default. */
    private static final int CQL_PORT = 9042;

    private static AggregatorConfig aggregator;
    private static Map<String, ReconcilerConfig> reconcilers;
    private static ApiConfig api;
    /** What {@code tally schema apply} reads: the reconciler's table */
    private static ReconcilerConfig schema;

    /** Reads each role's effective settings the way the role itself does (its command, its config class). */
    @BeforeAll
    static void effectiveSettings() throws Exception {
        aggregator = settingsOf(
                "jobmanager",
                () -> AggregatorConfig.fromProperties(DeploymentFiles.jobSettings(command("jobmanager"))));
        reconcilers = new LinkedHashMap<>();
        for (String s : tallyServices("reconciler")) {
            reconcilers.put(
                    s,
                    settingsOf(
                            s,
                            () -> ReconcilerConfig.fromProperties(
                                    ((ReconcilerCommand) parse(s)).values(environment(s)))));
        }
        assertThat(tallyServices("api")).as("%s: one api service", COMPOSE).hasSize(1);
        String a = tallyServices("api").get(0);
        api = settingsOf(a, () -> ApiConfig.fromProperties(((ApiCommand) parse(a)).values(environment(a))));
        assertThat(tallyServices("schema"))
                .as("%s: one schema service", COMPOSE)
                .hasSize(1);
        String sc = tallyServices("schema").get(0);
        schema = settingsOf(
                sc, () -> ReconcilerConfig.fromProperties(((SchemaCommand.Apply) parse(sc)).values(environment(sc))));
    }

    /** A settings table that refuses what a service is given fails with the file and the service named. */
    private static <T> T settingsOf(String service, Callable<T> read) throws Exception {
        try {
            return read.call();
        } catch (IllegalArgumentException e) {
            throw new AssertionError(COMPOSE + ": service " + service + ": " + e.getMessage(), e);
        }
    }

    @Test
    void every_image_is_pinned_and_the_platforms_are_the_builds() {
        services().keySet().forEach(s -> assertPinned(COMPOSE + ": service " + s, image(s)));
        assertVersion(servicesOf("apache/kafka"), "kafka.version");
        assertVersion(servicesOf("cassandra"), "cassandra.version");
        for (String s : services().keySet()) {
            if (DeploymentFiles.buildTarget(s) != null) {
                assertThat(tag(image(s)))
                        .as(
                                "%s: service %s builds the image of " + "version %s (pom.xml)",
                                COMPOSE, s, DeploymentFiles.projectVersion())
                        .isEqualTo(DeploymentFiles.projectVersion());
            }
        }
        String java = property("maven.compiler.release");
        for (DeploymentFiles.Instruction from : instructions("FROM")) {
            String image = from.words().get(0);
            assertPinned(DOCKERFILE + ": FROM " + image, image);
            String tag = tag(image);
            switch (image.substring(0, image.indexOf(':'))) {
                case "flink" ->
                    assertThat(tag)
                            .as(
                                    "%s: FROM %s must be Flink %s (pom.xml flink.version) on Java %s",
                                    DOCKERFILE, image, property("flink.version"), java)
                            .isIn(
                                    property("flink.version") + "-java" + java,
                                    property("flink.version") + "-scala_2.12-java" + java);
                case "eclipse-temurin" ->
                    assertThat(tag)
                            .as("%s: FROM %s must be a Java %s JRE", DOCKERFILE, image, java)
                            .startsWith(java + ".")
                            .contains("-jre");
                case "maven" ->
                    assertThat(tag)
                            .as("%s: FROM %s must build on Java %s", DOCKERFILE, image, java)
                            .endsWith("eclipse-temurin-" + java);
                default -> throw new AssertionError(DOCKERFILE + ": FROM " + image + ": an image unknown to this test");
            }
        }
    }

    @Test
    void the_dockerfile_copies_what_the_build_produces() {
        List<String> run = instructions("RUN").stream()
                .map(DeploymentFiles.Instruction::arguments)
                .filter(a -> a.contains("mvn "))
                .toList();
        assertThat(run).as("%s: one RUN of mvn", DOCKERFILE).hasSize(1);
        Matcher pl = Pattern.compile("-pl\\s+(\\S+)").matcher(run.get(0));
        assertThat(pl.find() && run.get(0).contains(" -am"))
                .as("%s: mvn builds -pl MODULES -am", DOCKERFILE)
                .isTrue();
        Set<String> built = DeploymentFiles.withDependencies(List.of(pl.group(1).split(",")));

        Map<String, String> copied = new LinkedHashMap<>();
        for (DeploymentFiles.Instruction copy : instructions("COPY")) {
            List<String> words = copy.words().stream()
                    .filter(w -> !w.startsWith("--chown") && !w.startsWith("--chmod"))
                    .toList();
            if (words.get(0).equals("--from=build")) {
                String source = words.get(1);
                String where = DOCKERFILE + ": COPY " + source;
                assertThat(source)
                        .as(where + " must copy from /src/MODULE/target/")
                        .matches("/src/[a-z/-]+/target/.+");
                String module = source.substring("/src/".length(), source.indexOf("/target/"));
                String artifact = source.substring(source.indexOf("/target/") + "/target/".length());
                assertThat(built)
                        .as(where + ": module %s is not built by '%s'", module, run.get(0))
                        .contains(module);
                assertThat(DeploymentFiles.producedBy(module))
                        .as(where + ": not produced by %s/pom.xml", module)
                        .contains(artifact);
                String target = words.get(words.size() - 1);
                copied.put(
                        module + "/target/" + artifact,
                        target.endsWith("/") && !artifact.endsWith("/")
                                ? target + artifact.substring(artifact.lastIndexOf('/') + 1)
                                : target);
            } else if (!words.get(0).startsWith("--from")) {
                assertThat(DeploymentFiles.file(words.get(0)))
                        .as("%s: COPY %s: no such file", DOCKERFILE, words.get(0))
                        .exists();
            }
        }
        // tally.jar runs with java -jar: its manifest's class path (classpathPrefix) must sit beside it
        String jar = copied.get("standalone/target/tally.jar");
        String prefix = DeploymentFiles.xpath(DeploymentFiles.pom("standalone"), "//manifest/classpathPrefix");
        List<DeploymentFiles.Instruction> entrypoints = instructions("ENTRYPOINT");
        assertThat(entrypoints.get(entrypoints.size() - 1).arguments())
                .as("%s: the tally image's ENTRYPOINT runs the copied tally.jar", DOCKERFILE)
                .contains("\"" + jar + "\"");
        assertThat(copied.get("standalone/target/lib/"))
                .as("%s: tally.jar's libraries (%s) beside it", DOCKERFILE, prefix)
                .isEqualTo(jar.substring(0, jar.lastIndexOf('/') + 1) + prefix);
        assertThat(copied.get("aggregator/target/tally-aggregator-job.jar"))
                .as("%s: the job jar in Flink's usrlib", DOCKERFILE)
                .isEqualTo("/opt/flink/usrlib/tally-aggregator-job.jar");
    }

    @Test
    void tally_services_run_real_subcommands_with_their_roles_keys() throws Exception {
        Set<String> subcommands =
                new CommandLine(new TallyCommand()).getSubcommands().keySet();
        List<String> tally = servicesBuiltAs("tally");
        assertThat(tally).as("%s: services of the tally image", COMPOSE).isNotEmpty();
        for (String s : tally) {
            String where = COMPOSE + ": service " + s;
            String role = command(s).get(0);
            assertThat(subcommands)
                    .as("%s: command '%s' is not a subcommand of tally", where, role)
                    .contains(role);
            assertThat(ROLES)
                    .as("%s: '%s' is not a role of the deployment", where, role)
                    .contains(role);
            parse(s);
            Map<String, String> given = new LinkedHashMap<>(Settings.fromEnvironment(environment(s)));
            given.putAll(setOptions(s));
            given.keySet()
                    .forEach(key -> assertThat(isSettingOf(role, key))
                            .as("%s: '%s' (TALLY_ variable or --set) is not a setting of tally %s", where, key, role)
                            .isTrue());
            environment(s)
                    .keySet()
                    .forEach(name -> assertThat(Settings.NOT_SETTINGS)
                            .as("%s: %s is not a setting", where, name)
                            .doesNotContain(name));
        }
    }

    @Test
    void the_flink_job_runs_the_aggregator_with_its_settings() {
        List<String> jm = command("jobmanager");
        assertThat(servicesBuiltAs("aggregator"))
                .as("%s: services of the aggregator image", COMPOSE)
                .containsExactlyInAnyOrder("jobmanager", "taskmanager");
        String script = DeploymentFiles.installedScript(jm.get(0));
        assertThat(script)
                .as("%s: service jobmanager runs %s, a docker/ script the Dockerfile installs", COMPOSE, jm.get(0))
                .isNotNull();
        String mainClass = DeploymentFiles.xpath(DeploymentFiles.pom("aggregator"), "//transformer/mainClass");
        assertThat(script)
                .as("the script %s: --job-classname must be the job jar's main class %s", jm.get(0), mainClass)
                .contains("--job-classname " + mainClass);
        assertThat(PIPELINES)
                .as("%s: service jobmanager: first job argument", COMPOSE)
                .contains(jm.get(1));
        for (String key : DeploymentFiles.jobSettings(jm).keySet()) {
            assertThat(isSettingOf("aggregator", key))
                    .as("%s: service jobmanager: --%s is not an aggregator setting", COMPOSE, key)
                    .isTrue();
        }
        String checkpoints = aggregator.getString(AggregatorConfig.CHECKPOINT_DIR);
        for (String s : List.of("jobmanager", "taskmanager")) {
            assertThat(DeploymentFiles.volumes(s))
                    .as("%s: service %s mounts the checkpoints %s", COMPOSE, s, checkpoints)
                    .anyMatch(v -> ("file://" + v.substring(v.indexOf(':') + 1)).equals(checkpoints));
            assertThat(DeploymentFiles.flinkProperties(s))
                    .as("%s: service %s: FLINK_PROPERTIES", COMPOSE, s)
                    .containsEntry("jobmanager.rpc.address", "jobmanager");
        }
        String slots =
                DeploymentFiles.flinkProperties("taskmanager").getOrDefault("taskmanager.numberOfTaskSlots", "1");
        assertThat(Integer.parseInt(slots))
                .as("%s: taskmanager slots for tally.aggregator.parallelism", COMPOSE)
                .isGreaterThanOrEqualTo(aggregator.getInt(AggregatorConfig.PARALLELISM));
    }

    @Test
    void the_schema_is_applied_once_replicated_by_data_center_before_the_roles_that_use_it_start() {
        String sc = tallyServices("schema").get(0);
        assertThat(service(sc).get("restart"))
                .as("%s: %s runs once", COMPOSE, sc)
                .isEqualTo("no");
        Replication replication = Replication.parse(schema.getString(SharedSettings.CASSANDRA_REPLICATION));
        assertThat(replication.strategy()).as("%s: %s replication", COMPOSE, sc).isEqualTo("NetworkTopologyStrategy");
        assertThat(replication.factors())
                .as("%s: %s replicates in the data center of the nodes", COMPOSE, sc)
                .containsOnlyKeys(api.getString(SharedSettings.CASSANDRA_DATACENTER))
                .containsValue(servicesOf("cassandra").size());
        List<String> users = new java.util.ArrayList<>(tallyServices("reconciler"));
        users.addAll(tallyServices("api"));
        for (String user : users) {
            assertThat(dependsOn(user))
                    .as("%s: %s starts once the schema is applied", COMPOSE, user)
                    .containsEntry(sc, Map.of("condition", "service_completed_successfully"));
            ApiConfig settings = user.startsWith("api") ? api : null;
            boolean applies = settings != null
                    ? settings.getBoolean(SharedSettings.CASSANDRA_SCHEMA_APPLY)
                    : reconcilers.get(user).getBoolean(SharedSettings.CASSANDRA_SCHEMA_APPLY);
            assertThat(applies)
                    .as("%s: %s runs no DDL of its own", COMPOSE, user)
                    .isFalse();
        }
        assertThat(dependsOn("prometheus"))
                .as("%s: prometheus must not wait on the API it monitors", COMPOSE)
                .doesNotContainKeys(tallyServices("api").toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dependsOn(String service) {
        Object d = service(service).get("depends_on");
        return d == null ? Map.of() : (Map<String, Object>) d;
    }

    @Test
    void settings_the_roles_share_have_one_value() {
        for (Map.Entry<String, ReconcilerConfig> r : reconcilers.entrySet()) {
            ReconcilerConfig c = r.getValue();
            String where = COMPOSE + ": " + r.getKey() + " and ";
            agree(
                    where + "jobmanager: Kafka",
                    c.getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS),
                    aggregator.getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS));
            agree(
                    where + "jobmanager: audit topic",
                    c.getString(SharedSettings.AUDIT_TOPIC),
                    aggregator.getString(SharedSettings.AUDIT_TOPIC));
            agree(
                    where + "jobmanager: aggregates topic",
                    c.getString(SharedSettings.AGGREGATES_TOPIC),
                    aggregator.getString(SharedSettings.AGGREGATES_TOPIC));
            agree(
                    where + "api: Cassandra",
                    c.getString(SharedSettings.CASSANDRA_CONTACT_POINTS),
                    api.getString(SharedSettings.CASSANDRA_CONTACT_POINTS));
            agree(
                    where + "api: data center",
                    c.getString(SharedSettings.CASSANDRA_DATACENTER),
                    api.getString(SharedSettings.CASSANDRA_DATACENTER));
            agree(
                    where + "api: keyspace",
                    c.getString(SharedSettings.CASSANDRA_KEYSPACE),
                    api.getString(SharedSettings.CASSANDRA_KEYSPACE));
            agree(
                    where + "schema: keyspace",
                    c.getString(SharedSettings.CASSANDRA_KEYSPACE),
                    schema.getString(SharedSettings.CASSANDRA_KEYSPACE));
            agree(
                    where + "schema: retention (the tables' TTL)",
                    c.getLong(ReconcilerConfig.RETENTION_MS),
                    schema.getLong(ReconcilerConfig.RETENTION_MS));
        }
        agree(
                COMPOSE + ": schema and api: Cassandra",
                schema.getString(SharedSettings.CASSANDRA_CONTACT_POINTS),
                api.getString(SharedSettings.CASSANDRA_CONTACT_POINTS));
        for (String node : servicesOf("cassandra")) {
            agree(
                    COMPOSE + ": " + node + " CASSANDRA_DC and api: data center",
                    environment(node).get("CASSANDRA_DC"),
                    api.getString(SharedSettings.CASSANDRA_DATACENTER));
        }
        // the agents of the client applications, as docker/README.md configures them
        AgentConfig agent = AgentConfig.fromProperties(DeploymentFiles.readmeAgentSettings());
        agree(
                "docker/README.md: tally.bucket.ms and jobmanager",
                agent.getLong(SharedSettings.BUCKET_MS),
                aggregator.getLong(SharedSettings.BUCKET_MS));
        agree(
                "docker/README.md: tally.digest.cells and jobmanager",
                agent.getInt(SharedSettings.DIGEST_CELLS),
                aggregator.getInt(SharedSettings.DIGEST_CELLS));
        agree(
                "docker/README.md: tally.audit.topic and jobmanager",
                agent.getString(SharedSettings.AUDIT_TOPIC),
                aggregator.getString(SharedSettings.AUDIT_TOPIC));
        reconcilers.forEach((s, c) -> agree(
                "docker/README.md: tally.flush.interval.ms and " + s,
                agent.getLong(SharedSettings.FLUSH_INTERVAL_MS),
                c.getLong(SharedSettings.FLUSH_INTERVAL_MS)));
    }

    @Test
    void kafka_is_three_kraft_nodes_that_the_roles_reach() {
        List<String> brokers = servicesOf("apache/kafka");
        assertThat(brokers).as("%s: Kafka brokers", COMPOSE).hasSize(3);
        Set<String> internal = DeploymentChecks.kafka(brokers);
        assertThat(new TreeSet<>(List.of(aggregator
                        .getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS)
                        .split(","))))
                .as("%s: the roles' bootstrap servers are the brokers' inter-broker listeners", COMPOSE)
                .isEqualTo(internal);
    }

    @Test
    void cassandra_is_three_nodes_holding_three_replicas() {
        List<String> nodes = servicesOf("cassandra");
        assertThat(nodes).as("%s: Cassandra nodes", COMPOSE).hasSize(3);
        Set<String> contactPoints =
                CassandraSessions.parseContactPoints(api.getString(SharedSettings.CASSANDRA_CONTACT_POINTS)).stream()
                        .map(a -> a.getHostString() + ":" + a.getPort())
                        .collect(Collectors.toSet());
        assertThat(contactPoints)
                .as("%s: the roles' Cassandra contact points are every node's CQL port", COMPOSE)
                .isEqualTo(nodes.stream().map(n -> n + ":" + CQL_PORT).collect(Collectors.toSet()));
        Set<String> clusters = new TreeSet<>();
        for (String n : nodes) {
            clusters.add(environment(n).get("CASSANDRA_CLUSTER_NAME"));
            assertThat(nodes)
                    .as("%s: %s: CASSANDRA_SEEDS", COMPOSE, n)
                    .containsAll(List.of(environment(n).get("CASSANDRA_SEEDS").split(",")));
        }
        assertThat(clusters)
                .as("%s: one CASSANDRA_CLUSTER_NAME", COMPOSE)
                .hasSize(1)
                .doesNotContainNull();
        // the keyspace is created by the schema service
        Replication replication = Replication.parse(schema.getString(SharedSettings.CASSANDRA_REPLICATION));
        int factor = replication
                .factors()
                .getOrDefault(
                        "replication_factor",
                        replication.factors().getOrDefault(schema.getString(SharedSettings.CASSANDRA_DATACENTER), 0));
        assertThat(factor)
                .as(
                        "%s: tally.cassandra.replication %s: a replica on every one of the %d nodes",
                        COMPOSE, replication.toCql(), nodes.size())
                .isEqualTo(nodes.size());
    }

    @Test
    void the_api_prometheus_and_grafana_meet() {
        int port = api.getInt(ApiConfig.PORT);
        String a = tallyServices("api").get(0);
        assertThat(ports(a))
                .as("%s: service %s publishes its tally.api.port %d", COMPOSE, a, port)
                .anyMatch(p -> p.endsWith(":" + port));
        assertThat(String.valueOf(
                        DeploymentFiles.map(service(a).get("healthcheck")).get("test")))
                .as("%s: service %s: healthcheck", COMPOSE, a)
                .contains("localhost:" + port + "/health");
        DeploymentChecks.monitoring(a, port);
    }

    @Test
    void the_dashboard_shows_metrics_the_api_exports() {
        Set<String> exported = DeploymentChecks.exportedMetrics();
        Set<String> shown = DeploymentChecks.dashboardMetrics();
        assertThat(shown)
                .as("docker/grafana/dashboards/tally.json: panels")
                .contains("tally_tier_lag_seconds", "tally_discrepancies_open", "tally_verdicts");
        shown.forEach(m -> assertThat(exported)
                .as("docker/grafana/dashboards/tally.json: metric %s is not exported by " + "the API (ApiMetrics)", m)
                .contains(m));
    }

    // ---- helpers

    static List<String> tallyServices(String role) {
        return servicesBuiltAs("tally").stream()
                .filter(s -> command(s).get(0).equals(role))
                .toList();
    }

    /** @return the command object picocli builds from the service's command (parsing fails on a bad option) */
    static Object parse(String service) {
        try {
            return deepest(TallyCommand.commandLine().parseArgs(command(service).toArray(String[]::new)))
                    .commandSpec()
                    .userObject();
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(
                    COMPOSE + ": service " + service + ": command " + command(service) + ": " + e.getMessage(), e);
        }
    }

    /** @return the innermost subcommand's parse result ({@code schema apply}: apply's) */
    private static CommandLine.ParseResult deepest(CommandLine.ParseResult top) {
        CommandLine.ParseResult r = top.subcommand();
        while (r.hasSubcommand()) {
            r = r.subcommand();
        }
        return r;
    }

    private static Map<String, String> setOptions(String service) {
        CommandLine.ParseResult sub =
                deepest(TallyCommand.commandLine().parseArgs(command(service).toArray(String[]::new)));
        return sub.hasMatchedOption("--set") ? sub.matchedOptionValue("--set", Map.<String, String>of()) : Map.of();
    }

    private static List<DeploymentFiles.Instruction> instructions(String keyword) {
        return DeploymentFiles.dockerfile().stream()
                .filter(i -> i.keyword().equals(keyword))
                .toList();
    }

    private static void assertPinned(String where, String image) {
        assertThat(image).as("%s: the image needs a tag", where).contains(":");
        assertThat(tag(image))
                .as("%s: the tag must be a fixed version", where)
                .isNotIn("latest", "")
                .doesNotStartWith("$");
    }

    private static String image(String service) {
        return String.valueOf(service(service).get("image"));
    }

    private static String tag(String image) {
        return image.substring(image.lastIndexOf(':') + 1);
    }

    private static void assertVersion(List<String> services, String property) {
        assertThat(services).as("%s: services of %s", COMPOSE, property).isNotEmpty();
        services.forEach(s -> assertThat(tag(image(s)))
                .as("%s: service %s must run the version of the build (pom.xml %s)", COMPOSE, s, property)
                .isEqualTo(property(property)));
    }

    private static void agree(String what, Object one, Object other) {
        assertThat(String.valueOf(one)).as("%s must agree", what).isEqualTo(String.valueOf(other));
    }

    /** @return whether {@code key} is a setting of the role's table (the reconciler also passes kafka.* on) */
    private static boolean isSettingOf(String role, String key) {
        // tally schema apply reads the reconciler's settings (the store's, and its retention for the TTL)
        SettingsTable table = SettingsReference.TABLES.get(role.equals("schema") ? "reconciler" : role);
        return table != null && table.knows(key);
    }
}
