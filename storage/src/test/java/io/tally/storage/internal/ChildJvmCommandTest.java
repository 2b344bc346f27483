package io.tally.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmCommandTest {
    private final NodeLayout layout = new NodeLayout(Path.of("/var/tally/cassandra"));
    private final List<String> cmd =
            ChildJvmCommand.build(Path.of("/opt/jdk17"), 768, layout, Path.of("/opt/tally/lib"), 4242);

    @Test
    void runs_java_of_the_given_home_with_the_heap_fixed() {
        assertThat(cmd.get(0)).isEqualTo("/opt/jdk17/bin/java");
        assertThat(cmd).contains("-Xms768m", "-Xmx768m", "-Xss256k", "-XX:+UseG1GC", "-Djava.net.preferIPv4Stack=true");
    }

    @Test
    void carries_the_jvm17_module_flags_of_cassandra_as_pairs() {
        assertThat(cmd).containsSubsequence("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");
        assertThat(cmd).containsSubsequence("--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");
        assertThat(cmd).containsSubsequence("--add-opens", "java.base/java.lang=ALL-UNNAMED");
        assertThat(cmd).contains("-Djdk.attach.allowAttachSelf=true", "-Dio.netty.tryReflectionSetAccessible=true");
        for (int i = 0; i < cmd.size(); i++) {
            if (cmd.get(i).equals("--add-exports") || cmd.get(i).equals("--add-opens")) {
                assertThat(cmd.get(i + 1)).endsWith("=ALL-UNNAMED");
            }
        }
    }

    @Test
    void points_cassandra_at_the_generated_files_and_keeps_it_in_the_foreground() {
        assertThat(cmd)
                .contains(
                        "-Dcassandra.config=file:///var/tally/cassandra/conf/cassandra.yaml",
                        "-Dlogback.configurationFile=file:///var/tally/cassandra/conf/logback.xml",
                        "-Dcassandra-foreground=yes",
                        "-Dcassandra.storagedir=/var/tally/cassandra",
                        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                        "-Djava.io.tmpdir=/var/tally/cassandra/tmp");
    }

    @Test
    void tells_the_child_which_parent_to_watch() {
        assertThat(cmd).contains("-Dtally.parent.pid=4242");
    }

    @Test
    void starts_the_watching_main_with_the_launcher_before_the_server_jars() {
        int cp = cmd.indexOf("-cp");
        assertThat(cmd.get(cp + 1))
                .isEqualTo("/var/tally/cassandra/launcher" + File.pathSeparator + "/opt/tally/lib/*");
        assertThat(cmd.get(cmd.size() - 1)).isEqualTo("io.tally.storage.internal.CassandraChildMain");
        assertThat(cmd.indexOf("-cp")).isEqualTo(cmd.size() - 3);
    }

    @Test
    void the_watching_main_is_one_class_file_so_it_can_be_copied_alone() {
        assertThat(CassandraChildMain.class.getDeclaredClasses()).isEmpty();
        assertThat(CassandraChildMain.class.getResource("CassandraChildMain$1.class"))
                .isNull();
    }
}
