package io.tally.storage.internal;

import io.tally.storage.LocalCassandraConfig;
import io.tally.storage.StorageException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finds the folder of Cassandra server jars: the system property {@value LocalCassandraConfig#LIB} if set, else
 * {@value #BUILD_OUTPUT} in the working folder or the nearest parent that has one (so it works from the repository
 * root and from any module folder).
 */
public final class CassandraLibLocator {
    /** Where {@code mvn -pl storage/cassandra-dist package} puts the jars, relative to the repository root. */
    public static final String BUILD_OUTPUT = "storage/cassandra-dist/target/lib";

    static final String BUILD_HINT = "Build them with `mvn -pl storage/cassandra-dist package` at the repository root, "
            + "or point -D" + LocalCassandraConfig.LIB + "=<folder> at a folder of cassandra-all and its dependencies.";

    private CassandraLibLocator() {}

    /** Locates the folder from the system property and the working folder, checking the disk. */
    public static Path locate() {
        return locate(
                Optional.ofNullable(System.getProperty(LocalCassandraConfig.LIB)),
                Path.of("").toAbsolutePath(),
                CassandraLibLocator::holdsCassandra);
    }

    /**
     * @param property the value of {@value LocalCassandraConfig#LIB}, if set
     * @param workingDir where the upward search starts
     * @param isLibDir whether a folder holds the server jars
     * @throws StorageException naming both places looked at, with how to build the jars
     */
    static Path locate(Optional<String> property, Path workingDir, Predicate<Path> isLibDir) {
        if (property.isPresent() && !property.get().isBlank()) {
            Path dir = Path.of(property.get().trim()).toAbsolutePath().normalize();
            return check(dir, "the system property " + LocalCassandraConfig.LIB, isLibDir);
        }
        for (Path dir = workingDir.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(BUILD_OUTPUT);
            if (isLibDir.test(candidate)) {
                return candidate;
            }
        }
        throw new StorageException("Cassandra server jars not found: the system property " + LocalCassandraConfig.LIB
                + " is not set, and there is no " + BUILD_OUTPUT + " in " + workingDir.toAbsolutePath()
                + " or any parent folder. " + BUILD_HINT);
    }

    /**
     * @param dir a folder given by the user
     * @param source where it came from, for the message
     * @throws StorageException if the folder holds no cassandra-all jar
     */
    public static Path check(Path dir, String source) {
        return check(dir, source, CassandraLibLocator::holdsCassandra);
    }

    private static Path check(Path dir, String source, Predicate<Path> isLibDir) {
        if (!isLibDir.test(dir)) {
            throw new StorageException("Cassandra server jars not found: " + dir + " (from " + source
                    + ") holds no cassandra-all-*.jar. " + BUILD_HINT);
        }
        return dir;
    }

    static boolean holdsCassandra(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "cassandra-all-*.jar")) {
            return jars.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }
}
