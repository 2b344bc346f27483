package io.tally.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module README's settings table is generated from {@link AggregatorConfig}; this keeps the two in step. */
public class AggregatorConfigDocTest {
    static final Path README = Path.of("README.md");
    static final String BEGIN = "<!-- aggregator-settings:begin -->\n";
    static final String END = "<!-- aggregator-settings:end -->";

    @Test
    void the_readme_lists_every_setting_as_the_config_table_defines_it() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String block = readme.substring(readme.indexOf(BEGIN) + BEGIN.length(), readme.indexOf(END));
        assertThat(block)
                .as("aggregator/README.md settings are stale; run: mvn -q -pl aggregator test-compile exec:java "
                        + "-Dexec.classpathScope=test -Dexec.mainClass=io.tally.aggregator.AggregatorConfigDocTest")
                .isEqualTo(AggregatorConfig.toMarkdown());
    }

    /** Rewrites the README's table from {@link AggregatorConfig}. */
    public static void main(String[] args) throws Exception {
        Path module = Path.of("aggregator", "README.md");
        Path readme = Files.exists(module) ? module : README;
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int from = text.indexOf(BEGIN) + BEGIN.length();
        Files.writeString(
                readme,
                text.substring(0, from) + AggregatorConfig.toMarkdown() + text.substring(text.indexOf(END)),
                StandardCharsets.UTF_8);
    }
}
