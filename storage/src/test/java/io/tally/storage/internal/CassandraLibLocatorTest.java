package io.tally.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.storage.StorageException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CassandraLibLocatorTest {
    private static final Path REPO_LIB = Path.of("/src/tally/storage/cassandra-dist/target/lib");

    @Test
    void finds_the_build_output_from_the_repository_root() {
        Path found = CassandraLibLocator.locate(Optional.empty(), Path.of("/src/tally"), Set.of(REPO_LIB)::contains);

        assertThat(found).isEqualTo(REPO_LIB);
    }

    @Test
    void finds_the_build_output_from_a_module_folder_below_the_root() {
        Path found = CassandraLibLocator.locate(
                Optional.empty(), Path.of("/src/tally/standalone/target"), Set.of(REPO_LIB)::contains);

        assertThat(found).isEqualTo(REPO_LIB);
    }

    @Test
    void the_system_property_wins_over_the_search() {
        Path other = Path.of("/opt/cassandra-lib");

        Path found = CassandraLibLocator.locate(
                Optional.of("/opt/cassandra-lib"), Path.of("/src/tally"), Set.of(REPO_LIB, other)::contains);

        assertThat(found).isEqualTo(other);
    }

    @Test
    void names_the_property_the_search_and_the_build_command_when_nothing_is_found() {
        assertThatThrownBy(() -> CassandraLibLocator.locate(Optional.empty(), Path.of("/home/me"), p -> false))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("tally.cassandra.lib")
                .hasMessageContaining("storage/cassandra-dist/target/lib")
                .hasMessageContaining("/home/me")
                .hasMessageContaining("mvn -pl storage/cassandra-dist package");
    }
}
