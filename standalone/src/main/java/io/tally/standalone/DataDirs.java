package io.tally.standalone;

import java.nio.file.Path;

/** Where the CLI keeps persistent data unless {@code --data-dir} says otherwise: {@code ~/.tally/<role>}. */
final class DataDirs {
    private DataDirs() {}

    static Path defaultFor(String role) {
        return Path.of(System.getProperty("user.home"), ".tally", role);
    }
}
