package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.broker.BrokerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TallyCommandTest {

    private static String run(int expectedExit, String... args) {
        CommandLine cli = TallyCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(args)).as(String.join(" ", args)).isEqualTo(expectedExit);
        return out + err.toString();
    }

    @Test
    void help_lists_every_subcommand() {
        assertThat(run(0, "--help"))
                .contains("demo", "broker", "cassandra", "aggregator", "reconciler", "api", "query");
        assertThat(run(0, "api", "--help")).contains("--cassandra", "--port", "--api-token");
        assertThat(run(0, "query", "--help")).contains("--url", "--topic", "--kind", "--status", "--json", "--all");
        assertThat(run(0, "broker", "--help")).contains("--kafka-port", "--data-dir", "--nodes");
        assertThat(run(0, "cassandra", "--help")).contains("--cql-port", "--data-dir", "--heap-mb");
    }

    @Test
    void the_demo_takes_a_duration_and_refuses_a_bad_one() {
        assertThat(run(0, "demo", "--help")).contains("--duration", "--api-port");
        assertThat(run(1, "demo", "--duration", "0s")).contains("--duration must be positive");
        assertThat(run(2, "demo", "--duration", "soon")).contains("'soon' is not a duration");
    }

    @Test
    void bad_options_are_named() {
        assertThat(run(2, "broker", "--kafka-port", "ninety")).contains("--kafka-port", "ninety");
        assertThat(run(2, "frobnicate")).contains("frobnicate");
    }

    @Test
    void the_broker_takes_its_settings_from_the_environment_and_set_with_its_flags_on_top() throws Exception {
        CommandLine.ParseResult parsed = TallyCommand.commandLine()
                .parseArgs(
                        "broker",
                        "--set",
                        "tally.broker.sasl.mechanism=SCRAM-SHA-512",
                        "--set",
                        "tally.broker.listener.port=19092",
                        "--kafka-port",
                        "29092");
        BrokerCommand command =
                (BrokerCommand) parsed.subcommand().commandSpec().userObject();

        BrokerConfig config = BrokerConfig.fromProperties(command.values(Map.of("TALLY_BROKER_SASL_PASSWORD", "pw")));

        assertThat(config.listenerPort()).isEqualTo(29092);
        assertThat(config.nodes()).isEqualTo(1);
        assertThat(config.sasl().users()).containsOnlyKeys("tally");
        assertThat(config.dataDir()).contains(DataDirs.defaultFor("broker"));
    }

    @Test
    void durations_read_as_people_write_them() {
        DurationConverter converter = new DurationConverter();
        assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert("2H")).isEqualTo(Duration.ofHours(2));
        assertThat(converter.convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> converter.convert("10 parsecs"))
                .hasMessageContaining("'10 parsecs' is not a duration");
    }
}
