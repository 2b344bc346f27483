package io.tally.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LogbackXmlTest {

    @Test
    void logs_info_and_above_to_a_file_in_the_log_dir_and_nothing_to_the_console() {
        String xml = LogbackXml.render(Path.of("/var/tally/cassandra/logs"));

        assertThat(xml)
                .contains("<file>/var/tally/cassandra/logs/system.log</file>")
                .contains("<root level=\"INFO\">")
                .doesNotContain("DEBUG")
                .doesNotContain("ConsoleAppender");
    }

    @Test
    void bounds_the_log_size_by_rolling() {
        String xml = LogbackXml.render(Path.of("/logs"));

        assertThat(xml)
                .contains("SizeBasedTriggeringPolicy")
                .contains("<maxFileSize>20MB</maxFileSize>")
                .contains("<maxIndex>5</maxIndex>");
    }

    @Test
    void escapes_paths_for_xml() {
        assertThat(LogbackXml.render(Path.of("/a&b<c>"))).contains("<file>/a&amp;b&lt;c&gt;/system.log</file>");
    }
}
