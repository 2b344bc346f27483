package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.aggregator.AggregatorConfig;
import io.tally.api.ApiConfig;
import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.ReconcilerConfig;
import io.tally.storage.AuditStore;
import io.tally.storage.AuditStores;
import io.tally.storage.InMemoryAuditStore;
import io.tally.storage.TallySchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SettingsTest {

    @Test
    void a_tally_variable_names_its_key_in_upper_case_with_underscores() {
        assertThat(Settings.keyOf("TALLY_RECONCILER_GRACE_MS")).isEqualTo("tally.reconciler.grace.ms");
        assertThat(Settings.fromEnvironment(Map.of(
                        "TALLY_BUCKET_MS",
                        "10000",
                        "PATH",
                        "/bin",
                        "tally_x",
                        "1",
                        "TALLY_API_TOKEN",
                        "s3cret",
                        "TALLY_JAVA_OPTS",
                        "-Xmx1g")))
                .containsExactly(Map.entry("tally.bucket.ms", "10000"));
    }

    @Test
    void no_settings_key_has_an_underscore_or_a_capital_so_the_mapping_is_one_to_one() {
        List<String> keys = SettingsReference.TABLES.values().stream()
                .flatMap(t -> t.definition().names().stream())
                .toList();

        assertThat(keys).isNotEmpty().allSatisfy(k -> assertThat(k).matches("[a-z0-9.]+"));
    }

    @Test
    void the_environment_loses_to_the_file_which_loses_to_set(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tally.properties");
        Files.writeString(file, "tally.reconciler.grace.ms=2000\ntally.reconciler.liveness.ms=40000\n");
        Settings settings = parse("--config", file.toString(), "--set", "tally.reconciler.liveness.ms=50000");

        Map<String, String> values = settings.load(Map.of(
                "TALLY_RECONCILER_GRACE_MS",
                "1000",
                "TALLY_RECONCILER_LIVENESS_MS",
                "30000",
                "TALLY_RECONCILER_WINDOW_MS",
                "90000"));

        assertThat(values)
                .containsEntry("tally.reconciler.window.ms", "90000")
                .containsEntry("tally.reconciler.grace.ms", "2000")
                .containsEntry("tally.reconciler.liveness.ms", "50000");
    }

    @Test
    void a_flag_left_out_does_not_hide_a_setting_of_the_environment() throws Exception {
        ReconcilerCommand reconciler = command(ReconcilerCommand.class, "reconciler");
        assertThat(reconciler.values(Map.of("TALLY_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092")))
                .containsEntry(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, "kafka-1:9092")
                .doesNotContainKey(SharedSettings.CASSANDRA_CONTACT_POINTS);

        ReconcilerCommand flagged = command(ReconcilerCommand.class, "reconciler", "--kafka", "k:1");
        assertThat(flagged.values(Map.of("TALLY_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092")))
                .containsEntry(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, "k:1");

        ApiCommand api = command(ApiCommand.class, "api");
        assertThat(api.values(Map.of("TALLY_CASSANDRA_CONTACT_POINTS", "cassandra-1:9042")))
                .containsEntry(SharedSettings.CASSANDRA_CONTACT_POINTS, "cassandra-1:9042");
    }

    @Test
    void standalone_flags_left_out_do_not_hide_the_settings_of_the_environment_a_file_or_set(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("tally.properties");
        Files.writeString(file, "tally.reconciler.grace.ms=3000\n");
        Map<String, String> environment = Map.of("TALLY_BUCKET_MS", "10000", "TALLY_API_PORT", "8181");

        Map<String, Object> given =
                roles(dir, command(StandaloneCommand.class, "standalone", "--config", file.toString()), environment);
        assertThat(AggregatorConfig.fromProperties(given).getLong(SharedSettings.BUCKET_MS))
                .isEqualTo(10_000);
        assertThat(ReconcilerConfig.fromProperties(given).getLong(ReconcilerConfig.GRACE_MS))
                .isEqualTo(3_000);
        assertThat(ApiConfig.fromProperties(given).getInt(ApiConfig.PORT)).isEqualTo(8181);

        Map<String, Object> set =
                roles(dir, command(StandaloneCommand.class, "standalone", "--set", "tally.api.port=8282"), environment);
        assertThat(ApiConfig.fromProperties(set).getInt(ApiConfig.PORT)).isEqualTo(8282);

        Map<String, Object> flagged = roles(
                dir,
                command(StandaloneCommand.class, "standalone", "--bucket", "5s", "--grace", "1s", "--api-port", "0"),
                environment);
        assertThat(AggregatorConfig.fromProperties(flagged).getLong(SharedSettings.BUCKET_MS))
                .isEqualTo(5_000);
        assertThat(ReconcilerConfig.fromProperties(flagged).getLong(ReconcilerConfig.GRACE_MS))
                .isEqualTo(1_000);
        assertThat(ApiConfig.fromProperties(flagged).getInt(ApiConfig.PORT)).isZero();

        Map<String, Object> none = roles(dir, command(StandaloneCommand.class, "standalone"), Map.of());
        assertThat(AggregatorConfig.fromProperties(none).getLong(SharedSettings.BUCKET_MS))
                .isEqualTo(60_000);
        assertThat(ReconcilerConfig.fromProperties(none).getLong(ReconcilerConfig.GRACE_MS))
                .isEqualTo(10_000);
        assertThat(ApiConfig.fromProperties(none).getInt(ApiConfig.PORT)).isEqualTo(8080);
    }

    @Test
    void standalone_gives_the_api_the_keyspace_and_datacenter_the_reconciler_uses(@TempDir Path dir) throws Exception {
        Map<String, Object> given = roles(
                dir,
                command(
                        StandaloneCommand.class,
                        "standalone",
                        "--set",
                        "tally.cassandra.keyspace=audit_trail",
                        "--set",
                        "tally.cassandra.datacenter=east"),
                Map.of());

        ReconcilerConfig reconciler = ReconcilerConfig.fromProperties(given);
        ApiConfig api = ApiConfig.fromProperties(given);
        for (String key : List.of(SharedSettings.CASSANDRA_KEYSPACE, SharedSettings.CASSANDRA_DATACENTER)) {
            assertThat(api.getString(key)).isEqualTo(reconciler.getString(key));
        }
        assertThat(AuditStores.schema(api, TallySchema.DEFAULT_TTL).keyspace()).isEqualTo("audit_trail");
    }

    @Test
    void the_api_accepts_memory_as_contact_points_as_the_reconciler_does() throws Exception {
        ApiConfig api = ApiConfig.fromProperties(
                command(ApiCommand.class, "api", "--cassandra", "memory").values(Map.of()));
        ReconcilerConfig reconciler = ReconcilerConfig.fromProperties(command(ReconcilerCommand.class, "reconciler")
                .values(Map.of("TALLY_CASSANDRA_CONTACT_POINTS", "memory")));

        try (AuditStore apiStore = AuditStores.open(api);
                AuditStore reconcilerStore = AuditStores.open(reconciler)) {
            assertThat(apiStore).isInstanceOf(InMemoryAuditStore.class);
            assertThat(reconcilerStore).isInstanceOf(InMemoryAuditStore.class);
        }
    }

    @Test
    void standalone_refuses_a_bad_setting_by_name_before_it_starts_anything(@TempDir Path dir) {
        Path data = dir.resolve("tally");
        for (Map.Entry<String, String> bad : Map.of(
                        "tally.cassandra.keyspace", "Bad-Name",
                        "tally.api.port", "eighty",
                        "tally.reconciler.grace.ms", "-1",
                        "tally.aggregator.parallelism", "0")
                .entrySet()) {
            assertThatThrownBy(() -> Standalone.start(
                                    new Standalone.Options(data, Map.of(bad.getKey(), bad.getValue())),
                                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                            .close())
                    .as(bad.getKey())
                    .hasMessageContaining(bad.getKey());
        }
        assertThat(data).as("nothing was started").doesNotExist();
    }

    private static Map<String, Object> roles(Path dir, StandaloneCommand command, Map<String, String> environment)
            throws Exception {
        return Standalone.roleSettings(new Standalone.Options(dir, command.values(environment)), "k:9092", "c:9042");
    }

    @Test
    void one_environment_configures_every_role_each_reading_its_own_and_the_shared_keys() throws Exception {
        Map<String, String> environment = Map.of(
                "TALLY_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092",
                "TALLY_RECONCILER_GRACE_MS", "1000",
                "TALLY_API_PORT", "8081",
                "TALLY_CASSANDRA_KEYSPACE", "audit");

        Map<String, String> values =
                command(AggregatorCommand.class, "aggregator").values(environment);
        assertThat(AggregatorConfig.fromProperties(values).getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS))
                .isEqualTo("kafka-1:9092");
        ReconcilerConfig reconciler = ReconcilerConfig.fromProperties(
                command(ReconcilerCommand.class, "reconciler").values(environment));
        assertThat(reconciler.getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("kafka-1:9092");
        assertThat(reconciler.getLong(ReconcilerConfig.GRACE_MS)).isEqualTo(1000);
        assertThat(reconciler.getString(SharedSettings.CASSANDRA_KEYSPACE)).isEqualTo("audit");
        ApiConfig api =
                ApiConfig.fromProperties(command(ApiCommand.class, "api").values(environment));
        assertThat(api.getString(SharedSettings.CASSANDRA_KEYSPACE)).isEqualTo("audit");
        assertThat(api.getInt(ApiConfig.PORT)).isEqualTo(8081);
    }

    @Test
    void a_key_no_role_reads_is_refused_by_name_wherever_it_comes_from() {
        assertThatThrownBy(() ->
                        command(ReconcilerCommand.class, "reconciler").values(Map.of("TALLY_BUCKET_MSEC", "1000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown setting(s) [tally.bucket.msec]");
        assertThatThrownBy(() -> command(AggregatorCommand.class, "aggregator", "--set", "tally.reconciler.graze.ms=1")
                        .values(Map.of()))
                .hasMessageContaining("[tally.reconciler.graze.ms]");
        assertThatThrownBy(() -> command(ReconcilerCommand.class, "reconciler")
                        .values(Map.of("TALLY_RECONCILER_BOOTSTRAP_SERVERS", "k:1")))
                .as("the reconciler's Kafka cluster is the shared tally.kafka.bootstrap.servers")
                .hasMessageContaining("[tally.reconciler.bootstrap.servers]");
    }

    private static Settings parse(String... args) {
        Settings settings = new Settings();
        new CommandLine(settings).parseArgs(args);
        return settings;
    }

    private static <T> T command(Class<T> type, String... args) {
        CommandLine.ParseResult parsed = TallyCommand.commandLine().parseArgs(args);
        return type.cast(parsed.subcommand().commandSpec().userObject());
    }
}
