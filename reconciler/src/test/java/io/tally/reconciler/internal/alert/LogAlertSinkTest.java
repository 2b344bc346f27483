package io.tally.reconciler.internal.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.reconciler.AlertSink;
import io.tally.reconciler.AlertSinkContract;
import io.tally.storage.DiscrepancyStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The log sink, read back from the test logger's output (slf4j-simple writes to {@code System.err}). */
class LogAlertSinkTest extends AlertSinkContract {
    private static final String LOGGER = " io.tally.reconciler.alerts - ";
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private PrintStream err;

    @BeforeEach
    void capture() {
        err = System.err;
        System.setErr(new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(err);
    }

    @Override
    protected AlertSink newSink() {
        return new LogAlertSink();
    }

    @Override
    protected List<String> delivered() {
        return output.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(line -> line.contains(LOGGER))
                .toList();
    }

    @Override
    protected Optional<AlertSink> sinkThatCannotDeliver() {
        return Optional.empty(); // writing to the log does not fail
    }

    @Test
    void logs_an_open_alert_at_warn_and_a_resolved_one_at_info() {
        try (AlertSink sink = newSink()) {
            sink.send(alert(DiscrepancyStatus.OPEN));
            sink.send(alert(DiscrepancyStatus.RESOLVED));
        }

        assertThat(delivered().get(0)).contains("WARN" + LOGGER + "LOSS on topic orders");
        assertThat(delivered().get(1)).contains("INFO" + LOGGER + "RESOLVED LOSS on topic orders");
    }
}
