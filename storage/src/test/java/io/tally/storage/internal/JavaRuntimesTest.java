package io.tally.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.storage.StorageException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JavaRuntimesTest {

    @Test
    void reads_the_feature_version_from_a_release_file() {
        assertThat(JavaRuntimes.parseRelease("IMPLEMENTOR=\"Debian\"\nJAVA_VERSION=\"17.0.15\"\n"))
                .hasValue(17);
        assertThat(JavaRuntimes.parseRelease("JAVA_VERSION=\"25\"\n")).hasValue(25);
        assertThat(JavaRuntimes.parseRelease("JAVA_VERSION=\"1.8.0_412\"\n")).hasValue(8);
        assertThat(JavaRuntimes.parseRelease("IMPLEMENTOR=\"x\"\n")).isEmpty();
    }

    @Test
    void refuses_a_home_without_java_naming_the_key_to_set() {
        assertThatThrownBy(() -> JavaRuntimes.requireJava17(Path.of("/no/such/jdk")))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("/no/such/jdk")
                .hasMessageContaining("tally.cassandra.java.home");
    }
}
