package io.tally.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's table of agent settings is generated from {@link AgentConfig}; this keeps the two in step. */
class AgentConfigDocTest {
    static final Path README = Path.of("..", "README.md");
    static final String BEGIN = "<!-- agent-settings:begin -->\n";
    static final String END = "<!-- agent-settings:end -->";

    @Test
    void the_readme_lists_every_setting_as_the_config_table_defines_it() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String block = readme.substring(readme.indexOf(BEGIN) + BEGIN.length(), readme.indexOf(END));
        assertThat(block)
                .as("README agent settings are stale; run: mvn -q -pl audit-agent test-compile exec:java "
                        + "-Dexec.classpathScope=test -Dexec.mainClass=io.tally.agent.AgentConfigDocTest")
                .isEqualTo(AgentConfig.toMarkdown());
    }

    /** Rewrites the README's table from {@link AgentConfig}. */
    public static void main(String[] args) throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int from = readme.indexOf(BEGIN) + BEGIN.length();
        Files.writeString(
                README,
                readme.substring(0, from) + AgentConfig.toMarkdown() + readme.substring(readme.indexOf(END)),
                StandardCharsets.UTF_8);
    }
}
