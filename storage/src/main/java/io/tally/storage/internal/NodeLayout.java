package io.tally.storage.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the files of one local node live, all under its data folder.
 *
 * <pre>
 * data-dir/
 *   conf/cassandra.yaml, conf/logback.xml   generated at every start
 *   launcher/                               the child's main class, copied at every start
 *   data/ commitlog/ saved_caches/ hints/ cdc_raw/
 *   logs/system.log                         the node's log (INFO), logs/stdout.log its console
 *   tmp/                                    java.io.tmpdir of the node
 *   node.lock                               held while a node runs on this folder
 * </pre>
 *
 * @param root the data folder, absolute
 */
public record NodeLayout(Path root) {
    /** Validates that the root is absolute. */
    public NodeLayout {
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("data dir must be absolute, was " + root);
        }
    }

    public Path confDir() {
        return root.resolve("conf");
    }

    public Path yamlFile() {
        return confDir().resolve("cassandra.yaml");
    }

    public Path logbackFile() {
        return confDir().resolve("logback.xml");
    }

    public Path launcherDir() {
        return root.resolve("launcher");
    }

    public Path dataDir() {
        return root.resolve("data");
    }

    public Path commitLogDir() {
        return root.resolve("commitlog");
    }

    public Path savedCachesDir() {
        return root.resolve("saved_caches");
    }

    public Path hintsDir() {
        return root.resolve("hints");
    }

    public Path cdcRawDir() {
        return root.resolve("cdc_raw");
    }

    public Path logDir() {
        return root.resolve("logs");
    }

    public Path systemLog() {
        return logDir().resolve("system.log");
    }

    public Path stdoutLog() {
        return logDir().resolve("stdout.log");
    }

    public Path tmpDir() {
        return root.resolve("tmp");
    }

    public Path lockFile() {
        return root.resolve("node.lock");
    }

    /** Every folder that must exist before the node starts. */
    public List<Path> directories() {
        return List.of(
                confDir(),
                launcherDir(),
                dataDir(),
                commitLogDir(),
                savedCachesDir(),
                hintsDir(),
                cdcRawDir(),
                logDir(),
                tmpDir());
    }
}
