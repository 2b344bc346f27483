package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.agent.AgentConfig;
import io.tally.core.settings.SettingsTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every settings reference in the READMEs is its role's {@link SettingsTable} as the code declares it, rendered by the
 * one generator ({@link SettingsTable#markdown()}). Run with {@code -Dtally.readme.update=true} to rewrite the tables
 * instead of failing.
 */
class ReadmeReferenceTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** A table between {@code <!-- marker:begin -->} and {@code <!-- marker:end -->} in a README. */
    private record Block(String readme, String marker, SettingsTable table) {}

    private static List<Block> blocks() {
        Map<String, SettingsTable> t = SettingsReference.TABLES;
        return List.of(
                new Block("README.md", "agent-settings", AgentConfig.TABLE),
                new Block("README.md", "root-shared-settings", t.get("shared")),
                new Block("README.md", "root-aggregator-settings", t.get("aggregator")),
                new Block("README.md", "root-reconciler-settings", t.get("reconciler")),
                new Block("README.md", "root-api-settings", t.get("api")),
                new Block("README.md", "root-broker-settings", t.get("broker")),
                new Block("README.md", "root-cassandra-settings", t.get("cassandra")),
                new Block("aggregator/README.md", "aggregator-settings", t.get("aggregator")),
                new Block("reconciler/README.md", "reconciler-settings", t.get("reconciler")),
                new Block("api/README.md", "api-settings", t.get("api")));
    }

    @Test
    void every_settings_reference_is_its_roles_current_table() throws IOException {
        Map<String, String> updated = new LinkedHashMap<>();
        for (Block b : blocks()) {
            String text = updated.computeIfAbsent(b.readme(), ReadmeReferenceTest::read);
            updated.put(b.readme(), replaceBlock(text, b.marker(), b.table().markdown()));
        }
        if (Boolean.getBoolean("tally.readme.update")) {
            for (Map.Entry<String, String> file : updated.entrySet()) {
                Files.writeString(ROOT.resolve(file.getKey()), file.getValue());
            }
            return;
        }
        for (Block b : blocks()) {
            assertThat(block(read(b.readme()), b.marker()).strip())
                    .as(
                            "%s's %s table is stale (run this test with -Dtally.readme.update=true); it is:%n%s",
                            b.readme(), b.marker(), b.table().markdown())
                    .isEqualTo(b.table().markdown().strip());
        }
    }

    @Test
    void every_key_a_role_reads_is_in_the_reference_once_per_role() {
        for (SettingsTable table : SettingsReference.TABLES.values()) {
            assertThat(table.markdown().lines().filter(l -> l.startsWith("| `")))
                    .as("rows of %s", table.role())
                    .hasSize(table.definition().names().size()
                            + table.passThrough().size());
        }
    }

    private static String read(String readme) {
        try {
            return Files.readString(ROOT.resolve(readme));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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
        block(text, name); // both markers are there
        String begin = "<!-- " + name + ":begin -->";
        String end = "<!-- " + name + ":end -->";
        int from = text.indexOf(begin) + begin.length();
        int to = text.indexOf(end);
        return text.substring(0, from) + "\n" + table.strip() + "\n" + text.substring(to);
    }
}
