package io.tally.storage.internal;

import io.tally.storage.LocalCassandraConfig;
import io.tally.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a Java home can run Cassandra 5.0: it must be Java 17 (5.0.6 fails on 25, whose SecurityManager is
 * gone, and 4.x-era runtimes are too old for the flags).
 */
public final class JavaRuntimes {
    /** The only Java feature release the local node is run on. */
    public static final int REQUIRED_FEATURE = 17;

    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"?(\\d+)");

    private JavaRuntimes() {}

    /**
     * @param javaHome the home to check
     * @return javaHome
     * @throws StorageException if it has no bin/java or is not Java 17
     */
    public static Path requireJava17(Path javaHome) {
        Path java = javaHome.resolve("bin").resolve("java");
        if (!Files.isExecutable(java)) {
            throw new StorageException("No Java runtime at " + javaHome + " (no executable bin/java); set "
                    + LocalCassandraConfig.JAVA_HOME + " to a Java 17 home.");
        }
        OptionalInt feature = featureVersion(javaHome);
        if (feature.isEmpty() || feature.getAsInt() != REQUIRED_FEATURE) {
            throw new StorageException("Cassandra 5.0 runs on Java " + REQUIRED_FEATURE + ", but " + javaHome + " is "
                    + (feature.isEmpty() ? "of an unknown version" : "Java " + feature.getAsInt())
                    + ". Run Tally with a JDK 17, or set " + LocalCassandraConfig.JAVA_HOME + " to a Java 17 home.");
        }
        return javaHome;
    }

    /** The feature version of a Java home, from its {@code release} file, or the running JVM's if it is that home. */
    static OptionalInt featureVersion(Path javaHome) {
        Path release = javaHome.resolve("release");
        if (Files.isRegularFile(release)) {
            try {
                return parseRelease(Files.readString(release));
            } catch (IOException e) {
                // fall through to the running JVM's version
            }
        }
        Path running = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
        if (running.equals(javaHome.toAbsolutePath().normalize())) {
            return OptionalInt.of(Runtime.version().feature());
        }
        return OptionalInt.empty();
    }

    /** The feature version in the text of a {@code release} file ({@code JAVA_VERSION="17.0.15"} gives 17). */
    static OptionalInt parseRelease(String releaseFile) {
        Matcher m = JAVA_VERSION.matcher(releaseFile);
        if (!m.find()) {
            return OptionalInt.empty();
        }
        int first = Integer.parseInt(m.group(1));
        // Java 8 and older spell it 1.8.0_x
        if (first == 1) {
            return OptionalInt.of(8);
        }
        return OptionalInt.of(first);
    }
}
