package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.api.ApiConfig;
import io.tally.reconciler.ReconcilerConfig;
import io.tally.storage.ConfigOption;
import io.tally.storage.LocalCassandraConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference of the root README is the settings tables of every role, as the code declares them.
 * The reconciler's, the API's and the local node's are generated here; the aggregator's is the one its module README
 * holds (checked against the code by {@code AggregatorConfigDocTest}). Run with {@code -Dtally.readme.update=true}
 * to rewrite the README's tables instead of failing.
 */
class ReadmeReferenceTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void the_configuration_reference_is_every_roles_current_table() throws IOException {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put(
                "root-aggregator-settings",
                block(Files.readString(ROOT.resolve("aggregator/README.md")), "aggregator-settings"));
        tables.put("root-reconciler-settings", ReconcilerConfig.markdownTable());
        tables.put("root-api-settings", ApiConfig.markdownTable());
        tables.put("root-cassandra-settings", ConfigOption.markdownTable(LocalCassandraConfig.OPTIONS));

        Path readme = ROOT.resolve("README.md");
        String text = Files.readString(readme);
        String updated = text;
        for (Map.Entry<String, String> t : tables.entrySet()) {
            updated = replaceBlock(updated, t.getKey(), t.getValue());
        }
        if (Boolean.getBoolean("tally.readme.update")) {
            Files.writeString(readme, updated);
            return;
        }
        for (Map.Entry<String, String> t : tables.entrySet()) {
            assertThat(block(text, t.getKey()).strip())
                    .as(
                            "README.md's %s table is stale (run this test with "
                                    + "-Dtally.readme.update=true); it is:%n%s",
                            t.getKey(), t.getValue())
                    .isEqualTo(t.getValue().strip());
        }
    }

    private static String block(String text, String name) {
        String begin = "<!-- " + name + ":begin -->";
        String end = "<!-- " + name + ":end -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        assertThat(from).as("marker %s", begin).isNotNegative();
        assertThat(to).as("marker %s", end).isGreaterThan(from);
        return text.substring(from + begin.length(), to);
    }

    private static String replaceBlock(String text, String name, String table) {
        String begin = "<!-- " + name + ":begin -->";
        String end = "<!-- " + name + ":end -->";
        int from = text.indexOf(begin) + begin.length();
        int to = text.indexOf(end);
        return text.substring(0, from) + "\n" + table.strip() + "\n" + text.substring(to);
    }
}
