package io.tally.standalone;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * The settings sources every role shares, lowest precedence first: environment variables {@code TALLY_...} (what
 * containers use), a properties file ({@code --config}) and single settings ({@code --set key=value}). Flags of a
 * command are applied on top of all three.
 *
 * <p>An environment variable names a key by its upper-case form with {@code _} for {@code .}:
 * {@code TALLY_RECONCILER_GRACE_MS} is {@code tally.reconciler.grace.ms}. A {@code tally.} key that no role reads is
 * refused. No key of any settings table contains an
 * underscore (or an upper-case letter), so the mapping is one to one.
 */
final class Settings {
    /** Environment variables of the {@code TALLY_} family that are not settings: the launcher's and the query's. */
    static final Set<String> NOT_SETTINGS = Set.of("TALLY_JAVA_OPTS", "TALLY_API_TOKEN");

    private static final String ENV_PREFIX = "TALLY_";

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "A properties file of settings (the keys of the role's settings table).")
    Path file;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "One setting of the reference in the README, for example --set tally.bucket.ms=60000; "
                    + "may be repeated.")
    Map<String, String> single = new LinkedHashMap<>();

    /** @return the settings of the environment, then the file's, then the single ones; flags go on top */
    Map<String, String> load() throws IOException {
        return load(System.getenv());
    }

    /** {@link #load()} with {@code environment} in place of the process's environment. */
    Map<String, String> load(Map<String, String> environment) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>(fromEnvironment(environment));
        if (file != null) {
            Properties properties = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                properties.load(in);
            }
            properties.stringPropertyNames().forEach(k -> settings.put(k, properties.getProperty(k)));
        }
        settings.putAll(single);
        SettingsReference.refuseUnknown(settings);
        return settings;
    }

    /** @return the settings named by the {@code TALLY_...} variables of {@code environment}, by key */
    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> settings = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && !NOT_SETTINGS.contains(name)) {
                settings.put(keyOf(name), value);
            }
        });
        return settings;
    }

    /** @return the settings key an environment variable stands for: {@code TALLY_BUCKET_MS} is tally.bucket.ms */
    static String keyOf(String variable) {
        return variable.toLowerCase(Locale.ROOT).replace('_', '.');
    }
}
