package io.tally.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CassandraYamlTest {
    private final NodeLayout layout = new NodeLayout(Path.of("/var/tally/cassandra"));

    @Test
    void binds_both_ports_on_loopback_and_seeds_itself() {
        String yaml = CassandraYaml.render(layout, 19042, 17000);

        assertThat(yaml)
                .contains("native_transport_port: 19042\n")
                .contains("storage_port: 17000\n")
                .contains("listen_address: 127.0.0.1\n")
                .contains("rpc_address: 127.0.0.1\n")
                .contains("- seeds: '127.0.0.1:17000'\n");
    }

    @Test
    void settings_given_replace_tally_s_own_by_key_blocks_included_and_the_others_are_added() {
        String yaml = CassandraYaml.render(
                layout,
                19042,
                17000,
                java.util.Map.of(
                        "authenticator", "PasswordAuthenticator",
                        "seed_provider", "  - class_name: org.example.Seeds",
                        "client_encryption_options", "  enabled: true\n  optional: false"));

        assertThat(yaml)
                .contains("authenticator: PasswordAuthenticator\n")
                .doesNotContain("AllowAllAuthenticator")
                .contains("seed_provider:\n  - class_name: org.example.Seeds\nlisten_address")
                .doesNotContain("SimpleSeedProvider")
                .endsWith("client_encryption_options:\n  enabled: true\n  optional: false\n");
        assertThat(yaml.split("\n"))
                .filteredOn(l -> l.startsWith("authenticator"))
                .hasSize(1);
    }

    @Test
    void a_node_of_a_local_cluster_listens_and_seeds_itself_on_its_own_loopback_address() {
        String yaml = CassandraYaml.render(layout, "127.0.0.2", 9042, 7000, java.util.Map.of());

        assertThat(yaml)
                .contains("listen_address: 127.0.0.2\n")
                .contains("rpc_address: 127.0.0.2\n")
                .contains("- seeds: '127.0.0.2:7000'\n")
                .doesNotContain("127.0.0.1");
    }

    @Test
    void is_a_fast_single_node_with_one_token_and_no_bootstrap() {
        String yaml = CassandraYaml.render(layout, 19042, 17000);

        assertThat(yaml)
                .contains("num_tokens: 1\n")
                .contains("initial_token: 0\n")
                .contains("auto_bootstrap: false\n")
                .contains("partitioner: org.apache.cassandra.dht.Murmur3Partitioner\n")
                .contains("endpoint_snitch: SimpleSnitch\n");
    }

    @Test
    void puts_every_directory_under_the_data_dir() {
        String yaml = CassandraYaml.render(layout, 19042, 17000);

        assertThat(yaml)
                .contains("  - '/var/tally/cassandra/data'\n")
                .contains("commitlog_directory: '/var/tally/cassandra/commitlog'\n")
                .contains("saved_caches_directory: '/var/tally/cassandra/saved_caches'\n")
                .contains("hints_directory: '/var/tally/cassandra/hints'\n")
                .contains("cdc_raw_directory: '/var/tally/cassandra/cdc_raw'\n");
    }

    @Test
    void uses_cassandra_5_value_syntax_with_units() {
        String yaml = CassandraYaml.render(layout, 19042, 17000);

        assertThat(yaml)
                .contains("commitlog_sync_period: 10000ms\n")
                .contains("commitlog_segment_size: 8MiB\n")
                .doesNotContain("_in_ms")
                .doesNotContain("_in_mb")
                .doesNotContain("_in_kb");
    }

    @Test
    void quotes_paths_so_yaml_reads_them_verbatim() {
        String yaml = CassandraYaml.render(new NodeLayout(Path.of("/tmp/it's: #odd")), 19042, 17000);

        assertThat(yaml).contains("commitlog_directory: '/tmp/it''s: #odd/commitlog'\n");
    }

    @Test
    void refuses_ports_that_were_not_chosen_yet() {
        assertThatThrownBy(() -> CassandraYaml.render(layout, 0, 17000)).isInstanceOf(IllegalArgumentException.class);
    }
}
