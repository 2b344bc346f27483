package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.settings.SharedSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RoleConfigsTest {

    @Test
    void the_bucket_flag_reaches_the_aggregator_and_is_the_size_the_standalone_tells_the_agents() throws Exception {
        RoleConfigs roles = rolesOf(
                Map.of("TALLY_BUCKET_MS", "20000"), "standalone", "--set", "tally.bucket.ms=10000", "--bucket", "30s");

        assertThat(roles.aggregator().getLong(SharedSettings.BUCKET_MS)).isEqualTo(30_000L);
        assertThat(roles.bucketMs()).isEqualTo(30_000L);
    }

    @Test
    void a_bucket_set_without_the_flag_is_the_one_every_part_uses() throws Exception {
        assertThat(rolesOf(Map.of(), "standalone", "--set", "tally.bucket.ms=10000")
                        .bucketMs())
                .isEqualTo(10_000L);
        assertThat(rolesOf(Map.of("TALLY_BUCKET_MS", "20000"), "standalone").bucketMs())
                .isEqualTo(20_000L);
        assertThat(rolesOf(Map.of(), "standalone").bucketMs()).isEqualTo(SharedSettings.DEFAULT_BUCKET_MS);
    }

    @Test
    void the_keyspace_set_reaches_the_reconciler_and_the_api_alike() throws Exception {
        RoleConfigs roles = rolesOf(Map.of(), "standalone", "--set", "tally.cassandra.keyspace=audit_eu");

        assertThat(roles.reconciler().getString(SharedSettings.CASSANDRA_KEYSPACE))
                .isEqualTo("audit_eu");
        assertThat(roles.api().getString(SharedSettings.CASSANDRA_KEYSPACE)).isEqualTo("audit_eu");
    }

    @Test
    void every_role_gets_the_cluster_and_node_the_standalone_started() throws Exception {
        RoleConfigs roles = rolesOf(Map.of(), "standalone", "--set", "tally.kafka.bootstrap.servers=elsewhere:9092");

        assertThat(roles.aggregator().getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS))
                .isEqualTo("localhost:19092");
        assertThat(roles.reconciler().getString(SharedSettings.CASSANDRA_CONTACT_POINTS))
                .isEqualTo("localhost:19042");
        assertThat(roles.api().getString(SharedSettings.CASSANDRA_CONTACT_POINTS))
                .isEqualTo("localhost:19042");
    }

    @Test
    void with_the_broker_requiring_scram_every_kafka_client_of_every_role_logs_in_as_its_own_user() throws Exception {
        RoleConfigs roles = rolesOf(
                Map.of("TALLY_BROKER_SASL_PASSWORD", "pw-1"),
                "standalone",
                "--set",
                "tally.broker.sasl.mechanism=SCRAM-SHA-512",
                "--set",
                "tally.broker.sasl.username=tally-roles");

        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"tally-roles\" "
                + "password=\"pw-1\";";
        Map<String, String> expected = Map.of(
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", jaas);
        assertThat(roles.aggregator().kafkaProperties()).containsAllEntriesOf(expected);
        assertThat(roles.reconciler().kafkaProperties()).containsAllEntriesOf(expected);
        assertThat(roles.toString()).doesNotContain("pw-1");
    }

    @Test
    void kafka_client_settings_given_to_the_standalone_win_over_the_brokers_own_user() throws Exception {
        RoleConfigs roles = rolesOf(
                Map.of(),
                "standalone",
                "--set",
                "tally.broker.sasl.mechanism=SCRAM-SHA-512",
                "--set",
                "tally.broker.sasl.password=pw-1",
                "--set",
                "tally.kafka.sasl.jaas.config=theirs");

        assertThat(roles.reconciler().kafkaProperties())
                .containsEntry("sasl.jaas.config", "theirs")
                .containsEntry("security.protocol", "SASL_PLAINTEXT");
        assertThat(rolesOf(Map.of(), "standalone").reconciler().kafkaProperties())
                .as("without SASL")
                .containsOnlyKeys("bootstrap.servers");
    }

    @Test
    void a_bad_bucket_is_refused_naming_the_key() {
        assertThatThrownBy(() -> rolesOf(Map.of(), "standalone", "--set", "tally.bucket.ms=-5"))
                .hasMessageContaining("tally.bucket.ms");
    }

    /** The settings a {@code tally standalone} command line gives its roles, as {@link Standalone} reads them. */
    private static RoleConfigs rolesOf(Map<String, String> environment, String... args) throws Exception {
        CommandLine.ParseResult parsed = TallyCommand.commandLine().parseArgs(args);
        StandaloneCommand command =
                (StandaloneCommand) parsed.subcommand().commandSpec().userObject();
        Standalone.Options options = new Standalone.Options(Path.of("data"), command.values(environment));
        return RoleConfigs.of(Standalone.roleSettings(options, "localhost:19092", "localhost:19042"));
    }
}
