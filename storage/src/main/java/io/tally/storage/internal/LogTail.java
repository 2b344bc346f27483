package io.tally.storage.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.stream.Stream;

/** The last lines of a log file, to put in an error message. */
public final class LogTail {
    private LogTail() {}

    /**
     * @param file the log file; missing is fine
     * @param lines how many lines at most
     * @return the last lines under a header naming the file, or a line saying it is missing
     */
    public static String of(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "(" + file + " does not exist)";
        }
        Deque<String> tail = new ArrayDeque<>(lines);
        try (Stream<String> all = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            all.forEach(line -> {
                if (tail.size() == lines) {
                    tail.removeFirst();
                }
                tail.addLast(line);
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(" + file + " could not be read: " + e.getMessage() + ")";
        }
        return "--- last " + tail.size() + " lines of " + file + " ---\n" + String.join("\n", tail);
    }
}
